"""Trusted devices ("trust this device for 30 days"): a browser that passed the code step may
skip it.

The browser keeps a signed cookie (``django.core.signing`` with the secret key, so it cannot be
forged or moved to another account) that is HttpOnly, ``Secure`` whenever the site is on HTTPS
(``NEWSCENTER_HTTPS``), ``SameSite=Lax``, sent only to ``/accounts/`` and kept for
``NEWSCENTER_TRUSTED_DEVICE_DAYS``. It names the user and a digest of what their sign-in rests
on now: the password hash, the authenticator and the recovery codes. A new password (set by
them through a reset or by an administrator), a reset authenticator or new recovery codes
change the digest, and every device trusted before stops being trusted at once.

The cookie only ever skips the code: the password is asked for every time, and the lockout
counts as before. docs/accounts.md tells the person's side of it.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from newscenter.news.services import accounts

SALT = "newscenter.accounts.trust"


def days() -> int:
    return max(0, settings.NEWSCENTER_TRUSTED_DEVICE_DAYS)


def cookie_name() -> str:
    # __Secure- : browsers refuse the cookie unless it is Secure and came over HTTPS.
    return "__Secure-trusted-device" if settings.HTTPS else "trusted-device"


def _binding(user) -> str:
    authenticator = accounts.second_factor_device(user)
    recovery = accounts.recovery_device(user)
    material = "|".join(
        str(part)
        for part in (
            user.pk,
            user.password,
            authenticator.pk if authenticator else "",
            recovery.pk if recovery else "",
        )
    )
    return salted_hmac(SALT, material, algorithm="sha256").hexdigest()


def remember(response, user) -> None:
    """Mark the browser that gets ``response`` as trusted by ``user``."""
    if not days():
        return
    value = signing.dumps({"u": user.pk, "b": _binding(user)}, salt=SALT)
    response.set_cookie(
        cookie_name(),
        value,
        max_age=days() * 24 * 60 * 60,
        path="/accounts/",
        secure=settings.HTTPS,
        httponly=True,
        samesite="Lax",
    )


def is_trusted(request, user) -> bool:
    """Whether this browser holds a trust of ``user`` that is still good."""
    raw = request.COOKIES.get(cookie_name())
    if not days() or not raw:
        return False
    try:
        data = signing.loads(raw, salt=SALT, max_age=days() * 24 * 60 * 60)
    except signing.BadSignature:  # forged, altered, or older than the days allowed
        return False
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return False
    return constant_time_compare(str(data.get("b", "")), _binding(user))
