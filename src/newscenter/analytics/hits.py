"""What a page leaves for analytics: held in memory only, until the buffer is written."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, slots=True)
class Hit:
    """One public response as it left: held in memory until the buffer writes its event."""

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
