"""``newscenter xliff``: articles out to a translator as XLIFF 2.0, and the translated files
back in as their translations.

    newscenter xliff export 42 --language de [--output plant-opens.de.xlf]
    newscenter xliff export 42 43 44 --language de --output batch.de.zip
    newscenter xliff import plant-opens.de.xlf --user alice
    newscenter xliff import batch.de.zip --user alice

Several articles go out as a zip of one file per article. The import is
``services.translation_import_xliff`` (``..._batch`` for a zip, all or nothing) under
``--user``'s role: a draft made in the file's language when the article has no translation
there yet, the translated headline, standfirst and body written over it. A file that is not
right is refused with the reason (exit status 1), and nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from newscenter.cli.database import require_migrated
from newscenter.cli.options import acting_user, add_user_argument
from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import PolicyDenied
from newscenter.news.xliff import BATCH_BYTES, MAX_BYTES, is_zip


class Command(BaseCommand):
    help = "Export an article as XLIFF 2.0 for a translator, or import a translated file."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")
        out = commands.add_parser(
            "export", help="Articles' text as XLIFF 2.0: one file, or a zip of one per article."
        )
        out.add_argument(
            "ids", nargs="+", metavar="ID", help="The articles' numbers (newscenter article list)."
        )
        out.add_argument("--language", required=True, help="The language to translate into.")
        out.add_argument("--output", help="A file to write (default: standard output).")
        back = commands.add_parser(
            "import", help="A translated file (or a zip of them) into its translation."
        )
        back.add_argument("file", metavar="FILE", help="The translated .xlf file, or a .zip.")
        add_user_argument(back)

    def handle(self, *args, **options):
        require_migrated()
        try:
            if options["verb"] == "export":
                self._export(options["ids"], options["language"], options.get("output"))
            else:
                self._import(options["file"], acting_user(options))
        except PolicyDenied as exc:
            raise CommandError(f"refused: {exc}") from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None

    def _export(self, raw_ids: list[str], language: str, output: str | None) -> None:
        for raw_id in raw_ids:
            if not raw_id.isdigit():
                raise CommandError(f"{raw_id!r} is not an article number")
        ids = list(dict.fromkeys(int(raw_id) for raw_id in raw_ids))
        found = Article.objects.in_bulk(ids)
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise CommandError(f"there is no article {', '.join(missing)}")
        articles = [found[pk] for pk in ids]
        if len(articles) == 1:
            data = services.translation_export_xliff(source=articles[0], language=language)
        else:
            data = services.translation_export_xliff_batch(sources=articles, language=language)
        if output:
            Path(output).write_bytes(data)
            for article in articles:
                self.stdout.write(f"{article.pk}: {article.headline} -> {output}")
        else:
            sys.stdout.buffer.write(data)

    def _import(self, file: str, user) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"there is no file {file}")
        with path.open("rb") as handle:
            limit = BATCH_BYTES if is_zip(handle.read(4)) else MAX_BYTES
        if path.stat().st_size > limit:
            raise CommandError(f"{file} is larger than {limit // 1_000_000} MB")
        data = path.read_bytes()
        if is_zip(data):
            done = services.translation_import_xliff_batch(acting_user=user, data=data)
        else:
            done = [services.translation_import_xliff(acting_user=user, data=data)]
        for translation in done:
            self.stdout.write(
                f"{translation.pk}: {translation.headline} ({translation.language}) is now "
                f"{translation.status}, following revision {translation.translated_from_revision}."
            )
