"""The client's address of a request, as this site's proxies report it (settings.py)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

from django.conf import settings


def client_ip(request) -> str | None:
    """``REMOTE_ADDR``, unless ``DJANGO_BEHIND_PROXY`` is set: then the last address in the
    configured header (``NEWSCENTER_CLIENT_IP_HEADER``), the one our proxy wrote. Without the
    setting the header is ignored, since any client can send it."""
    return client_ip_in(request.META)


def client_ip_in(meta: Mapping[str, str]) -> str | None:
    """:func:`client_ip` of a request's ``META``."""
    address = meta.get("REMOTE_ADDR")
    if settings.BEHIND_PROXY:
        name = "HTTP_" + settings.NEWSCENTER_CLIENT_IP_HEADER.upper().replace("-", "_")
        forwarded = meta.get(name, "").split(",")[-1].strip()
        address = forwarded if is_ip(forwarded) else address
    return address if is_ip(address) else None


# A dotted IPv4 address without leading zeros: a subset of what ipaddress accepts, matched
# without its parsing (the analytics middleware asks this of every page).
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")


def is_ip_v4(text: str) -> bool:
    """A dotted IPv4 address as ipaddress reads one (no leading zeros), by pattern."""
    return _IPV4.fullmatch(text) is not None


def is_ip(value: object) -> bool:
    text = str(value)
    if is_ip_v4(text):
        return True
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
