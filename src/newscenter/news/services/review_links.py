"""Review links: a signed address that shows one unpublished article to someone without an account.

The token handed out is the link's random ``key`` signed with the secret key. A guessed or
altered token fails the signature check before any database lookup, so knowing one link
says nothing about another; what may change after the token was handed out (expiry,
revocation) lives in the row and is checked on every visit.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from newscenter.news import policy
from newscenter.news.audit import audit_record
from newscenter.news.models import Article, ReviewLink
from newscenter.news.policy import Actor, actor_of

SALT = "newscenter.review-link"
MIN_LIFETIME = dt.timedelta(minutes=1)
MAX_LIFETIME = dt.timedelta(days=30)


class ReviewLinkError(Exception):
    """A review link token that shows nothing; the subclass says why."""


class ReviewLinkInvalid(ReviewLinkError):
    """Not a token we signed, or its link no longer exists: answered as 404."""


class ReviewLinkGone(ReviewLinkError):
    """A real link that no longer shows the article (410 Gone); ``link`` says which."""

    def __init__(self, message: str, link: ReviewLink):
        super().__init__(message)
        self.link = link


class ReviewLinkExpired(ReviewLinkGone):
    pass


class ReviewLinkRevoked(ReviewLinkGone):
    pass


def _signer() -> signing.Signer:
    # A salt of its own: no other signed value of the site (sessions, password reset
    # tokens) can be replayed as a review link, nor the reverse.
    return signing.Signer(salt=SALT)


def review_link_token(link: ReviewLink) -> str:
    return _signer().sign(link.key)


def review_link_url(token: str) -> str:
    """The absolute address of a token, on the configured site.

    Built from ``NEWSCENTER_BASE_URL``, never from the request's Host header, which a
    client chooses (a forged Host would hand the token to another site).
    """
    base: str = settings.NEWSCENTER_BASE_URL
    return base + reverse("news:review", kwargs={"token": token})


@transaction.atomic
def review_link_create(
    *,
    article: Article,
    acting_user: Actor,
    expires: dt.timedelta | dt.datetime,
    label: str = "",
) -> tuple[ReviewLink, str]:
    """A new link to ``article`` valid until ``expires`` (a moment, or a time from now
    between one minute and 30 days); returns the link and its token."""
    policy.require(acting_user, "review_link.create", article=article)
    now = timezone.now()
    until = _expiry(expires, now)
    link = ReviewLink(
        article=article,
        # 32 random bytes: unguessable, and the token is useless without the signature too.
        # The "k" keeps a key (and so a token) from starting with "-", which a command line
        # would read as an option.
        key="k" + secrets.token_urlsafe(32),
        label=label.strip(),
        created_by=actor_of(acting_user),
        created=now,
        expires=until,
    )
    link.full_clean()
    link.save()
    _audit(acting_user, "review_link.create", link)
    return link, review_link_token(link)


@transaction.atomic
def review_link_revoke(*, link: ReviewLink, acting_user: Actor) -> ReviewLink:
    """End ``link`` now: its address answers 410 Gone from then on."""
    policy.require(acting_user, "review_link.revoke", article=link.article)
    link = ReviewLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked is not None:
        raise ValidationError(f"This review link was already revoked on {_when(link.revoked)}.")
    link.revoked = timezone.now()
    link.save(update_fields=["revoked"])
    _audit(acting_user, "review_link.revoke", link)
    return link


def review_link_resolve(token: str, *, at: dt.datetime | None = None) -> ReviewLink:
    """The link ``token`` stands for, if it still shows its article; else a typed error."""
    link = _by_key(_unsigned(token))
    if link is None:
        raise ReviewLinkInvalid("This review link is not valid.")
    if link.revoked is not None:
        raise ReviewLinkRevoked(f"This review link was revoked on {_when(link.revoked)}.", link)
    if not link.is_valid(at=at):
        raise ReviewLinkExpired(f"This review link expired on {_when(link.expires)}.", link)
    return link


def review_link_find(value: str) -> ReviewLink:
    """The link a key, a token or a full review address names (for revoking it)."""
    value = value.strip().rstrip("/")
    token = value.rsplit("/", 1)[-1]
    key = _unsigned(token) if _signer().sep in token else token
    link = _by_key(key)
    if link is None:
        raise ReviewLinkInvalid(f"No review link has the key {key!r}.")
    return link


def _unsigned(token: str) -> str:
    """The key a token signs; ReviewLinkInvalid for anything we did not sign."""
    try:
        key: str = _signer().unsign(token)
    except signing.BadSignature:
        raise ReviewLinkInvalid("This review link is not valid.") from None
    return key


def _by_key(key: str) -> ReviewLink | None:
    return ReviewLink.objects.select_related("article").filter(key=key).first()


def review_link_state(link: ReviewLink, *, at: dt.datetime | None = None) -> str:
    if link.revoked is not None:
        return "revoked"
    return "active" if link.is_valid(at=at) else "expired"


def _expiry(expires: dt.timedelta | dt.datetime, now: dt.datetime) -> dt.datetime:
    if isinstance(expires, dt.datetime):
        if timezone.is_naive(expires):
            raise ValidationError("The expiry needs a time zone.")
        until = expires
    elif isinstance(expires, dt.timedelta):
        until = now + expires
    else:
        raise ValidationError("The expiry is a moment or a length of time.")
    lifetime = until - now
    if not MIN_LIFETIME <= lifetime <= MAX_LIFETIME:
        raise ValidationError(
            "A review link must expire between one minute and 30 days from now "
            f"(asked for {_length(lifetime)})."
        )
    return until


def _length(delta: dt.timedelta) -> str:
    if delta < dt.timedelta(0):
        return "a moment in the past"
    if delta < dt.timedelta(hours=2):
        return f"{delta.total_seconds() / 60:g} minutes"
    if delta < dt.timedelta(days=2):
        return f"{delta.total_seconds() / 3600:g} hours"
    return f"{delta.total_seconds() / 86400:g} days"


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def _audit(actor: Actor, action: str, link: ReviewLink) -> None:
    # The key stays out of the audit trail: with the secret key it would rebuild the token.
    audit_record(
        actor=actor,
        action=action,
        article=link.article,
        target=link,
        note=link.label,
        expires=link.expires.isoformat(),
    )
