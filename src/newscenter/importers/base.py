"""What every importer yields, and the one error type parsers raise.

Parsers are pure, like ``django.core.serializers`` deserialisers: they read
bytes and yield unsaved :class:`ImportedArticle` objects, touching neither the
database nor the network. ``importers.run`` is the single path that persists them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol


class ImportParseError(Exception):
    """Input a parser cannot turn into articles; ``where`` says which file, item or line."""

    def __init__(self, message: str, *, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(frozen=True)
class ParseOptions:
    # Zone for dates printed without one ("Nov 28, 2023"): the site's time zone.
    time_zone: str = "UTC"


@dataclass
class ImportedArticle:
    headline: str
    source_key: str  # stable identity in the source: post id, guid, entry id, content hash
    pub_date: dt.datetime | None = None  # always timezone-aware when set
    standfirst: str = ""
    body_html: str = ""
    source_name: str = ""
    source_url: str = ""
    canonical_url: str = ""
    section: str = ""
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    language: str = ""
    status: str = ""  # "" lets the import run decide
    origin: str = ""  # file name or URL the article came from, for reports

    def __post_init__(self) -> None:
        if self.pub_date is not None and self.pub_date.tzinfo is None:
            raise ValueError("ImportedArticle.pub_date must be timezone-aware")


class Parser(Protocol):
    name: str

    def detect(self, data: bytes, *, filename: str = "") -> bool: ...

    def parse(
        self, data: bytes, *, origin: str, options: ParseOptions
    ) -> Iterator[ImportedArticle]: ...


def content_key(prefix: str, data: bytes) -> str:
    """An identity for inputs that carry none of their own (pasted text, a single page)."""
    return f"{prefix}:sha256:{hashlib.sha256(data).hexdigest()}"
