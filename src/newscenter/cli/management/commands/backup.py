"""``newscenter backup DIR``: a consistent copy of a one-machine site, taken while it runs."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Copy the SQLite database (SQLite's online backup: safe while the site writes), the "
        "media and the generated secret key into DIR, a folder that must not exist yet. "
        "Restore by pointing NEWSCENTER_DATA_DIR at the copy. PostgreSQL: use pg_dump."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args, **options):
        target = Path(options["directory"])
        if target.exists():
            raise CommandError(f"{target} exists already: name a new folder")
        if connection.vendor != "sqlite":
            raise CommandError(
                "the database is PostgreSQL: back it up with pg_dump (docs/deploy.md#backups)"
            )
        source = Path(settings.DATABASES["default"]["NAME"])
        target.mkdir(parents=True)
        live, copy = sqlite3.connect(source), sqlite3.connect(target / source.name)
        try:
            live.backup(copy)  # page by page, restarting if a writer changes what was copied
        finally:
            copy.close()
            live.close()
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir() and settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
            # Media names are never reused, so files copied after the database was are only
            # ones the copy does not show yet: harmless.
            shutil.copytree(media, target / "media")
        key = Path(settings.DATA_DIR) / "secret_key"
        if key.is_file():
            shutil.copy2(key, target / "secret_key")
        self.stdout.write(self.style.SUCCESS(f"Backed up the site into {target}."))
