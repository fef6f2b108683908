"""``newscenter export DIR``: the public site as static files (docs/export.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newscenter.cli.database import require_migrated
from newscenter.export import ExportError, Summary, export_site
from newscenter.export.run import check_directory, watch


class Command(BaseCommand):
    help = (
        "Write the public site (pages, feeds, sitemaps, images and a search index) into DIR "
        "for a static host; a second run rewrites only what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument(
            "--full", action="store_true", help="Render every page, ignoring the last run."
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="Processes that render (default: cores)."
        )
        parser.add_argument(
            "--watch",
            action="store_true",
            help="Stay running: export again after every change, until interrupted.",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=0.5,
            help="With --watch: seconds between two looks for a change (default 0.5).",
        )

    def handle(self, *args, **options):
        if options["watch"] and not options["interval"] > 0:  # NaN too
            raise CommandError("--interval must be a positive number of seconds.")
        try:
            check_directory(Path(options["directory"]))  # before anything else can go wrong
        except ExportError as error:
            raise CommandError(str(error)) from None
        require_migrated()
        if options["watch"]:
            self._watch(options)
            return
        # OutputWrapper is a text stream, which rich writes to.
        console = Console(file=self.stdout, highlight=False)  # type: ignore[arg-type]
        columns = (TextColumn("Exporting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        # A progress bar only for people watching a terminal; pipes and tests get none.
        with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
            task = bar.add_task("export", total=None)

            def progress(done: int, total: int) -> None:
                if total:
                    bar.update(task, total=total)
                bar.advance(task, done)

            try:
                summary = export_site(
                    options["directory"],
                    full=options["full"],
                    workers=options["workers"],
                    progress=progress,
                )
            except ExportError as error:
                raise CommandError(str(error)) from None
        self._report(summary)

    def _watch(self, options) -> None:
        try:
            watch(
                options["directory"],
                report=self._report,
                workers=options["workers"],
                interval=options["interval"],
            )
        except ExportError as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            self.stdout.write("Stopped watching.")

    def _report(self, summary: Summary) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {summary.pages:,} pages in {summary.seconds:.1f} s: "
                f"{summary.written:,} written ({_size(summary.bytes_written)}), "
                f"{summary.unchanged:,} unchanged, {summary.removed:,} removed; "
                f"{summary.files_copied:,} static and media files copied; "
                f"{_size(summary.total_bytes)} in all."
            )
        )
        self.stdout.flush()  # a reader at the other end of a pipe sees each run as it ends


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:,.1f} KB"
    return f"{count / 1024 / 1024:,.1f} MB"
