"""`newscenter import PATH...`: parse, preview or save articles from files, folders or URLs."""

from __future__ import annotations

import json
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from newscenter.cli import heap
from newscenter.cli.database import require_migrated
from newscenter.cli.options import acting_user, add_user_argument
from newscenter.importers import formats
from newscenter.importers.images import lead_images_fetch
from newscenter.importers.inputs import sources_from
from newscenter.importers.parsers.base import ImportParseError
from newscenter.importers.run import ImportOptions, ImportReport, as_json, import_sources

# --status as ImportOptions takes it: no option means drafts, "source" the source's own.
STATUS_OPTION = {None: "draft", "source": ""}


class Command(BaseCommand):
    help = "Import articles from files, folders or URLs. Nothing is written with --dry-run."
    # The checks import every parser (trafilatura alone takes ~0.7 s): `newscenter check`
    # and the server run them; an import of one file should not wait for them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="File, folder or URL.")
        parser.add_argument("--format", default="auto", choices=["auto", *sorted(formats())])
        parser.add_argument("--section", default="", help="Put every article in this section.")
        parser.add_argument(
            "--status",
            default=None,
            choices=["draft", "source", "published"],
            help="What new articles become. Default: draft (nothing goes live unasked). "
            "'source': the source's status, else published when dated (scheduled when the "
            "date is ahead), draft when undated. 'published': published at their date. On "
            "re-import an article keeps its current status unless this is given.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Parse and report only.")
        parser.add_argument(
            "--anyway",
            action="store_true",
            help="Import text pages the importer refuses as not articles (a listing, a FAQ), "
            "each with a note saying why it doubted.",
        )
        add_user_argument(parser)
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument(
            "--fetch-images",
            action="store_true",
            help="Download the lead images that imported items name (featured images, "
            "og:image, feed media), under the same rules as feeds.",
        )

    def handle(self, *args, **options):
        require_migrated()
        heap.set_aside()
        user = acting_user(options)
        import_options = ImportOptions(
            format=options["format"],
            status=STATUS_OPTION.get(options["status"], options["status"] or ""),
            keep_status=options["status"] is None,
            section=options["section"],
            dry_run=options["dry_run"],
            force=options["anyway"],
        )
        # OutputWrapper is a text stream, which rich writes to.
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)  # type: ignore[arg-type]
        try:
            report = self._run(
                options["paths"], import_options, console, user=user, quiet=options["json"]
            )
        except ImportParseError as exc:
            raise CommandError(str(exc)) from None
        images = None
        if options["fetch_images"] and not options["dry_run"]:
            images = lead_images_fetch(acting_user=user)
        if options["json"]:
            data = as_json(report) | ({"images": _images_json(images)} if images else {})
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self._summary(report, console, dry_run=options["dry_run"])
            if images is not None:
                self._images(images)
        if not report.ok:
            raise CommandError(
                f"{len(report.failed)} source(s) failed; nothing from them was saved."
            )

    def _images(self, images) -> None:
        for url, message in images.failed:
            self.stderr.write(f"lead image not fetched: {url}: {message}")
        self.stdout.write(f"{len(images.fetched)} lead images fetched, {len(images.failed)} not")

    def _run(self, paths, import_options, console: Console, *, user, quiet: bool) -> ImportReport:
        # A progress bar only for people watching a terminal; pipes and tests get none.
        show = console.is_terminal and not quiet
        columns = (SpinnerColumn(), TextColumn("{task.completed} items"), TimeElapsedColumn())
        with Progress(*columns, console=console, disable=not show, transient=True) as progress:
            task = progress.add_task("import")
            return import_sources(
                sources_from(paths),
                options=import_options,
                acting_user=user,
                progress=lambda _where: progress.advance(task),
            )

    def _summary(self, report: ImportReport, console: Console, *, dry_run: bool) -> None:
        for item in report.articles:
            date = item.pub_date.isoformat() if item.pub_date else "no date"
            self.stdout.write(f"would import: {item.headline} ({date}){_unsure(item.confidence)}")
        for label in report.created:
            self.stdout.write(f"created: {label}")
        for label in report.updated:
            self.stdout.write(f"updated: {label}")
        for label, reason in report.skipped:
            if reason == "unchanged since the last import":
                self.stdout.write(f"skipped: {label} ({reason})")
        for label, note in report.notes:
            self.stdout.write(f"note: {label}: {note}")
        for where, message in report.failed:
            self.stderr.write(f"failed: {where}: {message}")
        console.print(_table(report, dry_run=dry_run))
        self.stdout.write(
            f"{len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.skipped)} skipped, {len(report.failed)} failed"
        )


UNSURE_BELOW = 0.6  # the importer's confidence under which an editor should check a field


def _unsure(confidence: dict[str, float]) -> str:
    """ " [check: headline 0.41, date 0.45]" for the fields the importer guessed unsurely."""
    low = [f"{name} {value:.2f}" for name, value in confidence.items() if value < UNSURE_BELOW]
    return f" [check: {', '.join(low)}]" if low else ""


def _images_json(images) -> dict:
    failed = [{"url": url, "message": message} for url, message in images.failed]
    return {"fetched": images.fetched, "failed": failed}


def _table(report: ImportReport, *, dry_run: bool) -> Table:
    table = Table(title="Dry run: nothing was saved" if dry_run else "Import summary")
    table.add_column("outcome")
    table.add_column("items", justify="right")
    if dry_run:
        table.add_row("would import", str(len(report.articles)))
    table.add_row("created", str(len(report.created)))
    table.add_row("updated", str(len(report.updated)))
    for reason, count in sorted(Counter(reason for _, reason in report.skipped).items()):
        table.add_row(f"skipped: {reason}", str(count))
    table.add_row("failed", str(len(report.failed)))
    table.add_row("notes", str(len(report.notes)))
    return table
