"""``newscenter worker``: the background half of the site, one process beside the web server.

It runs the queued tasks (django-tasks on the database: no other server), keeps every
consumer of the outbox caught up (``news.changes``): at its start, then every few seconds, so
that a web process killed between a commit and the work that follows it loses nothing, and
sends webhooks (``webhooks.delivery``) every second. It takes the web processes' analytics hits
on a local socket and writes them (``analytics.relay``), so that the pages do not. Every few
minutes it rolls finished days of
analytics up into daily totals, deletes raw events past their retention and the daily
secrets of days that are over (``analytics.rollup.maintain``). Once a day it deletes outbox
entries every consumer has long consumed, and the delivery log past 30 days.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker

from newscenter.analytics import buffer, relay, rollup
from newscenter.news import changes
from newscenter.webhooks import delivery

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _release(**kwargs: object) -> None:
    """Give back a connection that is broken or past its age, between rounds. Never inside a
    transaction (`worker --once` called where one is open, as the tests do): closing there
    would leave the rest of the round without a connection."""
    if not connection.in_atomic_block:
        close_old_connections()


PRUNE_EVERY = 24 * 60 * 60  # seconds
ANALYTICS_EVERY = 5 * 60  # seconds


def _round(work: Callable[[], T]) -> T:
    """One round of ``work``, its connection given back after it whatever happened."""
    try:
        return work()
    finally:
        _release()


def catch_up() -> dict[str, int]:
    """Every consumer of the outbox caught up now; how many entries each consumed."""
    return _round(changes.catch_up_all)


def deliver() -> delivery.Round:
    """One round of webhook deliveries (what is due now)."""
    return _round(delivery.run_due)


def analytics_maintain() -> dict[str, int]:
    """Analytics' daily totals, retention and secrets brought up to date now."""
    return _round(rollup.maintain)


class Every(threading.Thread):
    """Runs ``work`` every ``interval`` seconds until stopped and hands each round's result
    to ``report``; ``prune``, when given, once a day. A round that fails (the database may be
    gone for a moment) is logged, and the next one tries again."""

    def __init__(
        self,
        name: str,
        interval: float,
        work: Callable[[], T],
        report: Callable[[T], None],
        prune: Callable[[], object] | None = None,
    ):
        super().__init__(name=name, daemon=True)
        self.interval = interval
        self.work, self.report, self.prune = work, report, prune
        self.stopping = threading.Event()
        self.pruned = time.monotonic()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                self.report(self.work())
                if self.prune is not None and time.monotonic() - self.pruned > PRUNE_EVERY:
                    self.pruned = time.monotonic()
                    self.prune()
            except Exception:
                logger.exception("the %s round failed; the next one tries again", self.name)
                _release()


def webhooks_every(interval: float) -> float:
    """Webhooks are sent every second, or at the worker's own interval when shorter."""
    return min(1.0, interval)


def loops(
    interval: float,
    *,
    caught_up: Callable[[dict[str, int]], None],
    sent: Callable[[delivery.Round], None],
    rolled: Callable[[dict[str, int]], None],
) -> tuple[Every, ...]:
    """The worker's rounds beside its tasks, not started: the outbox every ``interval``
    seconds, webhooks every second, analytics every five minutes; each result handed to
    its report."""
    return (
        Every("outbox", interval, catch_up, caught_up, prune=changes.prune),
        Every("webhooks", webhooks_every(interval), deliver, sent, prune=delivery.prune),
        Every("analytics", ANALYTICS_EVERY, analytics_maintain, rolled),
    )


def run_tasks(*, interval: float, once: bool) -> None:
    """Run queued tasks until stopped (SIGTERM or Ctrl-C), or until none is left (``once``)."""
    worker = Worker(
        queue_names=["*"],
        interval=interval,
        batch=once,
        backend_name="default",
        startup_delay=not once,
        max_tasks=None,
        worker_id=f"newscenter-{threading.get_native_id()}",
        excluded_queue_names=[],
    )
    worker.configure_signals()
    # django-tasks closes "old" connections each round, which inside a transaction (`worker
    # --once` where one is open, as in the tests) means the transaction's own connection: the
    # rest of the caller's work would then have none. There, the round checks nothing.
    inside = connection.in_atomic_block
    if inside:
        db_worker.close_old_connections = _release
    try:
        worker.run()
    finally:
        worker.reset_signals()
        if inside:
            db_worker.close_old_connections = close_old_connections


def analytics_receiver() -> relay.Receiver | None:
    """The listener that writes the web processes' analytics hits, started; None when the
    socket is switched off (``NEWSCENTER_ANALYTICS_SOCKET`` empty)."""
    path = settings.NEWSCENTER_ANALYTICS_SOCKET
    if not path:
        return None
    receiver = relay.Receiver(path, buffer.receive)
    receiver.start()
    receiver.ready.wait(5)
    return receiver
