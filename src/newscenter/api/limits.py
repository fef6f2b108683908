"""Rate limits per token and per address: a fixed window in the shared cache, with the
``RateLimit-*`` headers on every answer and ``Retry-After`` on a 429."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

WINDOW = 60  # seconds


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset: int  # seconds until the window ends

    @property
    def exceeded(self) -> bool:
        return self.remaining < 0

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(max(0, self.remaining)),
            "RateLimit-Reset": str(self.reset),
        }


def take(key: str, *, limit: int) -> Quota:
    """Count one request against ``key`` in the current window."""
    now = time.time()
    window = int(now // WINDOW)
    name = f"newscenter:api:rate:{key}:{window}"
    cache.add(name, 0, timeout=WINDOW + 5)
    try:
        used = cache.incr(name)
    except ValueError:  # evicted between add and incr
        cache.set(name, 1, timeout=WINDOW + 5)
        used = 1
    reset = int((window + 1) * WINDOW - now) + 1
    return Quota(limit, limit - used, reset)


def for_token(token_id: int) -> Quota:
    return take(f"token:{token_id}", limit=settings.NEWSCENTER_API_RATE_LIMIT)


def for_address(address: str) -> Quota:
    return take(f"ip:{address}", limit=settings.NEWSCENTER_API_ANONYMOUS_RATE_LIMIT)
