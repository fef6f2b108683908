"""``newscenter doctor``: is everything derived from the articles in step with them?"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newscenter.cli.database import require_migrated
from newscenter.news import changes, listed
from newscenter.search.indexing import differences

SHOWN = 10  # article ids listed per kind of difference


class Command(BaseCommand):
    help = (
        "Report how far each consumer of the change outbox lags, and what `newscenter reindex` "
        "would change. Exit status 1 when anything is behind or differs."
    )

    def handle(self, *args, **options):
        require_migrated()
        behind = self._lags()
        found = differences()
        self.stdout.write(
            f"search index: {len(found.missing)} missing, {len(found.extra)} extra, "
            f"{len(found.stale)} stale"
        )
        for label, ids in (("missing", found.missing), ("extra", found.extra),
                           ("stale", found.stale)):  # fmt: skip
            if ids:
                more = f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
                self.stdout.write(f"  {label}: {', '.join(map(str, ids[:SHOWN]))}{more}")
        if found.count:
            self.stdout.write(f"`newscenter reindex` would change {found.count} article(s).")
        missing, extra = listed.differences()
        self.stdout.write(
            f"tags' and authors' listings: {missing} entries missing or stale, {extra} extra"
        )
        if missing or extra:
            self.stdout.write("`newscenter reindex` makes them again from the links.")
        if behind or found.count or missing or extra:
            raise CommandError("not in step: see above (`newscenter worker` catches up)")
        self.stdout.write(self.style.SUCCESS("Everything derived is in step with the articles."))

    def _lags(self) -> bool:
        behind = False
        now = timezone.now()
        for lag in changes.lags():
            age = f", oldest {(now - lag.oldest).total_seconds():.0f} s ago" if lag.oldest else ""
            error = f"; last error: {lag.last_error}" if lag.last_error else ""
            self.stdout.write(f"{lag.consumer}: {lag.waiting} change(s) waiting{age}{error}")
            behind = behind or lag.waiting > 0
        return behind
