"""The append-only buffer between the pages and the database.

A page appends its hit to a deque in memory (a lock-free append, bounded: under a long
database outage the oldest hits go first, the pages never wait). A thread of the process
hands the buffer every ``NEWSCENTER_ANALYTICS_FLUSH_SECONDS`` (or sooner, once a batch is
full) to ``newscenter worker`` over a local socket (:mod:`relay`), which classifies and writes
it in transactions of ``NEWSCENTER_ANALYTICS_BATCH`` events: the web process spends nothing on
the writing. With no worker listening (it runs on another machine, or is not started) the
thread writes the batches itself (:func:`flush`). Either way a view is in the reports within
a few seconds, and a failed write is logged and retried, never seen by a reader. With the
setting at 0 no thread starts and :func:`deliver` or :func:`flush` is called by hand (tests,
bench).
"""

from __future__ import annotations

import atexit
import collections
import logging
import os
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from newscenter.analytics.hits import Hit, conf, hit_of

logger = logging.getLogger("newscenter.analytics")

MAX_WAITING = 200_000  # hits held while the database is away; then the oldest are dropped

# Hits, and requests as the middleware left them (a plain tuple: time, path, META, results),
# which the writer thread makes hits of (hits.hit_of), so that the page's path does not.
_hits: collections.deque[Hit | tuple] = collections.deque(maxlen=MAX_WAITING)
_wake = threading.Event()
_lock = threading.Lock()  # one writer at a time in a process
_state: dict[str, Any] = {"thread": None, "counting": True}


def append(hit: Hit | tuple) -> None:
    _hits.append(hit)
    flush_seconds, batch, _, _ = conf()
    if _state["thread"] is None and flush_seconds > 0:
        _start_thread()
    if len(_hits) >= batch and not _wake.is_set():
        _wake.set()


def waiting() -> int:
    return len(_hits)


def counting() -> bool:
    """Whether the site counts, as this process last read it (never a query on a page's path:
    the writer thread reads the switch, and :func:`set_counting` sets it here at once)."""
    return bool(_state["counting"])


def set_counting(on: bool) -> None:
    _state["counting"] = on
    if not on:
        _hits.clear()


def flush() -> int:
    """Write every hit waiting now in this process, in batches; the number of events written.
    Hits that cannot be written go back to the front of the buffer and the error is raised."""
    with _lock:
        return _flush_here()


def _flush_here() -> int:
    on = switch_on()
    set_counting(on)
    if not on:
        return 0
    written = 0
    while _hits:
        batch = _take()
        try:
            written += write(batch)
        except Exception:
            _hits.extendleft(reversed(batch))
            raise
    return written


def deliver() -> int:
    """One round of the writer thread: the hits waiting now handed to the worker over the
    socket, batch by batch, or written here when no worker listens; the events written. A
    batch whose hand-over broke goes back to the front of the buffer and the error is raised
    (the next round sends it again)."""
    from newscenter.analytics import relay

    path = settings.NEWSCENTER_ANALYTICS_SOCKET
    with _lock:
        if not _hits:
            if not counting():  # switched off: read the switch, so that on is seen again
                set_counting(switch_on())
            return 0
        if not path:
            return _flush_here()
        written = 0
        while _hits:
            batch = _take()
            if not batch:  # none of what waited counts (prefetches, pages not public)
                continue
            try:
                count, on = relay.send(batch, path)
            except relay.Unavailable:  # no worker on this machine: written here instead
                _hits.extendleft(reversed(batch))
                return written + _flush_here()
            except relay.Refused as error:  # the worker wrote none of it: written here
                logger.warning("the worker refused %d analytics hits (%s)", len(batch), error)
                try:
                    count, on = write(batch), True
                except Exception:
                    _hits.extendleft(reversed(batch))
                    raise
            except Exception:
                _hits.extendleft(reversed(batch))
                raise
            written += count
            set_counting(on)
            if not on:
                break
        return written


def _take() -> list[Hit]:
    """The next batch; what the middleware left as it was (a plain tuple) made a hit here, or
    dropped when it does not count (hits.hit_of)."""
    size = max(1, conf().batch)
    batch: list[Hit] = []
    while _hits and len(batch) < size:
        entry = _hits.popleft()
        if isinstance(entry, Hit):
            batch.append(entry)
            continue
        try:
            hit = hit_of(entry)
        except Exception:  # one odd request never holds back the rest
            logger.exception("an analytics hit could not be read; dropped")
            continue
        if hit is not None:
            batch.append(hit)
    return batch


def write(batch: list[Hit]) -> int:
    """Classify ``batch`` and insert its events in one transaction; how many."""
    from newscenter.analytics import classify

    events = classify.events(batch)
    with transaction.atomic():
        _insert(events)
    return len(events)


def receive(batch: list[Hit]) -> tuple[int, bool]:
    """The worker's side of the socket: ``batch`` written in transactions of
    NEWSCENTER_ANALYTICS_BATCH events unless the site has stopped counting; (events written,
    whether the site counts)."""
    try:
        if not switch_on():
            return 0, False
        size = max(1, settings.NEWSCENTER_ANALYTICS_BATCH)
        written = sum(write(batch[n : n + size]) for n in range(0, len(batch), size))
        return written, True
    finally:
        close_old_connections()


def switch_on() -> bool:
    """Whether the site counts, as the database says (the administrator's switch)."""
    from newscenter.analytics.models import Switch

    switch = Switch.objects.first()
    return switch is None or switch.counting


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


def _start_thread() -> None:
    with _lock:
        if _state["thread"] is None:
            thread = threading.Thread(target=_run, name="analytics", daemon=True)
            _state["thread"] = thread
            thread.start()


def _forget_thread() -> None:
    """In a child made by fork: the parent's thread does not run here (a hit starts one), and
    the lock it may have held at the fork is a new one."""
    global _lock
    _lock = threading.Lock()
    _state["thread"] = None


os.register_at_fork(after_in_child=_forget_thread)


def _run() -> None:
    while True:
        _wake.wait(settings.NEWSCENTER_ANALYTICS_FLUSH_SECONDS)
        _wake.clear()
        _flush_logged()


def _flush_logged() -> None:
    try:
        deliver()
    except Exception:  # the database may be away for a moment: the hits wait for the next round
        logger.exception("writing %d analytics events failed; retrying later", waiting())
        time.sleep(1)
    finally:
        close_old_connections()


@atexit.register
def _at_exit() -> None:
    if _hits and _state["thread"] is not None:
        _flush_logged()
