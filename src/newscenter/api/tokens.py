"""Making, finding and revoking API tokens: the writes behind the desk and `newscenter token`."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from newscenter.api import scopes as known_scopes
from newscenter.api.models import Token
from newscenter.news import policy
from newscenter.news.audit import audit_record
from newscenter.news.policy import Actor

PREFIX_CHARS = 10
# last_used is written at most this often per token: reading a token must not cost a write.
TOUCH_EVERY = dt.timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    user: Any,
    acting_user: Actor,
    label: str,
    scopes: list[str],
    expires: dt.datetime | None = None,
) -> tuple[Token, str]:
    """A new token for ``user``; returns it and the secret to show once (never stored).

    Anyone with a role makes tokens for themselves; for someone else it takes ``user.manage``.
    A token never holds more than its user's role, whatever its scopes say.
    """
    if acting_user is not policy.SYSTEM and getattr(acting_user, "pk", None) != user.pk:
        policy.require(acting_user, "user.manage")
    if policy.role_of(user) is None:
        raise ValueError(
            f"user {user.get_username()!r} has no newsroom role: a token would do nothing"
        )
    if expires is not None and expires <= timezone.now():
        raise ValueError("the expiry must be in the future")
    prefix = secrets.token_hex(PREFIX_CHARS // 2)
    secret = secrets.token_urlsafe(32)
    token = Token(
        user=user,
        label=label.strip()[:200] or "API token",
        prefix=prefix,
        digest=_digest(secret),
        scopes=known_scopes.check(scopes),
        expires=expires,
    )
    token.full_clean()
    token.save()
    audit_record(actor=acting_user, action="token.create", target=token, scopes=token.scopes)
    return token, f"nc_{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, token: Token, acting_user: Actor) -> Token:
    if acting_user is not policy.SYSTEM and getattr(acting_user, "pk", None) != token.user_id:
        policy.require(acting_user, "user.manage")
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        audit_record(actor=acting_user, action="token.revoke", target=token)
    return token


def token_find(raw: str) -> Token | None:
    """The usable token ``raw`` is, or None (wrong, revoked, expired, or its user inactive)."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "nc" or len(parts[1]) != PREFIX_CHARS:
        return None
    token = Token.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(parts[2])):
        return None
    if not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > TOUCH_EVERY:
        Token.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token
