"""What every importer yields, and the one error type parsers raise.

Parsers are pure, like ``django.core.serializers`` deserialisers: they read
bytes and yield unsaved :class:`ImportedArticle` objects, touching neither the
database nor the network. ``importers.run`` is the single path that persists them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

HEAD_BYTES = 64 * 1024  # what format detection sees of a file

Input = bytes | BinaryIO  # small inputs as bytes; files as streams so large ones stay on disk


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
    # Import a page the parser would refuse as not an article (the editor said so), noting why.
    force: bool = False


@dataclass
class ImportedArticle:
    headline: str
    source_key: str  # stable identity in the source: post id, guid, entry id, content hash
    pub_date: dt.datetime | None = None  # always timezone-aware when set
    # When the source last changed it, as the source says (timezone-aware); None: not said.
    modified: dt.datetime | None = None
    standfirst: str = ""
    body_html: str = ""
    source_name: str = ""
    source_url: str = ""
    canonical_url: str = ""
    section: str = ""
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    language: str = ""
    status: str = ""  # "draft" or "published"; "" lets the import run decide
    origin: str = ""  # file name or URL the article came from, for reports
    where: str = ""  # the item inside the origin: "post 42", "entry 3", "line 17"
    lead_image_url: str = ""  # to fetch later; parsers never fetch
    lead_image_alt: str = ""
    notes: list[str] = field(default_factory=list)  # e.g. "shortcode [gallery] left as text"
    original: str = ""  # the item as it was in the source, kept with the article as provenance
    # How sure the parser is of each field it guessed, 0-1 ("headline", "date", ...); parsers
    # that read fields from markup (feeds, WXR) leave it empty.
    confidence: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.pub_date is not None and self.pub_date.tzinfo is None:
            raise ValueError("ImportedArticle.pub_date must be timezone-aware")
        if self.modified is not None and self.modified.tzinfo is None:
            raise ValueError("ImportedArticle.modified must be timezone-aware")


@dataclass(frozen=True)
class SkippedItem:
    """Something in the source that is deliberately not an article (a page, a menu item)."""

    where: str
    reason: str  # short and countable: "page", "attachment", "nav_menu_item", "comment"


class Parser(Protocol):
    name: str

    def detect(self, head: bytes, *, filename: str = "") -> bool:
        """Whether ``head`` (the first HEAD_BYTES of the input) looks like this format."""
        ...

    def parse(
        self, source: Input, *, origin: str, options: ParseOptions
    ) -> Iterator[ImportedArticle | SkippedItem]:
        """Yield the source's items; raise ImportParseError for input that cannot be read."""
        ...


def as_stream(source: Input) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes | bytearray) else source


def read_capped(source: Input, limit: int, *, origin: str) -> bytes:
    """All of a small input, refusing it (before reading more) once it passes ``limit`` bytes."""
    data = as_stream(source).read(limit + 1)
    if len(data) > limit:
        raise ImportParseError(f"larger than the limit of {limit:,} bytes", where=origin)
    return data


def content_key(prefix: str, data: bytes) -> str:
    """An identity for inputs that carry none of their own (pasted text, a single page)."""
    return f"{prefix}:sha256:{hashlib.sha256(data).hexdigest()}"
