"""``newscenter reindex``: rebuild the search index and the related articles from the articles."""

import time

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newscenter.cli.database import require_migrated
from newscenter.news import listed
from newscenter.search import related
from newscenter.search.indexing import published_count, reindex


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the published articles, in one transaction: searches "
        "keep answering from the old index until the new one is complete. Then rank every "
        "article's related articles again, and make the tags' and authors' listings again "
        "from the links."
    )

    def handle(self, *args, **options):
        require_migrated()
        # OutputWrapper is a text stream, which rich writes to.
        console = Console(file=self.stdout, highlight=False)  # type: ignore[arg-type]
        columns = (
            TextColumn("Indexing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        started = time.monotonic()
        # A progress bar only for people watching a terminal; pipes and tests get none.
        with Progress(*columns, console=console, disable=not console.is_terminal) as progress:
            task = progress.add_task("reindex", total=published_count())
            count = reindex(progress=lambda n: progress.advance(task, n))
        seconds = time.monotonic() - started
        noun = "article" if count == 1 else "articles"
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {count} published {noun} in {seconds:.1f} s.")
        )
        started = time.monotonic()
        ranked = related.rebuild()
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Ranked the related articles of {ranked} in {seconds:.1f} s.")
        )
        started = time.monotonic()
        entries = listed.refill()
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Listed {entries} links of tags and authors again in {seconds:.1f} s."
            )
        )
