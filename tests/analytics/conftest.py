"""Analytics tests' helpers (tests/conftest.py empties the buffer and switches counting on
before every test)."""

from __future__ import annotations

from newscenter.analytics import buffer
from newscenter.analytics.models import Event

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


def reader(client, path: str, *, ua: str = BROWSER, ip: str = "81.2.69.142", **headers):
    """A reader's GET, as a browser sends it."""
    return client.get(path, **({"HTTP_USER_AGENT": ua, "REMOTE_ADDR": ip} | headers))


def stored() -> list[Event]:
    """What the buffer writes now, as stored."""
    buffer.flush()
    return list(Event.objects.order_by("id"))
