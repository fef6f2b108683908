"""Small readers shared by the HTML importer's metadata modules: text, URLs, names, dates."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from newscenter.importers.parsers.dates import DATE_LINE_CHARS, DateReader, date_line
from newscenter.news.rendering import plain_text

MAX_TAGS, MAX_AUTHORS = 30, 20
# The model's field lengths, so that a long value is cut here rather than fail the import.
HEADLINE_CHARS, NAME_CHARS, TAG_CHARS, URL_CHARS, LANGUAGE_CHARS = 300, 200, 100, 1000, 35
STANDFIRST_CHARS = 600
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
url_validator = URLValidator(schemes=["http", "https"])

Layer = dict[str, Any]


def squash(text: str) -> str:
    return " ".join(text.split())


def json_text(value: Any) -> str:
    """A JSON-LD string as plain text: publishers put entities and even tags in them."""
    return squash(plain_text(value)) if isinstance(value, str) else ""


def http_url(value: Any) -> str:
    """An absolute http(s) URL the database will accept, or ""."""
    url = value.strip() if isinstance(value, str) else ""
    if not url or len(url) > URL_CHARS:
        return ""
    try:
        url_validator(url)
    except ValidationError:
        return ""
    return url


def names_from(values: list[str]) -> list[str]:
    """Distinct, non-empty names in order; profile URLs are not names."""
    seen: dict[str, str] = {}
    for value in values:
        name = squash(value)[:NAME_CHARS]
        if name and not name.lower().startswith(("http:", "https:", "/")):
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


class Dates:
    """ISO 8601 and RFC 822 by the stdlib; "5 March 2024" by the text importer's rules."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.reader = DateReader(zone)

    def read(self, value: Any) -> dt.datetime | None:
        text = squash(value)[:DATE_LINE_CHARS] if isinstance(value, str) else ""
        if not text:
            return None
        parsed = _machine_date(text) or self.read_words(text)
        if parsed is None or not 1900 <= parsed.year <= 2100:
            return None  # "0001-01-01" and similar placeholders are no date
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=self.zone)

    def read_words(self, text: str) -> dt.datetime | None:
        """A date line as people write it; aware in the page's zone unless it names one."""
        line = date_line(text)
        return self.reader.read(line.match) if line is not None and not line.headline else None


def _machine_date(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace(" +", "+").replace(" -", "-"))
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)  # RFC 822, as feeds and some CMS write
    except (TypeError, ValueError, IndexError):
        return None
