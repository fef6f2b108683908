"""What a page leaves for analytics: held in memory only, until the buffer is written."""

from __future__ import annotations

from typing import NamedTuple


class Hit(NamedTuple):
    """One public response as it left: held in memory until the buffer writes its event.

    A named tuple, not a frozen dataclass: it is made on every page's path, and a frozen
    dataclass sets each of its ten fields through ``object.__setattr__`` (bench/analytics.py).
    """

    at: float
    host: str
    path: str
    query: str
    ip: str | None
    user_agent: str
    referrer: str
    language: str
    results: int | None = None
    beacon: bool = False
