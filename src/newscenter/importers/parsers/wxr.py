"""WordPress export (WXR) -> articles: posts become articles, everything else a counted skip.

A WXR file is RSS 2.0 with WordPress's own elements (``wp:``, ``content:``, ``excerpt:``,
``dc:``). It is read streaming through defusedxml with DTDs forbidden (so no entity can be
declared: no billion laughs, no external entities), and each item is dropped from the tree once
handled, so memory stays flat however large the export is. A featured image is an attachment
item, often stored after its post: when the input can be read twice (a file, bytes), such a
post waits, with the items behind it, until its attachment comes; when too many wait, the file
is read once more from its start for its attachments (:func:`_collect_attachments`).
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from xml.parsers import expat
from zoneinfo import ZoneInfo

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from newscenter.importers.parsers import wxr_content as content
from newscenter.importers.parsers.base import (
    ImportedArticle,
    ImportParseError,
    Input,
    ParseOptions,
    SkippedItem,
    as_stream,
)
from newscenter.importers.parsers.wxr_content import Attachment, Item, short_name

PART_LIMIT = 20 * 1024 * 1024  # bytes of one item (or any other part of the channel)
MAX_DEPTH = 64  # WordPress writes 5 levels; deep nesting only serves to exhaust the stack
PART_ELEMENTS = 200_000  # elements in one item: thousands of comments fit; a tree bomb does not
ORIGINAL_CHARS = 200_000
# Items waiting behind a post whose featured image has not come yet; past either bound the file
# is read from its start for every attachment, and nothing waits any more.
HELD_ITEMS = 200
HELD_CHARS = 8 * 1024 * 1024

_COMPRESSED = {b"\x1f\x8b": "gzip", b"PK\x03\x04": "ZIP", b"BZh": "bzip2",
               b"\xfd7zXZ\x00": "xz", b"\x28\xb5\x2f\xfd": "zstd"}  # fmt: skip
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}\Z")


# --- reading the XML ----------------------------------------------------------------------------


class _PartTooLarge(Exception):
    pass


class _Reader:
    """The input as iterparse reads it: compressed files refused, no one part over the limit."""

    def __init__(self, raw: BinaryIO, origin: str) -> None:
        self.raw, self.origin = raw, origin
        self.total = self.part_start = self.part_elements = 0
        self.at_end = False

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        if not isinstance(data, bytes):
            raise ImportParseError("expected bytes, got text", where=self.origin)
        self.at_end = not data
        if self.total == 0:
            _refuse_compressed(data, self.origin)
        self.total += len(data)
        if self.total - self.part_start > PART_LIMIT:
            raise _PartTooLarge
        return data

    def boundary(self) -> None:
        """A part (an item, a channel element) starts or ends here."""
        self.part_start = self.total
        self.part_elements = 0


def _refuse_compressed(data: bytes, origin: str) -> None:
    for magic, kind in _COMPRESSED.items():
        if data.startswith(magic):
            raise ImportParseError(
                f"the file is {kind}-compressed, not XML: decompress it and import the .xml "
                "file inside (compressed files are not opened, so a small file cannot unpack "
                "into a huge one)",
                where=origin,
            )


def _events(reader: _Reader, origin: str) -> Iterator[tuple[str, Any]]:
    # An element for "start" and "end", a (prefix, uri) pair for "start-ns".
    """defusedxml's events, its refusals and XML errors turned into ImportParseError."""
    # start events let each item be detached from the channel as soon as it ends.
    events = ("start", "end", "start-ns")
    try:
        yield from iterparse(reader, events=events, forbid_dtd=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise ImportParseError(
            "the file declares a DTD (<!DOCTYPE ...>), which WordPress exports never do: "
            "DTDs are how entity-expansion bombs and external-entity attacks work, so the "
            "file is refused",
            where=origin,
        ) from None
    except ET.ParseError as exc:
        raise ImportParseError(_syntax_message(exc, reader.at_end), where=origin) from None
    except (LookupError, ValueError) as exc:  # encoding="U0F-8", or one expat cannot read
        raise ImportParseError(
            f"the file's declared encoding cannot be read ({str(exc)[:100]}): WordPress exports "
            "are UTF-8",
            where=origin,
        ) from None


def _syntax_message(exc: ET.ParseError, at_end: bool) -> str:
    line, column = getattr(exc, "position", (0, 0))
    reason = expat.ErrorString(exc.code) if isinstance(exc.code, int) else str(exc)
    if at_end:  # the XML was fine until the input ran out
        return (
            f"the file ends at line {line}, column {column} before the XML is complete "
            f"({reason}): it looks truncated"
        )
    return f"not well-formed XML at line {line}, column {column}: {reason}"


@dataclass
class Channel:
    """What the channel says before its items: the site and its authors."""

    origin: str
    links: dict[str, str] = field(default_factory=dict)  # base_blog_url, base_site_url, link
    authors: dict[str, str] = field(default_factory=dict)  # login -> display name
    language: str = ""
    wxr: bool = False  # a WordPress export namespace was declared
    version: int = 0  # how many channel elements were taken: what a waiting item was read with

    def snapshot(self) -> Channel:
        return dataclasses.replace(self, links=dict(self.links), authors=dict(self.authors))

    @property
    def site(self) -> str:
        """The site in source keys, so that two sites' post 12 never collide.

        The blog's own URL first: every WordPress.com export shares one base_site_url.
        """
        for name in ("wp:base_blog_url", "wp:base_site_url", "link"):
            if url := self.links.get(name, ""):
                return url.rstrip("/")[:200]
        return "unknown-site"

    def take(self, name: str, element: ET.Element) -> None:
        self.version += 1
        if name in ("wp:base_blog_url", "wp:base_site_url", "link"):
            self.links.setdefault(name, (element.text or "").strip())
        elif name == "language" and _LANGUAGE.match(text := (element.text or "").strip()):
            self.language = text
        elif name == "wp:author":
            author = {short_name(child.tag): (child.text or "").strip() for child in element}
            login = author.get("wp:author_login", "").strip("<>")
            if login:
                self.authors[login] = author.get("wp:author_display_name", "") or login


def channel_parts(
    stream: BinaryIO, origin: str, channel: Channel
) -> Iterator[tuple[int, ET.Element]]:
    """Each item of the channel, numbered from 1, detached from the tree after use.

    Other channel elements update ``channel``. Raises ImportParseError for anything that is
    not a well-formed WordPress export.
    """
    reader, number = _Reader(stream, origin), 0
    path: list[ET.Element] = []
    try:
        for event, element in _events(reader, origin):
            if event == "start-ns":
                _declare(element[1], channel)
            elif event == "start":
                path.append(element)
                reader.part_elements += 1
                if len(path) <= 3 or len(path) > MAX_DEPTH or reader.part_elements > PART_ELEMENTS:
                    _check_start(path, channel, origin, reader)  # rarely: most elements are deep
            else:
                path.pop()
                if len(path) <= 2:
                    reader.boundary()
                if len(path) == 2 and path[1].tag == "channel":
                    name = short_name(element.tag)
                    if name == "item":
                        number += 1
                        yield number, element
                    else:
                        channel.take(name, element)
                if 1 <= len(path) <= 2:
                    path[-1].remove(element)  # keeps memory flat: nothing handled stays
    except _PartTooLarge:
        part = f"item {number + 1}" if path[2:3] and path[2].tag == "item" else "a channel element"
        raise ImportParseError(
            f"{part} is larger than {PART_LIMIT // (1024 * 1024)} MB: no post is that large, "
            "so the file is refused",
            where=origin,
        ) from None
    if not channel.wxr:
        raise ImportParseError(_NOT_WXR, where=origin)


def _declare(uri: str, channel: Channel) -> None:
    if prefix := content.namespace_prefix(uri):
        channel.wxr = channel.wxr or prefix == "wp"
        # The item kept as provenance then reads wp:post_id rather than ns0:post_id.
        ET.register_namespace(prefix, uri)


_NOT_WXR = (
    "an RSS feed, not a WordPress export (no wordpress.org/export namespace): export the site "
    "from WordPress with Tools > Export"
)


def _check_start(path: list[ET.Element], channel: Channel, origin: str, reader: _Reader) -> None:
    depth = len(path)
    if depth > MAX_DEPTH:
        raise ImportParseError(f"elements nested deeper than {MAX_DEPTH} levels", where=origin)
    if depth == 1 and path[0].tag != "rss":
        tag = path[0].tag.rpartition("}")[2]
        raise ImportParseError(
            f"not a WordPress export: the document is <{tag[:50]}>, not <rss>", where=origin
        )
    if depth <= 3:
        reader.boundary()
    if reader.part_elements > PART_ELEMENTS:
        raise ImportParseError(
            f"an item has more than {PART_ELEMENTS:,} elements: no post has that many, so the "
            "file is refused",
            where=origin,
        )
    if depth == 3 and path[2].tag == "item" and not channel.wxr:
        raise ImportParseError(_NOT_WXR, where=origin)


# --- the parser ---------------------------------------------------------------------------------


class WxrParser:
    """The ``wxr`` import format: a WordPress export file (Tools > Export)."""

    name = "wxr"

    def detect(self, head: bytes, *, filename: str = "") -> bool:
        return b"<rss" in head and b"wordpress.org/export/" in head

    def parse(
        self, source: Input, *, origin: str, options: ParseOptions
    ) -> Iterator[ImportedArticle | SkippedItem]:
        zone = _zone(options.time_zone, origin)
        stream = as_stream(source)
        start = _start_position(stream)
        if start is not None:
            yield from _waiting_for_images(stream, origin, zone, start)
            return
        attachments: dict[str, Attachment] = {}
        channel = Channel(origin)
        for number, element in channel_parts(stream, origin, channel):
            item = Item.read(number, element)
            if (attachment := item.attachment()) is not None:
                attachments[item.post_id] = attachment  # one pass: those seen so far
            yield from _results(item, channel, zone, attachments, two_pass=False)
            element.clear()


def _waiting_for_images(
    stream: BinaryIO, origin: str, zone: ZoneInfo, start: int
) -> Iterator[ImportedArticle | SkippedItem]:
    """The items in file order, a post whose featured image is still to come held back with
    the items behind it until the image comes (at the latest, the end of the file), each with
    the channel as it was when the item was read. A second pass over the whole file used to
    find the attachments first: a sixth of the parse. Of two attachments with one id (which
    WordPress never writes), a post takes the last read by then, as a stream read once does."""
    attachments: dict[str, Attachment] = {}
    complete = False  # whether ``attachments`` holds every attachment of the file
    channel = Channel(origin)
    seen, read_with = -1, channel
    waiting: collections.deque[tuple[Item, Channel]] = collections.deque()
    chars = 0
    for number, element in channel_parts(stream, origin, channel):
        item = Item.read(number, element)
        if not complete and (attachment := item.attachment()) is not None:
            attachments[item.post_id] = attachment
        if channel.version != seen:  # rarely: the channel's elements come before its items
            seen, read_with = channel.version, channel.snapshot()
        waiting.append((item, read_with))
        chars += item.size
        while waiting and (complete or not waiting[0][0].awaits(attachments)):
            done, read_with_then = waiting.popleft()
            chars -= done.size
            yield from _results(done, read_with_then, zone, attachments, two_pass=True)
            done.element.clear()
        if waiting and (len(waiting) > HELD_ITEMS or chars > HELD_CHARS):
            position = stream.tell()
            stream.seek(start)
            attachments, complete = _collect_attachments(stream, origin), True
            stream.seek(position)
    for done, read_with_then in waiting:  # the end, or every attachment found
        yield from _results(done, read_with_then, zone, attachments, two_pass=True)
        done.element.clear()


def _zone(name: str, origin: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, TypeError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise ImportParseError(f"unknown time zone {name!r}", where=origin) from None


def _start_position(stream: BinaryIO) -> int | None:
    """Where the input starts, when it can be read again from there; else None."""
    try:
        return stream.tell() if stream.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


def _collect_attachments(stream: BinaryIO, origin: str) -> dict[str, Attachment]:
    """The first pass: attachment id -> URL and alt text, a few hundred bytes per attachment."""
    attachments = {}
    for number, element in channel_parts(stream, origin, Channel(origin)):
        item = Item.read(number, element)
        if (attachment := item.attachment()) is not None:
            attachments[item.post_id] = attachment
        element.clear()
    return attachments


def _results(
    item: Item,
    channel: Channel,
    zone: ZoneInfo,
    attachments: dict[str, Attachment],
    *,
    two_pass: bool,
) -> Iterator[ImportedArticle | SkippedItem]:
    """The item as an article or a skip, then a skip for each of its comments."""
    if item.post_type != "post":
        yield SkippedItem(where=item.where, reason=item.post_type[:50])
    elif not item.post_id:
        yield SkippedItem(where=item.where, reason="no post id")
    elif (status := item.status()) is None:
        yield SkippedItem(where=item.where, reason="trash")
    else:
        lead_image, image_note = item.lead_image(attachments, two_pass=two_pass)
        article = _article(item, channel, zone, status)
        if lead_image is not None:
            article.lead_image_url, article.lead_image_alt = lead_image.url, lead_image.alt
        article.notes.extend(filter(None, [image_note]))
        yield article
    for comment_id in item.comments:
        yield SkippedItem(where=f"{item.where}, comment {comment_id[:20]}", reason="comment")


def _article(
    item: Item, channel: Channel, zone: ZoneInfo, status: tuple[str, list[str]]
) -> ImportedArticle:
    headline, notes = content.headline(item.fields.get("title", ""))
    date, date_note = content.pub_date(item.get("wp:post_date_gmt"), item.get("wp:post_date"), zone)
    # WordPress exports its last edit too; a draft's zero date or a bad one is simply unknown.
    modified = content.pub_date(
        item.get("wp:post_modified_gmt"), item.get("wp:post_modified"), zone
    )[0]
    body, body_notes = content.body_html(item.fields.get("content:encoded", ""))
    section, tags = content.section_and_tags(item.categories)
    login = item.get("dc:creator").strip("<>")  # stray brackets occur; logins never have them
    return ImportedArticle(
        headline=headline,
        source_key=f"wxr:{channel.site}:{item.post_id}",
        pub_date=date,
        modified=modified,
        standfirst=content.plain_line(item.fields.get("excerpt:encoded", "")),
        body_html=body,
        section=section,
        tags=tags,
        authors=[channel.authors.get(login, login)[:200]] if login else [],
        # Polylang or WPML names each post's language; the channel's is the blog's default.
        language=_language(item, channel),
        translation_key=_translation_key(item, channel),
        translation_source=_wpml(item, "_wpml_import_source_language_code"),
        origin=channel.origin,
        status=status[0],
        where=item.where,
        notes=[*status[1], *notes, *filter(None, [date_note]), *body_notes],
        original=_original(item.element, item.size),
    )


# WPML Export and Import writes each post's language, its original's language and its
# translation group (WPML's trid, or any name) as post meta of the WordPress export.
_WPML_LANGUAGE = "_wpml_import_language_code"
_WPML_GROUP = "_wpml_import_translation_group"


def _wpml(item: Item, key: str) -> str:
    value = item.meta.get(key, "").strip()
    return value if _LANGUAGE.match(value) or key == _WPML_GROUP else ""


def _language(item: Item, channel: Channel) -> str:
    if _LANGUAGE.match(item.language):
        return item.language
    return _wpml(item, _WPML_LANGUAGE) or channel.language


def _translation_key(item: Item, channel: Channel) -> str:
    if item.translations:  # Polylang's post_translations term
        return f"{channel.site}:{item.translations[:100]}"
    if group := _wpml(item, _WPML_GROUP):
        return f"{channel.site}:wpml:{group[:100]}"
    return ""


class _Full(Exception):
    pass


class _CappedText(io.StringIO):
    def write(self, text: str) -> int:
        if self.tell() > ORIGINAL_CHARS:
            raise _Full  # serialising the rest of a huge item would only be thrown away
        return super().write(text)


def _original(element: ET.Element, size: int) -> str:
    """The item's XML as provenance, cut at ORIGINAL_CHARS; ``size`` is its text's length."""
    if size < ORIGINAL_CHARS // 2:  # the common case, and tostring's own buffer is faster
        return ET.tostring(element, encoding="unicode")[:ORIGINAL_CHARS]
    text = _CappedText()
    with contextlib.suppress(_Full):
        ET.ElementTree(element).write(text, encoding="unicode")
    return text.getvalue()[:ORIGINAL_CHARS]


parser = WxrParser()
