"""RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 1.0 feeds -> one article per entry.

feedparser reads the entries, but only after defusedxml has checked the bytes: feedparser hands
well-formed XML to expat, which expands entities, so DTDs (and with them entity bombs and
external references) are refused first. feedparser gets a byte stream, never a string: a string
may be taken for a URL or a file name and fetched or opened.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import feedparser
import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify

from newscenter.importers.parsers.base import (
    ImportedArticle,
    ImportParseError,
    Input,
    ParseOptions,
    SkippedItem,
    content_key,
    read_capped,
)
from newscenter.importers.parsers.feed_safety import check_xml, refuse_non_feed
from newscenter.news.rendering import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    paragraphs_to_html,
    plain_text,
    sanitise_html,
)

MAX_BYTES = 10 * 1024 * 1024  # feeds in the wild stay under a few megabytes
MAX_BODY_CHARS = 1_000_000
STANDFIRST_CHARS = 300
HEADLINE_CHARS = 300  # Article.headline
KEY_CHARS = 300  # Article.import_key
ORIGINAL_CHARS = 100_000
NAME_CHARS = {"author": 200, "tag": 100}
ATOM_NS = b"http://www.w3.org/2005/atom"

_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.DOTALL)
_ROOT = re.compile(rb"<(rss|rdf:rdf|feed)\b[^>]*>?", re.IGNORECASE)
_HTML_START = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.DOTALL)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
_RELATIVE = re.compile(r"""(?:href|src)\s*=\s*["']?(?![a-z][a-z0-9+.-]*:)""", re.IGNORECASE)
_URL_VALIDATOR = URLValidator(schemes=["http", "https"])
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")

# --- text helpers ---------------------------------------------------------------------------


def clean_line(text: str) -> str:
    """One line of plain text: whitespace squashed, control characters dropped."""
    return _CONTROL.sub("", " ".join(unicodedata.normalize("NFC", text or "").split()))


def truncate(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def _text_of(detail: Any, fallback: str = "") -> str:
    """The plain text of a feedparser text construct (title, summary) whatever its type."""
    if not detail:
        return clean_line(fallback)
    value = detail.get("value", "")
    return clean_line(plain_text(value) if "html" in detail.get("type", "") else value)


def _html_of(detail: Any, base: str) -> str:
    value = detail.get("value", "")
    if "html" in detail.get("type", ""):
        return _absolute_urls(value, base)
    return paragraphs_to_html(_CONTROL.sub("", value).split("\n\n"))


def _absolute_urls(html: str, base: str) -> str:
    """Sanitised HTML with links and images made absolute: relative ones would point into our
    own site once the article is on it."""
    if not base or not _RELATIVE.search(html):
        return sanitise_html(html)

    def absolute(tag: str, attribute: str, value: str) -> str:
        if attribute not in ("href", "src") or not value.strip() or value.startswith("http"):
            return value  # a quick way out: this runs for every attribute
        try:
            return urljoin(base, value)
        except ValueError:  # "http://[::1" and friends
            return value

    resolved = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=absolute,
    )
    return sanitise_html(resolved)  # the one allow-list has the last word


def _http_url(value: Any) -> str:
    """``value`` if it is an http(s) URL the article's URL fields accept, else ""."""
    url = clean_line(value if isinstance(value, str) else "")
    if len(url) > 1000:
        return ""
    try:
        _URL_VALIDATOR(url)
    except ValidationError:
        return ""  # one bad link must not fail the whole feed at full_clean()
    return url


# --- one entry ------------------------------------------------------------------------------


class FeedInfo:
    """What every entry of one feed shares."""

    def __init__(self, result: Any, origin: str, bozo_note: str) -> None:
        feed = result.feed
        self.title = truncate(_text_of(feed.get("title_detail"), feed.get("title", "")), 200)
        self.link = _http_url(feed.get("link"))
        self.language = _language(feed.get("language", ""))
        self.origin = origin
        self.bozo_note = bozo_note


def _language(value: str) -> str:
    value = clean_line(value).replace("_", "-")
    return value if len(value) <= 35 and _LANGUAGE.fullmatch(value) else ""


