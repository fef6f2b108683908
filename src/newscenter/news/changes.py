"""One change signal, from a durable outbox: what readers can see has changed.

Every service that changes what a public page, feed or search result shows (articles,
sections, tags, authors, images, site settings, imports in bulk) calls :func:`announce`
inside its transaction. That writes an :class:`~newscenter.news.models.OutboxEntry` in the
same transaction: the change and the record that it happened commit together or not at all.

Whatever is derived from the content listens through :data:`content_changed`: each listener is
a *consumer* of the outbox with a cursor of its own (``OutboxCursor``). Once a transaction
commits, every consumer catches up at once, in the order of its :class:`Stage` (derived data
first, then the cached pages that show it, then the world outside), and hears the entries it
had not consumed, merged into one :class:`Change`. Its cursor moves in the same transaction as
its work, so a process killed between the commit and the work leaves the entries waiting: the
worker (``newscenter worker``) catches every consumer up at its start and every few seconds,
and ``newscenter doctor`` shows how far behind each one is. Listeners must therefore be
idempotent: hearing a change twice (after a crash) does no harm.

A failing listener is logged, keeps its place and is tried again; the others still run: a
saved change is never turned into an error page by what follows it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from newscenter.news.models import OutboxCursor, OutboxEntry

logger = logging.getLogger(__name__)

# What a change may name besides article ids.
KINDS = frozenset({"article", "section", "tag", "author", "image", "site"})
BATCH = 1000  # entries a consumer takes in one step
KEPT = dt.timedelta(days=7)  # consumed entries are deleted after this long


@dataclass(frozen=True)
class Change:
    """What one or more committed transactions changed: article ids, the kinds of rows
    touched, the events that happened to articles ("article.publish", id), and notices of
    other happenings ({"event": "import.finished", ...})."""

    articles: frozenset[int] = frozenset()
    kinds: frozenset[str] = frozenset()
    events: tuple[tuple[str, int], ...] = ()
    notices: tuple[dict[str, Any], ...] = ()


class Stage(enum.IntEnum):
    """When a consumer runs, relative to the others."""

    INDEX = 10  # data the pages read: the search index
    RELATED = 15  # data ranked from the index: the stored related articles
    PAGES = 20  # the cached pages that show it
    NOTIFY = 30  # the world outside: CDN purge, webhooks


Listener = Callable[[Change], None]


@dataclass
class ChangeSignal:
    """The consumers of the outbox, run in :class:`Stage` order, each isolated from the others."""

    listeners: dict[str, tuple[Stage, Listener]] = field(default_factory=dict)

    def connect(self, listener: Listener, *, stage: Stage, uid: str) -> None:
        """Consume from ``stage`` on. ``uid`` names the consumer's cursor: keep it stable.

        A consumer that has never run starts at the changes of the transaction that wakes it
        first (or at the newest entry, when the worker does): it is not handed the past.
        """
        self.listeners[uid] = (stage, listener)

    def disconnect(self, uid: str) -> None:
        self.listeners.pop(uid, None)

    def ordered(self) -> list[tuple[str, Listener]]:
        return [(uid, listener) for uid, (_, listener) in sorted_by_stage(self.listeners)]


def sorted_by_stage(
    listeners: dict[str, tuple[Stage, Listener]],
) -> list[tuple[str, tuple[Stage, Listener]]]:
    return sorted(listeners.items(), key=lambda item: item[1][0])


content_changed = ChangeSignal()


# --- Writing ---------------------------------------------------------------------------------


class _Delivery:
    """A transaction's on-commit callback: catches every consumer up once it has committed.

    A transaction that announces many times registers one per announcement (so that none is
    lost with a rolled-back savepoint); the first to run does the work for all of them.
    """

    def __init__(self, first_entry: int) -> None:
        self.first_entry = first_entry
        self.done = False

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        _deliver(self.first_entry)


class _Held(threading.local):
    depth = 0
    first: int | None = None  # the first entry committed while held, if any


_held = _Held()


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Consumers hear of what commits inside only at its end, once: the work of many
    transactions in a row (an import of many files, one transaction each) reaches them as
    one change, which a consumer may handle in one pass (the related lists rebuilt once,
    not ranked again around each new article: 120 ms a file for 1,000 text files). Nothing
    waits longer than the block; what a crash inside it leaves, the worker catches up."""
    _held.depth += 1
    try:
        yield
    finally:
        _held.depth -= 1
        if not _held.depth and _held.first is not None:
            first, _held.first = _held.first, None
            catch_up_all(start=first)


def _deliver(first_entry: int) -> None:
    if _held.depth:
        _held.first = first_entry if _held.first is None else min(_held.first, first_entry)
        return
    catch_up_all(start=first_entry)


