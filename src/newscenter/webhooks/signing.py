"""Secrets and signatures as Standard Webhooks 1.0 has them (``standardwebhooks`` signs)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import secrets

from standardwebhooks import Webhook

PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64


class BadSecret(ValueError):
    """A secret given by hand that is not ``whsec_`` and base64 of 24 to 64 bytes."""


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def checked_secret(secret: str) -> str:
    """``secret`` when it is one the spec allows, else BadSecret saying what is wrong."""
    if not secret.startswith(PREFIX):
        raise BadSecret("A webhook secret starts with “whsec_”.")
    try:
        key = base64.b64decode(secret[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise BadSecret("After “whsec_”, a webhook secret is base64.") from None
    if not 24 <= len(key) <= 64:
        raise BadSecret(f"A webhook secret holds 24 to 64 bytes; this one holds {len(key)}.")
    return secret


def headers(
    *, msg_id: str, at: dt.datetime, body: bytes, secrets_in_use: list[str]
) -> dict[str, str]:
    """The three signed headers; one signature per secret in use (two during a rotation)."""
    signatures = " ".join(
        Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body) for secret in secrets_in_use
    )
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
    }
