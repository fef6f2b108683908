"""Trusted devices ("trust this device for 30 days"): a browser that passed the code step may
skip it.

The browser keeps a signed cookie (``django.core.signing`` with the secret key, so it cannot be
forged or moved to another account) that is HttpOnly, ``Secure`` whenever the site is on HTTPS
(``NEWSCENTER_HTTPS``), ``SameSite=Lax``, sent only to ``/accounts/`` and kept for
``NEWSCENTER_TRUSTED_DEVICE_DAYS``. It names the user and a digest of what their sign-in rests
on now: the password hash, the authenticator and the recovery codes. A new password (set by
them through a reset or by an administrator), a reset authenticator or new recovery codes
change the digest, and every device trusted before stops being trusted at once.

Each trust is also a row (``news.TrustedDevice``, named in the cookie by a random key) with
the browser's name and when it was last used: the person sees theirs on
``/accounts/trusted-devices/`` and ends one (a shared or lost computer), and an administrator
ends all of a person's from the desk. A cookie whose row is gone is not trusted.

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


def remember(request, response, user) -> None:
    """Mark the browser that gets ``response`` as trusted by ``user``."""
    if not days():
        return
    label = device_label(request.headers.get("User-Agent", ""))
    device = accounts.trusted_device_add(user=user, label=label, days=days())
    value = signing.dumps({"u": user.pk, "d": device.key, "b": _binding(user)}, salt=SALT)
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
    if not constant_time_compare(str(data.get("b", "")), _binding(user)):
        return False
    return accounts.trusted_device_use(user=user, key=str(data.get("d", ""))) is not None


def device_key(request) -> str:
    """The key of the trusted device this browser is, or "" (to mark it in the list)."""
    try:
        data = signing.loads(request.COOKIES.get(cookie_name(), ""), salt=SALT)
    except signing.BadSignature:
        return ""
    return str(data.get("d", "")) if isinstance(data, dict) else ""


# The browser and system a User-Agent names, for a list a person recognises their devices in;
# the first match wins (Edge and Opera also say "Chrome", Chrome also says "Safari").
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))  # fmt: skip
_SYSTEMS = (("Windows", "Windows"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Android", "Android"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))  # fmt: skip


def device_label(user_agent: str) -> str:
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "A browser")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    return f"{browser} on {system}" if system else browser