def announce(
    *,
    articles: Iterable[int] = (),
    kinds: Iterable[str] = (),
    events: Iterable[tuple[str, int]] = (),
    notices: Iterable[dict[str, Any]] = (),
) -> None:
    """Record, in the current transaction, that these things changed; consumers hear of it
    once the transaction commits (at once when there is no transaction). A notice is JSON
    data with an "event" name."""
    kinds = set(kinds)
    notices = list(notices)
    if any(not isinstance(notice.get("event"), str) for notice in notices):
        raise ValueError("every notice names its event")
    articles = sorted(set(articles))
    if articles:
        kinds.add("article")
    unknown = kinds - KINDS
    if unknown:
        raise ValueError(f"unknown kinds of change: {sorted(unknown)}")
    entry = OutboxEntry.objects.create(
        articles=articles,
        kinds=sorted(kinds),
        events=[list(e) for e in events],
        notices=notices,
    )
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # autocommit: already committed
        _deliver(entry.id)
        return
    pending = next(
        (
            func
            for _, func, _ in connection.run_on_commit
            if isinstance(func, _Delivery) and not func.done
        ),
        None,
    )
    first = pending.first_entry if pending is not None else entry.id
    delivery = _Delivery(first)
    if pending is not None:
        # Share one: whichever runs first catches up for both.
        delivery = pending
    transaction.on_commit(delivery)


# --- Consuming -------------------------------------------------------------------------------


def catch_up_all(*, start: int | None = None) -> dict[str, int]:
    """Catch every consumer up, in stage order; returns how many entries each consumed.

    ``start`` is where a consumer that has never run begins (the first entry of the
    transaction that triggered this); without it, such a consumer begins after the newest.
    """
    return {
        uid: catch_up(uid, listener, start=start) for uid, listener in content_changed.ordered()
    }


def catch_up(uid: str, listener: Listener, *, start: int | None = None) -> int:
    """Hand ``listener`` what it has not consumed yet, then move its cursor past it, in one
    transaction per batch. Returns how many entries it consumed; a failure is logged and
    leaves the cursor where it was."""
    consumed = 0
    _cursor_made(uid, start)  # kept even when the first step fails
    while True:
        try:
            taken = _step(uid, listener)
        except Exception as error:
            logger.exception("consumer %s failed; it will try again", uid)
            _record_error(uid, error)
            return consumed
        consumed += taken
        if taken < BATCH:
            return consumed


@transaction.atomic
def _step(uid: str, listener: Listener) -> int:
    # Locked until the step commits (one consumer, one process at a time: a second waits,
    # then finds the entries done).
    cursor = OutboxCursor.objects.select_for_update().get(consumer=uid)
    entries = list(OutboxEntry.objects.filter(id__gt=cursor.position).order_by("id")[:BATCH])
    if not entries:
        return 0
    listener(merged(entries))
    cursor.position = entries[-1].id
    cursor.updated = timezone.now()
    cursor.last_error = ""
    cursor.save(update_fields=["position", "updated", "last_error"])
    return len(entries)


def _cursor_made(uid: str, start: int | None) -> None:
    """A consumer that has never run starts before ``start`` (the first entry of the
    transaction that woke it), else after the newest entry: it is not handed the past."""
    if OutboxCursor.objects.filter(consumer=uid).exists():
        return
    begin = (start - 1) if start is not None else _head()
    OutboxCursor.objects.get_or_create(consumer=uid, defaults={"position": begin})


def cursors_made(**kwargs: object) -> None:
    """After ``migrate``: every connected consumer has a cursor, at the newest entry for one
    that is new, so that from then on a crash before its first run loses nothing."""
    head = _head()
    for uid in content_changed.listeners:
        OutboxCursor.objects.get_or_create(consumer=uid, defaults={"position": head})


def _record_error(uid: str, error: Exception) -> None:
    try:
        OutboxCursor.objects.filter(consumer=uid).update(last_error=f"{error!r}"[:2000])
    except Exception:  # the database itself may be what failed
        logger.exception("could not record the failure of %s", uid)


def merged(entries: Sequence[OutboxEntry]) -> Change:
    articles: set[int] = set()
    kinds: set[str] = set()
    events: list[tuple[str, int]] = []
    notices: list[dict[str, Any]] = []
    for entry in entries:
        articles.update(entry.articles)
        kinds.update(entry.kinds)
        events.extend((str(name), int(pk)) for name, pk in entry.events)
        notices.extend(entry.notices)
    return Change(frozenset(articles), frozenset(kinds), tuple(events), tuple(notices))


def _head() -> int:
    head: int | None = OutboxEntry.objects.aggregate(head=Max("id"))["head"]
    return head or 0


# --- Watching and tidying ------------------------------------------------------------------


@dataclass(frozen=True)
class Lag:
    """How far one consumer is behind: entries waiting, and the age of the oldest."""

    consumer: str
    position: int
    waiting: int
    oldest: dt.datetime | None
    last_error: str


def lags() -> list[Lag]:
    """Every connected consumer's lag, in stage order (``newscenter doctor`` prints these)."""
    found = {c.consumer: c for c in OutboxCursor.objects.all()}
    head = _head()
    report = []
    for uid, _ in content_changed.ordered():
        cursor = found.get(uid)
        position = cursor.position if cursor is not None else head
        waiting = OutboxEntry.objects.filter(id__gt=position)
        oldest = waiting.order_by("id").values_list("created", flat=True).first()
        error = cursor.last_error if cursor is not None else ""
        report.append(Lag(uid, position, waiting.count(), oldest, error))
    return report


def prune(*, older_than: dt.timedelta = KEPT) -> int:
    """Delete entries every consumer has consumed and that are older than ``older_than``."""
    positions = [lag.position for lag in lags()]
    done = min(positions) if positions else _head()
    cutoff = timezone.now() - older_than
    deleted, _ = OutboxEntry.objects.filter(id__lte=done, created__lt=cutoff).delete()
    return deleted