def entry_article(entry: Any, number: int, info: FeedInfo) -> ImportedArticle | SkippedItem:
    entry_id = clean_line(entry.get("id", ""))
    where = f"entry {number}" + (f" (id {truncate(entry_id, 100)})" if entry_id else "")
    if _body_size(entry) > MAX_BODY_CHARS:
        return SkippedItem(where=where, reason=f"body longer than {MAX_BODY_CHARS:,} characters")
    body, has_content = _body(entry, _http_url(entry.get("link")) or info.link)
    notes = [info.bozo_note] if info.bozo_note else []
    headline = _headline(entry, body, notes)
    if not headline:
        return SkippedItem(where=where, reason="entry without title or text")
    tags, authors = _names(entry, notes)
    return ImportedArticle(
        headline=headline,
        source_key=_source_key(entry, entry_id, info, headline, body),
        pub_date=_pub_date(entry),
        modified=_moment(dict.get(entry, "updated_parsed")),
        standfirst=_standfirst(entry, body) if has_content else "",
        body_html=body,
        source_name=info.title,
        source_url=_http_url(entry.get("link")),
        tags=tags,
        authors=authors,
        language=info.language,
        origin=info.origin,
        where=where,
        lead_image_url=_lead_image(entry),
        notes=notes,
        original=_original(entry),
    )


def _body(entry: Any, fallback_base: str) -> tuple[str, bool]:
    """The entry's body HTML, and whether it came from full content (not the summary)."""
    contents = entry.get("content") or []
    detail = next((c for c in contents if "html" in c.get("type", "")), None)
    detail = detail or (contents[0] if contents else None)
    has_content = detail is not None
    detail = detail or entry.get("summary_detail")
    if not detail:
        return "", False
    # The xml:base in scope (or the feed's URL) is the base feedparser reports for content.
    return _html_of(detail, _http_url(detail.get("base")) or fallback_base), has_content


def _body_size(entry: Any) -> int:
    details = [*(entry.get("content") or []), entry.get("summary_detail") or {}]
    return max(len(detail.get("value", "")) for detail in details)


def _headline(entry: Any, body: str, notes: list[str]) -> str:
    headline = _text_of(entry.get("title_detail"), entry.get("title", ""))
    if not headline:
        headline = truncate(clean_line(plain_text(body)), 80)
        if headline:
            notes.append("the entry has no title: the headline is the start of its text")
    if len(headline) > HEADLINE_CHARS:
        notes.append(f"the title was longer than {HEADLINE_CHARS} characters and was shortened")
    return truncate(headline, HEADLINE_CHARS)


def _standfirst(entry: Any, body: str) -> str:
    detail = entry.get("summary_detail")
    if not detail:
        return ""  # feedparser copies content into ``summary`` when a feed has none
    summary = _text_of(detail)
    lead = "".join(summary.split()).rstrip(".…[]")
    if not lead or "".join(plain_text(body).split()).startswith(lead):
        return ""  # the summary only repeats the start of the body
    return truncate(summary, STANDFIRST_CHARS)


