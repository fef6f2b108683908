"""One change signal: what readers can see has changed, sent once per transaction after commit.

Every service that changes what a public page, feed or search result shows (articles,
sections, tags, authors, images, site settings, imports in bulk) calls :func:`announce`
inside its transaction. When the outermost transaction commits, ``content_changed`` is sent
once with a :class:`Change` naming everything it changed; a rolled-back transaction sends
nothing. Packages above the domain follow the domain by listening here, without the domain
knowing them: the search index, the page cache, and later whatever else is derived.

Listeners run in the order of their :class:`Stage`, stated here rather than left to the order
in which apps happen to load: derived data first (the search index), then the cached pages
that show it, then the world outside (a CDN purge). A failing listener is logged and the
others still run: a saved change is never turned into an error page by what follows it.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

logger = logging.getLogger(__name__)

# What a change may name besides article ids.
KINDS = frozenset({"article", "section", "tag", "author", "image", "site"})


@dataclass(frozen=True)
class Change:
    """What one committed transaction changed: article ids, and the kinds of rows touched."""

    articles: frozenset[int] = frozenset()
    kinds: frozenset[str] = frozenset()


class Stage(enum.IntEnum):
    """When a listener runs, relative to the others."""

    INDEX = 10  # data the pages read: the search index
    PAGES = 20  # the cached pages that show it
    NOTIFY = 30  # the world outside: CDN purge


Listener = Callable[[Change], None]


@dataclass
class ChangeSignal:
    """A signal whose listeners run in :class:`Stage` order, each isolated from the others."""

    listeners: dict[str, tuple[Stage, Listener]] = field(default_factory=dict)

    def connect(self, listener: Listener, *, stage: Stage, uid: str) -> None:
        """Listen from ``stage`` on; ``uid`` makes connecting twice (a reloaded app) harmless."""
        self.listeners[uid] = (stage, listener)

    def disconnect(self, uid: str) -> None:
        self.listeners.pop(uid, None)

    def send(self, change: Change) -> None:
        for uid, (_, listener) in sorted(self.listeners.items(), key=lambda item: item[1][0]):
            try:
                listener(change)
            except Exception:
                # The change is committed; what follows it is derived and can be rebuilt
                # (`newscenter reindex`, the next change renews the pages).
                logger.exception("listener %s failed on %s", uid, change)


content_changed = ChangeSignal()


class _Batch:
    """Everything one transaction announced, sent as one change by the first of its callbacks."""

    def __init__(self) -> None:
        self.articles: set[int] = set()
        self.kinds: set[str] = set()
        self.sent = False


class _Pending:
    """An on-commit callback: sends its batch unless another callback already did."""

    def __init__(self, batch: _Batch) -> None:
        self.batch = batch

    def __call__(self) -> None:
        if self.batch.sent:
            return
        self.batch.sent = True
        content_changed.send(Change(frozenset(self.batch.articles), frozenset(self.batch.kinds)))


def announce(*, articles: Iterable[int] = (), kinds: Iterable[str] = ()) -> None:
    """Tell listeners, once the current transaction commits, that these things changed.

    However many rows a transaction saves, listeners hear of it once: every announcement
    adds to the transaction's one batch, and registers a callback of its own (so that none
    is lost with a rolled-back savepoint); the first callback to run sends the batch.
    """
    kinds = set(kinds)
    articles = set(articles)
    if articles:
        kinds.add("article")
    unknown = kinds - KINDS
    if unknown:
        raise ValueError(f"unknown kinds of change: {sorted(unknown)}")
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # autocommit: already committed
        content_changed.send(Change(frozenset(articles), frozenset(kinds)))
        return
    batch = next(
        (
            func.batch
            for _, func, _ in connection.run_on_commit
            if isinstance(func, _Pending) and not func.batch.sent
        ),
        None,
    )
    if batch is None:
        batch = _Batch()
    batch.articles |= articles
    batch.kinds |= kinds
    transaction.on_commit(_Pending(batch))
