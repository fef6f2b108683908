"""The generation: part of every page's cache key, so that renewing it renews every page.

One machine (the local-memory cache, one per worker process) keeps the generation in a file
under the data folder, which every worker sees; a shared cache (Redis) keeps it in the cache.
An entry also never outlives the next scheduled publication (:func:`next_publication`), so a
scheduled article appears on time with no cron job and no write.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

from newscenter.news.models import Article

GENERATION_KEY = "newscenter:pages:generation"


def generation() -> str:
    if _shared_cache():
        value = cache.get(GENERATION_KEY)
        if value is None:
            value = uuid.uuid4().hex
            # add(): of two servers starting at once, both end up with the same generation.
            if not cache.add(GENERATION_KEY, value, timeout=None):
                value = cache.get(GENERATION_KEY) or value
        return value
    try:
        stat = os.stat(_stamp_path())
    except FileNotFoundError:
        _write_stamp()
        stat = os.stat(_stamp_path())
    return f"{stat.st_ino}-{stat.st_mtime_ns}"


def renew() -> None:
    """Renew every cached page, now."""
    if _shared_cache():
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    else:
        _write_stamp()
    _next_publication.clear()


def _shared_cache() -> bool:
    # `cache` is a proxy; the backend behind it tells whether other processes see it.
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def _stamp_path() -> Path:
    return settings.DATA_DIR / "pages.generation"


def _write_stamp() -> None:
    # A new file renamed into place: a new inode, so the generation changes even when two
    # bumps fall within the file system's timestamp resolution.
    path = _stamp_path()
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temporary.write_text(uuid.uuid4().hex)
    os.replace(temporary, path)


# Scheduled publication


class _NextPublication:
    """When the next scheduled or embargoed article becomes public: cached per process until
    that moment or the next bump, so that a cache miss costs no extra query."""

    def __init__(self):
        self.value: float | None = None

    def get(self) -> float:
        now = time.time()
        if self.value is None or self.value <= now:
            self.value = self._read()
        return self.value

    def clear(self) -> None:
        self.value = None

    @staticmethod
    def _read() -> float:
        upcoming = (
            Article.objects.filter(status__in=Article.TIMED, pub_date__gt=timezone.now())
            .order_by("pub_date")
            .values_list("pub_date", flat=True)
            .first()
        )
        return upcoming.timestamp() if upcoming else float("inf")


_next_publication = _NextPublication()


def next_publication() -> float:
    return _next_publication.get()
