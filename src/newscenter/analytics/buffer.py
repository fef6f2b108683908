"""The append-only buffer between the pages and the database.

A page appends its hit to a deque in memory (a lock-free append, bounded: under a long
database outage the oldest hits go first, the pages never wait). A thread of the process
writes the buffer every ``NEWSCENTER_ANALYTICS_FLUSH_SECONDS`` (or sooner, once a batch is
full) in transactions of ``NEWSCENTER_ANALYTICS_BATCH`` events: a view is in the reports
within a few seconds, and a failed write is logged and retried, never seen by a reader.
With the setting at 0 no thread starts and :func:`flush` is called by hand (tests, bench).
"""

from __future__ import annotations

import atexit
import collections
import logging
import os
import threading
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction

if TYPE_CHECKING:
    from newscenter.analytics.hits import Hit

logger = logging.getLogger("newscenter.analytics")

MAX_WAITING = 200_000  # hits held while the database is away; then the oldest are dropped

_hits: collections.deque[Hit] = collections.deque(maxlen=MAX_WAITING)
_wake = threading.Event()
_lock = threading.Lock()  # one writer at a time in a process
_state: dict[str, Any] = {"thread": None, "pid": None, "counting": True, "checked": 0.0}
SWITCH_SECONDS = 5.0  # how often a process reads the switch again


def append(hit: Hit) -> None:
    _hits.append(hit)
    if settings.NEWSCENTER_ANALYTICS_FLUSH_SECONDS > 0:
        _ensure_thread()
        if len(_hits) >= settings.NEWSCENTER_ANALYTICS_BATCH:
            _wake.set()


def waiting() -> int:
    return len(_hits)


def counting() -> bool:
    """Whether the site counts, as this process last read it (never a query on a page's path:
    the writer thread reads the switch, and :func:`set_counting` sets it here at once)."""
    return bool(_state["counting"])


def set_counting(on: bool) -> None:
    _state["counting"] = on
    _state["checked"] = time.monotonic()
    if not on:
        _hits.clear()


def flush() -> int:
    """Write every hit waiting now, in batches; the number of events written. Hits that
    cannot be written go back to the front of the buffer and the error is raised."""
    from newscenter.analytics import classify
    from newscenter.analytics.models import Switch

    with _lock:
        switch = Switch.objects.first()
        on = switch is None or switch.counting
        set_counting(on)
        if not on:
            return 0
        written = 0
        size = max(1, settings.NEWSCENTER_ANALYTICS_BATCH)
        while _hits:
            batch: list[Hit] = []
            while _hits and len(batch) < size:
                batch.append(_hits.popleft())
            try:
                events = classify.events(batch)
                with transaction.atomic():
                    _insert(events)
            except Exception:
                _hits.extendleft(reversed(batch))
                raise
            written += len(events)
        return written


def _insert(rows: list[tuple]) -> None:
    """One INSERT executed for the whole batch: the ORM's bulk_create costs more per row
    than everything else the write path does (bench/analytics.py)."""
    from newscenter.analytics.classify import COLUMNS
    from newscenter.analytics.models import Event

    if not rows:
        return
    names = [Event._meta.get_field(name).column for name in COLUMNS]  # type: ignore[union-attr]
    columns = ", ".join(connection.ops.quote_name(str(name)) for name in names)
    marks = ", ".join(["%s"] * len(names))
    table = connection.ops.quote_name(Event._meta.db_table)
    # Field.get_db_prep_save per value cost more than the rest of the write path together;
    # only dates and times need the database's form, the other columns are str, int or None.
    at, day = COLUMNS.index("at"), COLUMNS.index("day")
    adapt_at = connection.ops.adapt_datetimefield_value
    adapt_day = connection.ops.adapt_datefield_value
    values = []
    for row in rows:
        value = list(row)
        value[at], value[day] = adapt_at(row[at]), adapt_day(row[day])
        values.append(value)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608


def _ensure_thread() -> None:
    pid = os.getpid()
    thread = _state["thread"]
    if thread is not None and thread.is_alive() and _state["pid"] == pid:
        return
    with _lock:
        if _state["thread"] is not None and _state["thread"].is_alive() and _state["pid"] == pid:
            return
        thread = threading.Thread(target=_run, name="analytics", daemon=True)
        _state["thread"], _state["pid"] = thread, pid
        thread.start()


def _run() -> None:
    while True:
        _wake.wait(settings.NEWSCENTER_ANALYTICS_FLUSH_SECONDS)
        _wake.clear()
        _flush_logged()


def _flush_logged() -> None:
    try:
        flush()
    except Exception:  # the database may be away for a moment: the hits wait for the next round
        logger.exception("writing %d analytics events failed; retrying later", waiting())
        time.sleep(1)
    finally:
        close_old_connections()


@atexit.register
def _at_exit() -> None:
    if _hits and _state["thread"] is not None:
        _flush_logged()
