"""`newscenter import PATH...`: parse, preview or save articles from files."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newscenter.importers import formats
from newscenter.importers.run import ImportOptions, ImportReport, Source, as_json, import_sources


class Command(BaseCommand):
    help = "Import articles from files. Nothing is written with --dry-run."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--format", default="auto", choices=["auto", *sorted(formats())])
        parser.add_argument("--section", default="", help="Put every article in this section.")
        parser.add_argument(
            "--status",
            default="",
            choices=["", "draft", "published"],
            help="Default: published when the item has a date, draft otherwise.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Parse and report only.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *paths, **options):
        import_options = ImportOptions(
            format=options["format"],
            status=options["status"],
            section=options["section"],
            dry_run=options["dry_run"],
        )
        report = import_sources(_read(options["paths"]), options=import_options)
        if options["json"]:
            self.stdout.write(json.dumps(as_json(report), ensure_ascii=False, indent=2))
        else:
            self._summary(report, dry_run=options["dry_run"])
        if not report.ok:
            raise CommandError(
                f"{len(report.failed)} source(s) failed; nothing from them was saved."
            )

    def _summary(self, report: ImportReport, *, dry_run: bool) -> None:
        if dry_run:
            for item in report.articles:
                date = item.pub_date.isoformat() if item.pub_date else "no date"
                self.stdout.write(f"would import: {item.headline} ({date})")
        for label in report.created:
            self.stdout.write(f"created: {label}")
        for label in report.updated:
            self.stdout.write(f"updated: {label}")
        for label, reason in report.skipped:
            self.stdout.write(f"skipped: {label} ({reason})")
        for item, message in report.failed:
            self.stderr.write(f"failed: {item}: {message}")
        self.stdout.write(
            f"{len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.skipped)} skipped, {len(report.failed)} failed"
        )


def _read(paths: list[str]):
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{name}: no such file")
        yield Source(name=name, path=path)
