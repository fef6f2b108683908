"""Analytics tests start with an empty buffer, counting on, and no daily secret in memory."""

from __future__ import annotations

import pytest

from newscenter.analytics import buffer, classify
from newscenter.analytics.models import Event

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def _fresh_buffer():
    buffer._hits.clear()
    buffer.set_counting(True)
    classify.forget_cached_secrets()
    classify.page_of.cache_clear()
    yield
    buffer._hits.clear()
    buffer.set_counting(True)


def reader(client, path: str, *, ua: str = BROWSER, ip: str = "81.2.69.142", **headers):
    """A reader's GET, as a browser sends it."""
    return client.get(path, **({"HTTP_USER_AGENT": ua, "REMOTE_ADDR": ip} | headers))


def stored() -> list[Event]:
    """What the buffer writes now, as stored."""
    buffer.flush()
    return list(Event.objects.order_by("id"))
