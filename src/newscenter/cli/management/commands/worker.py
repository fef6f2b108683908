"""``newscenter worker``: run queued tasks and keep what is derived from the articles in step."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from newscenter.cli import heap, worker
from newscenter.cli.database import require_migrated


class Command(BaseCommand):
    help = (
        "Run the background work: queued tasks, every consumer of the change outbox (search "
        "index, page cache ...) caught up at start and every few seconds, webhooks, and the "
        "web processes' analytics hits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help="Seconds between two looks at the outbox and the task queue (default 2).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Catch up, run the tasks that are waiting, then exit.",
        )

    def handle(self, *args, **options):
        require_migrated()
        heap.set_aside()
        self._report(worker.catch_up())
        self._analytics(worker.analytics_maintain())
        if options["once"]:
            self._sent(worker.deliver())
            worker.run_tasks(interval=0, once=True)
            return
        loops = worker.loops(
            options["interval"], caught_up=self._report, sent=self._sent, rolled=self._analytics
        )
        for loop in loops:
            loop.start()
        receiver = worker.analytics_receiver()
        self.stdout.write(
            f"Worker running: outbox and tasks every {options['interval']:g} s, "
            f"webhooks every {worker.webhooks_every(options['interval']):g} s."
        )
        self.stdout.flush()
        try:
            worker.run_tasks(interval=options["interval"], once=False)
        finally:
            for loop in loops:
                loop.stopping.set()
            if receiver is not None:
                receiver.stop()

    def _sent(self, done) -> None:
        if done.sent or done.cancelled:
            self.stdout.write(
                f"webhooks: {done.delivered} delivered, {len(done.failed)} failed, "
                f"{done.cancelled} no longer due"
            )
            self.stdout.flush()

    def _analytics(self, done: dict[str, int]) -> None:
        if any(done.values()):
            self.stdout.write(
                f"analytics: {done['rolled']} day(s) rolled up, {done['pruned']} old event(s) "
                f"deleted, {done['secrets']} daily secret(s) forgotten"
            )
            self.stdout.flush()

    def _report(self, done: dict[str, int]) -> None:
        for consumer, count in done.items():
            if count:
                self.stdout.write(f"caught up {consumer}: {count} change(s)")
                self.stdout.flush()
