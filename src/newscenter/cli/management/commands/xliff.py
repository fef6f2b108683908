"""``newscenter xliff``: one article out to a translator as XLIFF 2.0, and the translated file
back in as its translation.

    newscenter xliff export 42 --language de [--output plant-opens.de.xlf]
    newscenter xliff import plant-opens.de.xlf --user alice

The import is ``services.translation_import_xliff`` under ``--user``'s role: a draft made in
the file's language when the article has no translation there yet, the translated headline,
standfirst and body written over it. A file that is not right is refused with the reason
(exit status 1), and nothing is written.
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
from newscenter.news.xliff import MAX_BYTES


class Command(BaseCommand):
    help = "Export an article as XLIFF 2.0 for a translator, or import a translated file."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")
        out = commands.add_parser("export", help="One article's text as XLIFF 2.0.")
        out.add_argument("id", metavar="ID", help="The article's number (newscenter article list).")
        out.add_argument("--language", required=True, help="The language to translate into.")
        out.add_argument("--output", help="A file to write (default: standard output).")
        back = commands.add_parser("import", help="A translated file into its translation.")
        back.add_argument("file", metavar="FILE", help="The translated .xlf file.")
        add_user_argument(back)

    def handle(self, *args, **options):
        require_migrated()
        try:
            if options["verb"] == "export":
                self._export(options["id"], options["language"], options.get("output"))
            else:
                self._import(options["file"], acting_user(options))
        except PolicyDenied as exc:
            raise CommandError(f"refused: {exc}") from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None

    def _export(self, raw_id: str, language: str, output: str | None) -> None:
        if not raw_id.isdigit():
            raise CommandError(f"{raw_id!r} is not an article number")
        article = Article.objects.filter(pk=int(raw_id)).first()
        if article is None:
            raise CommandError(f"there is no article {raw_id}")
        data = services.translation_export_xliff(source=article, language=language)
        if output:
            Path(output).write_bytes(data)
            self.stdout.write(f"{article.pk}: {article.headline} -> {output}")
        else:
            sys.stdout.buffer.write(data)

    def _import(self, file: str, user) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"there is no file {file}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file} is larger than {MAX_BYTES // 1_000_000} MB")
        translation = services.translation_import_xliff(acting_user=user, data=path.read_bytes())
        self.stdout.write(
            f"{translation.pk}: {translation.headline} ({translation.language}) is now "
            f"{translation.status}, following revision {translation.translated_from_revision}."
        )
