"""What every importer yields, and the one error type parsers raise.

Parsers are pure, like ``django.core.serializers`` deserialisers: they read
bytes and yield unsaved :class:`ImportedArticle` objects, touching neither the
database nor the network. ``importers.run`` is the single path that persists them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, NoReturn, Protocol

HEAD_BYTES = 64 * 1024  # what format detection sees of a file
GZIP_MAGIC = b"\x1f\x8b"
# A gzipped input is read decompressed, under the parsers' own byte caps, and never past these:
GUNZIP_MAX_BYTES = 256 * 1024 * 1024  # a whole WordPress export, decompressed
GUNZIP_MAX_RATIO = 100  # text and markup compress 5-20 times; a bomb thousands of times
GUNZIP_RATIO_AFTER = 1024 * 1024  # small inputs may compress well; the ratio counts past this
_GUNZIP_CHUNK = 64 * 1024

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
    # The source's name for the group of the article's translations (Polylang's
    # post_translations term, WPML's translation group, Hugo's translationKey, a page's
    # hreflang alternates): articles of one import that share it become one translation group.
    translation_key: str = ""
    # The language of the group's original when the source says (WPML's source language):
    # the article in it becomes the group's source.
    translation_source: str = ""
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
    stream = as_stream(source)
    data = stream.read(limit + 1)
    if len(data) > limit:
        gunzipped = isinstance(getattr(stream, "raw", None), Gunzipped)
        unpacked = " once decompressed: refused as a compression bomb would be" if gunzipped else ""
        raise ImportParseError(f"larger than the limit of {limit:,} bytes{unpacked}", where=origin)
    return data


def decompressed(stream: BinaryIO, *, origin: str) -> BinaryIO:
    """``stream``, or its decompressed bytes when it starts with the gzip magic (``.html.gz``)."""
    start = stream.read(len(GZIP_MAGIC))
    stream.seek(0)
    if start != GZIP_MAGIC:
        return stream
    return io.BufferedReader(Gunzipped(stream, origin=origin), _GUNZIP_CHUNK)  # whole reads


class Gunzipped(io.RawIOBase):
    """A gzip stream read decompressed, a chunk at a time, refusing bombs as it goes.

    Memory stays at one chunk whatever the input; a parser's own cap (read_capped) stops a
    single page at its limit, and :data:`GUNZIP_MAX_BYTES` and :data:`GUNZIP_MAX_RATIO` stop a
    small file that unpacks into a huge one before it is all unpacked.
    """

    def __init__(self, raw: BinaryIO, *, origin: str) -> None:
        super().__init__()
        self.raw, self.origin = raw, origin
        self.inflater = zlib.decompressobj(wbits=31)  # gzip header and trailer checked
        self.pending = b""  # compressed bytes not yet decompressed
        self.read_in = self.given = 0

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            self.raw.close()
        super().close()

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._next(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _next(self, size: int) -> bytes:
        while True:
            if not self.pending and not self.inflater.eof:
                self.pending = self.raw.read(_GUNZIP_CHUNK)
                self.read_in += len(self.pending)
                if not self.pending:
                    self._fail("the gzip data is truncated: it ends before its last block")
            if self.inflater.eof:
                rest = self.inflater.unused_data
                if not rest.strip(b"\x00"):
                    return b""  # the end (a tape-style zero padding is no further member)
                self.inflater, self.pending = zlib.decompressobj(wbits=31), rest  # next member
            try:
                data = self.inflater.decompress(self.pending, max(1, size))
            except zlib.error as exc:
                self._fail(f"the gzip data is damaged ({exc})")
            self.pending = self.inflater.unconsumed_tail
            if data:
                self._count(len(data))
                return data

    def _count(self, size: int) -> None:
        self.given += size
        if self.given > GUNZIP_MAX_BYTES:
            self._fail(f"the gzip file unpacks to more than {GUNZIP_MAX_BYTES:,} bytes")
        if self.given > GUNZIP_RATIO_AFTER and self.given > GUNZIP_MAX_RATIO * self.read_in:
            self._fail(
                f"the gzip file unpacks to more than {GUNZIP_MAX_RATIO} times its size: refused "
                "as a compression bomb (a page or export compresses 5 to 20 times)"
            )

    def _fail(self, message: str) -> NoReturn:
        raise ImportParseError(message, where=self.origin)


def content_key(prefix: str, data: bytes) -> str:
    """An identity for inputs that carry none of their own (pasted text, a single page)."""
    return f"{prefix}:sha256:{hashlib.sha256(data).hexdigest()}"