def _pub_date(entry: Any) -> dt.datetime | None:
    # feedparser normalises every date it understands to a UTC struct_time.
    # dict.get: FeedParserDict.get maps a missing "updated" to "published" with a warning.
    return _moment(dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed"))


def _moment(parsed: Any) -> dt.datetime | None:
    if not parsed:
        return None
    try:
        year, month, day, hour, minute, second = parsed[:6]
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


def _source_key(entry: Any, entry_id: str, info: FeedInfo, headline: str, body: str) -> str:
    """The entry's identity across polls: its id, else its link, else a hash of its text."""
    link = _http_url(entry.get("link"))
    if entry_id and ":" not in entry_id:
        # A bare guid ("1234") is unique only within its feed: qualify it with the feed.
        entry_id = f"{info.link or info.title}#{entry_id}"
    key = f"feed:{entry_id or link}" if entry_id or link else ""
    if not key or len(key) > KEY_CHARS:
        return content_key("feed", (key or f"{headline}\n{body}").encode("utf-8"))
    return key


def _names(entry: Any, notes: list[str]) -> tuple[list[str], list[str]]:
    tag_names = [t.get("label") or t.get("term") or "" for t in entry.get("tags") or []]
    author_names = [a.get("name") or "" for a in entry.get("authors") or []]
    return _distinct(tag_names, "tag", notes), _distinct(author_names, "author", notes)


def _distinct(names: list[str], kind: str, notes: list[str]) -> list[str]:
    """Names usable as tags or authors: slug-able, short enough, each once."""
    kept: dict[str, str] = {}
    for raw in names:
        name = clean_line(raw)
        slug = slugify(name, allow_unicode=True)
        if not slug:
            continue  # punctuation or emoji only: no URL could be made for it
        if len(name) > NAME_CHARS[kind]:
            notes.append(f"{kind} {truncate(name, 60)!r} is too long and was left out")
            continue
        kept.setdefault(slug, name)
    return list(kept.values())


def _lead_image(entry: Any) -> str:
    candidates = [
        *(m for m in entry.get("media_content") or [] if _is_image(m.get("type"), m)),
        *(entry.get("media_thumbnail") or []),
        *(e for e in entry.get("enclosures") or [] if _is_image(e.get("type"), e)),
    ]
    for candidate in candidates:
        url = _http_url(candidate.get("url") or candidate.get("href"))
        if url:
            return url
    return ""


def _is_image(mime: str | None, media: Any) -> bool:
    if mime:
        return mime.lower().startswith("image/")
    if media.get("medium"):
        return bool(media.get("medium") == "image")
    url = (media.get("url") or media.get("href") or "").lower().split("?")[0]
    return url.endswith(_IMAGE_EXTENSIONS)


def _original(entry: Any) -> str:
    """The entry as feedparser read it (raw XML is not kept by feedparser), capped."""
    dumped = json.dumps(entry, default=str, ensure_ascii=False, sort_keys=True)
    return dumped if len(dumped) <= ORIGINAL_CHARS else dumped[:ORIGINAL_CHARS] + "…"


# --- the parser -----------------------------------------------------------------------------


def read_feed(data: bytes, *, origin: str) -> Any:
    """feedparser's result for ``data``, after the safety check; ImportParseError when unusable."""
    if not data.strip():
        raise ImportParseError("the feed is empty", where=origin)
    if _HTML_START.match(data[:4096]):
        raise ImportParseError("this is an HTML page, not an RSS or Atom feed", where=origin)
    check_xml(data, origin=origin)
    headers = {"content-type": "application/xml"}  # without one, feedparser flags every feed
    if origin.lower().startswith(("http://", "https://")):
        headers["content-location"] = origin  # the base for relative links without xml:base
    try:
        result = feedparser.parse(
            io.BytesIO(data),
            response_headers=headers,
            # Both done by nh3 instead: one allow-list, and feedparser's passes are slow
            # (seconds for deeply nested HTML).
            resolve_relative_uris=False,
            sanitize_html=False,
        )
    except Exception as exc:  # feedparser raises assorted errors on hostile bytes
        raise ImportParseError(f"the feed cannot be read ({exc})", where=origin) from None
    refuse_non_feed(result, origin)
    return result


def parse_feed(data: bytes, *, origin: str) -> Iterator[ImportedArticle | SkippedItem]:
    """Refusals are raised by this call; the articles are made one by one as they are taken."""
    return _articles(read_feed(data, origin=origin), origin)


def _articles(result: Any, origin: str) -> Iterator[ImportedArticle | SkippedItem]:
    bozo_note = ""
    if result.bozo:
        problem = truncate(clean_line(str(result.get("bozo_exception", ""))), 200)
        bozo_note = f"the feed is not well-formed ({problem}); it was read leniently"
    info = FeedInfo(result, origin, bozo_note)
    for number, entry in enumerate(result.entries, start=1):
        yield entry_article(entry, number, info)


class FeedParser:
    """The ``feed`` import format: RSS 0.9x, 1.0 and 2.0, and Atom 1.0."""

    name = "feed"

    def detect(self, head: bytes, *, filename: str = "") -> bool:
        try:
            return _looks_like_feed(head)
        except Exception:  # detection must never fail an import; the parser reports problems
            return False

    def parse(
        self, source: Input, *, origin: str, options: ParseOptions
    ) -> Iterator[ImportedArticle | SkippedItem]:
        return parse_feed(read_capped(source, MAX_BYTES, origin=origin), origin=origin)


def _looks_like_feed(head: bytes) -> bool:
    text = head.replace(b"\x00", b"").removeprefix(b"\xef\xbb\xbf")  # UTF-16 and BOMs
    text = text.lstrip(b"\xff\xfe")
    prolog = _PROLOG.match(text)
    root = _ROOT.match(text, prolog.end() if prolog else 0)
    if root is None or b"wordpress.org/export/" in text.lower():
        return False  # WordPress exports are RSS too, read by their own importer
    kind = root.group(1).lower()
    return kind != b"feed" or ATOM_NS in root.group(0).lower()


parser = FeedParser()
