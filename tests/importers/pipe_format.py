"""A tiny import format for tests of the registry and the persistence path.

Each line is ``key|headline|ISO date`` and becomes one article.
"""

import datetime as dt

from newscenter.importers.parsers.base import (
    ImportedArticle,
    ImportParseError,
    SkippedItem,
    as_stream,
)


class PipeParser:
    name = "pipe"

    def detect(self, data: bytes, *, filename: str = "") -> bool:
        return filename.endswith(".pipe")

    def parse(self, source, *, origin, options):
        for number, line in enumerate(as_stream(source).read().decode().splitlines(), start=1):
            if line.startswith("#"):
                yield SkippedItem(where=f"line {number}", reason="comment")
                continue
            try:
                key, headline, date = line.split("|")
                pub_date = dt.datetime.fromisoformat(date)
            except ValueError:
                raise ImportParseError(
                    "expected key|headline|date", where=f"{origin}:{number}"
                ) from None
            yield ImportedArticle(
                headline=headline,
                source_key=f"pipe:{key}",
                pub_date=pub_date,
                where=f"line {number}",
                origin=origin,
                original=line,
                notes=["shortcode [gallery] left as text"] if "[gallery]" in headline else [],
            )


parser = PipeParser()
