"""Markdown files with front matter -> one article per file, as Hugo, Jekyll and Pelican keep them.

Front matter is YAML between ``---`` lines, TOML between ``+++`` lines, Hugo's JSON object at the
top of the file, or Pelican's ``Key: value`` lines before the first blank line. A Jekyll file name
(``2024-03-05-plant-tour.md``) gives the date when the front matter has none, with a note.

Security and robustness choices (each covered by a test):

* YAML goes through a SafeLoader subclass that refuses aliases (``*name``, so ``<<: *base`` too)
  and front matter is capped at 64 KB: front matter never needs aliases, and expanding them is
  how "billion laughs" documents exhaust memory. YAML dates stay strings (no implicit
  timestamps), so a bad one is reported with its line like any other date.
* Raw HTML in the Markdown is NOT rendered (markdown-it ``html: False``): ``<script>`` shows as
  text. The rendered HTML still passes through :func:`sanitise_html`, like every input path.
* Hugo shortcodes (``{{< >}}``, ``{{% %}}``) and Liquid (``{% %}``, ``{{ }}``) are the old site's
  template code: removed, and named in the article's notes.
* Files are capped at 128 KB: markdown-it-py renders adversarial Markdown (runs of ``[`` or
  ``*a``) at 20-40 KB a second here, so one file takes seconds at most; articles are 3-30 KB.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from markdown_it import MarkdownIt
from markdown_it.token import Token

from newscenter.importers.parsers.base import (
    ImportedArticle,
    Input,
    ParseOptions,
    SkippedItem,
    read_capped,
)
from newscenter.importers.parsers.front_matter import (
    FrontMatter,
    decode,
    error,
    lower,
    split_front_matter,
)
from newscenter.news.rendering import plain_text, sanitise_html

MAX_BYTES = 128 * 1024
EXTENSIONS = (".md", ".markdown", ".mdown")
SECTION_PAGES = frozenset(f"_index{ext}" for ext in EXTENSIONS)  # Hugo's list pages
# Field sizes of news.models, repeated so the parser stays pure: a longer value would fail the
# whole file at save time, so it is left out with a note instead.
HEADLINE_CHARS, NAME_CHARS, AUTHOR_CHARS, URL_CHARS, LANGUAGE_CHARS = 300, 100, 200, 1000, 35

_md = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")

_JEKYLL_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-(.+)")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_LANGUAGE_SUFFIX = re.compile(r"\.([a-z]{2}(?:-[a-z]{2,4})?)$")  # Hugo's post.de.md
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Bounded, and never spanning another opening brace pair, so that unclosed tags stay linear.
_INSIDE = r"((?:(?!\{[{%]).){0,1000}?)"
_TEMPLATE = re.compile(
    rf"\{{\{{[<%]{_INSIDE}[>%]\}}\}}|\{{%{_INSIDE}%\}}|\{{\{{{_INSIDE}\}}\}}", re.S
)
_RELATIVE_IMAGE = re.compile(r'<img\b[^>]*\bsrc="(?!https?://)')
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%d.%m.%Y %H:%M",
    "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y",
)  # fmt: skip
_DATE_KEYS = ("publishdate", "pubdate", "date", "published")  # Hugo's publishDate is the public one
_FLAGS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


# --- values -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def _first_text(meta: dict[str, Any], *keys: str) -> str:
    return next((text for key in keys if (text := _text(meta.get(key)))), "")


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else _FLAGS.get(_text(value).lower())


def _names(values: Iterable[Any]) -> list[str]:
    """Names from strings ("a, b"), lists, and lists of objects with a name (Hugo authors)."""
    names: list[str] = []
    for value in values:
        for item in value if isinstance(value, list) else _text(value).split(","):
            names.append(_text(lower(item).get("name") if isinstance(item, dict) else item))
    return _unique(names)


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in filter(None, names):
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _fitting(names: list[str], limit: int, label: str, notes: list[str]) -> list[str]:
    for name in (name for name in names if len(name) > limit):
        notes.append(f"{label} longer than {limit} characters left out: {name[:60]}…")
    return [name for name in names if len(name) <= limit]


def _moment(value: Any, zone: ZoneInfo) -> dt.datetime:
    """An aware datetime from a TOML date, a YAML or Pelican string; ValueError otherwise."""
    if isinstance(value, str):
        value = _date_from_text(value.strip())
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(), tzinfo=zone)
    else:
        raise ValueError(value)
    if not 1800 <= moment.year <= 2200:  # out of range dates overflow time-zone arithmetic
        raise ValueError(value)
    return moment


def _date_from_text(text: str) -> dt.datetime:
    if len(text) <= 64:
        with suppress(ValueError):
            return dt.datetime.fromisoformat(text)
        for pattern in _DATE_FORMATS:
            with suppress(ValueError):
                return dt.datetime.strptime(text, pattern)  # the caller adds the zone
        with suppress(ValueError, TypeError, IndexError):  # RFC 822, as feeds and Pelican write
            return email.utils.parsedate_to_datetime(text)
    raise ValueError(text)


def _web_url(value: Any) -> str:
    text = _text(value)
    if len(text) > URL_CHARS or " " in text:
        return ""
    with suppress(ValueError):  # urlsplit refuses "http://[x"
        parts = urlsplit(text)
        return text if parts.scheme in {"http", "https"} and parts.hostname else ""
    return ""


# --- fields -----------------------------------------------------------------------------------


def _pub_date(front: FrontMatter, zone: ZoneInfo, origin: str) -> dt.datetime | None:
    for key in _DATE_KEYS:
        value = front.meta.get(key)
        if value in (None, "") or (key == "published" and _flag(value) is not None):
            continue  # Jekyll's "published: false" is a status, not a date
        try:
            return _moment(value, zone)
        except (ValueError, OverflowError):
            message = f"{key} {str(value)[:40]!r} is not a date we can read"
            hint = " (write 2024-03-05 or 2024-03-05T10:00:00+01:00)"
            raise error(message + hint, origin, front.line_of(key)) from None
    return None


def _is_draft(meta: dict[str, Any]) -> bool:
    status = _text(meta.get("status")).lower()
    return bool(
        _flag(meta.get("draft")) or _flag(meta.get("published")) is False
        or status in {"draft", "hidden", "private"}
    )  # fmt: skip


def _image(meta: dict[str, Any], notes: list[str]) -> tuple[str, str]:
    cover = lower(meta["cover"]) if isinstance(meta.get("cover"), dict) else {}
    image = next((meta[k] for k in ("image", "featured_image", "images") if meta.get(k)), None)
    image = image or cover.get("image") or meta.get("cover")
    image = image[0] if isinstance(image, list) and image else image
    url, alt = _web_url(image), _text(meta.get("image_alt")) or _text(cover.get("alt"))
    if _text(image) and not url:
        notes.append(f"lead image {_text(image)[:200]!r} is not an http(s) address: upload it")
    return url, alt[:HEADLINE_CHARS] if url else ""


def _address(meta: dict[str, Any], keys: tuple[str, ...], label: str, notes: list[str]) -> str:
    written = _first_text(meta, *keys)
    url = _web_url(written)
    if written and not url:
        notes.append(f"{label} address {written[:200]!r} is not absolute http(s): left out")
    return url


def _language(meta: dict[str, Any], stem: str, notes: list[str]) -> str:
    suffix = _LANGUAGE_SUFFIX.search(stem)
    language = _first_text(meta, "lang", "language") or (suffix[1] if suffix else "")
    if language and not (len(language) <= LANGUAGE_CHARS and _LANGUAGE.fullmatch(language)):
        notes.append(f"language {language[:40]!r} is not a language tag: left out")
        return ""
    return language


def _address_notes(meta: dict[str, Any], notes: list[str]) -> None:
    if slug := _text(meta.get("slug")):
        notes.append(f"slug {slug[:100]!r} only in the import key: addresses come from headlines")
    if old := _names(meta[k] for k in ("aliases", "url", "permalink") if meta.get(k)):
        notes.append(f"old addresses not redirected (add redirects by hand): {', '.join(old[:10])}")


def _fields(meta: dict[str, Any], stem: str, notes: list[str]) -> dict[str, Any]:
    """The metadata fields, each from the keys that Hugo, Jekyll or Pelican use for it."""
    _address_notes(meta, notes)
    sections = _names(meta.get(k) for k in ("categories", "category", "section"))
    sections = _fitting(sections, NAME_CHARS, "category", notes)
    tags = _unique(_names(meta.get(k) for k in ("tags", "keywords")) + sections[1:])
    author = meta.get("author")
    authors = _names([author if isinstance(author, list) else [author], meta.get("authors")])
    source_name = _first_text(meta, "source_name", "source")
    # A declared canonical address is also where the article comes from.
    canonical = _address(meta, ("canonical", "canonicalurl", "canonical_url"), "canonical", notes)
    source_url = _address(meta, ("source_url", "link"), "source", notes)
    lead_image_url, lead_image_alt = _image(meta, notes)
    return {
        "standfirst": _first_text(meta, "description", "summary", "excerpt", "subtitle"),
        "section": sections[0] if sections else "",
        "tags": _fitting(tags, NAME_CHARS, "tag", notes),
        "authors": _fitting(authors, AUTHOR_CHARS, "author", notes),
        "source_name": "".join(_fitting([source_name], AUTHOR_CHARS, "source", notes)),
        "source_url": canonical or source_url,
        "canonical_url": canonical,
        "language": _language(meta, stem, notes),
        "translation_key": _first_text(meta, "translationkey", "translation_key")[:200],
        "lead_image_url": lead_image_url,
        "lead_image_alt": lead_image_alt,
    }


# --- the body ---------------------------------------------------------------------------------


def strip_templates(body: str) -> tuple[str, list[str]]:
    """The body without Hugo shortcodes and Liquid tags, and notes naming what was removed."""
    found: dict[str, list[str]] = {"Hugo shortcodes": [], "Liquid tags": []}

    def remove(match: re.Match[str]) -> str:
        kind = "Hugo shortcodes" if match[1] is not None else "Liquid tags"
        words = (match[1] or match[2] or match[3] or "").strip(" -/*\n\t").split()
        found[kind].append(words[0].lstrip("/").strip('"') if words else "?")
        return ""

    body = _TEMPLATE.sub(remove, body)
    removed = {kind: ", ".join(_unique(names)[:10]) for kind, names in found.items() if names}
    return body, [f"{kind} removed: {names}" for kind, names in removed.items()]


def render_body(body: str, headline: str) -> tuple[str, str]:
    """(headline, sanitised HTML); without a headline, the first ``# `` heading becomes it."""
    env: dict[str, Any] = {}
    tokens = _md.parse(body, env)
    at, text = _first_heading(tokens, env)
    # The first heading is the headline, or a repeat of the title to drop.
    if text and (not headline or (at == 0 and text.casefold() == headline.casefold())):
        headline = headline or text
        del tokens[at : at + 3]
    for token in tokens:
        if token.tag == "h1":  # the page's only <h1> is the headline
            token.tag = "h2"
    return headline, sanitise_html(_md.renderer.render(tokens, _md.options, env))


def _first_heading(tokens: list[Token], env: dict[str, Any]) -> tuple[int, str]:
    """The index and plain text of the first ``# `` heading that has any text."""
    for at, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            inline = tokens[at + 1].children or []
            inline_html = _md.renderer.renderInline(inline, _md.options, env)  # type: ignore[attr-defined]
            text = _text(plain_text(inline_html))
            if text:
                return at, text
    return -1, ""


# --- the parser -------------------------------------------------------------------------------


def _names_of(origin: str) -> tuple[str, str, dt.date | None]:
    """(file name, key stem, Jekyll date): bundles are named by folder, Jekyll dates cut off."""
    path = PurePosixPath(origin.replace("\\", "/"))
    stem = path.parent.name if path.stem == "index" and path.parent.name else path.stem
    if match := _JEKYLL_NAME.fullmatch(stem):
        with suppress(ValueError):
            return path.name, match[2], dt.date.fromisoformat(match[1])
    return path.name, stem, None


def _source_key(meta: dict[str, Any], stem: str, pub_date: dt.datetime | None) -> str:
    """Slug (or file name) and day: the same post imported again, from anywhere, updates."""
    slug = "-".join(_text(meta.get("slug")).split())
    if slug and (suffix := _LANGUAGE_SUFFIX.search(stem)):
        slug = f"{slug}.{suffix[1]}"  # translations of one post share a slug, not a key
    day = pub_date.date().isoformat() if pub_date else "undated"  # the day as written
    return f"markdown:{(slug or stem)[:200]}:{day}"


def _zone(name: str, origin: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, TypeError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise error(f"unknown time zone {name!r}", origin) from None


def read_markdown(data: bytes, *, origin: str, options: ParseOptions) -> ImportedArticle:
    zone = _zone(options.time_zone, origin)
    text = decode(data, origin)
    front = split_front_matter(text, origin)
    body, notes = strip_templates(front.body)
    headline, body_html = render_body(body, _text(front.meta.get("title")))
    if not headline:
        raise error("no title in the front matter and no '# ' heading", origin)
    if len(headline) > HEADLINE_CHARS:
        raise error(f"the title is longer than {HEADLINE_CHARS} characters", origin)
    name, stem, file_day = _names_of(origin)
    pub_date = _pub_date(front, zone, origin)
    if pub_date is None and file_day is not None:
        pub_date = dt.datetime.combine(file_day, dt.time(), tzinfo=zone)
        notes.append("date taken from the file name")
    if _RELATIVE_IMAGE.search(body_html):
        notes.append("the body shows images by relative address: upload them and fix the links")
    return ImportedArticle(
        headline=headline,
        source_key=_source_key(front.meta, stem, pub_date),
        pub_date=pub_date,
        body_html=body_html,
        status="draft" if _is_draft(front.meta) else "",
        origin=origin,
        where=name,
        notes=notes,
        original=text,  # whole: the file is capped at MAX_BYTES
        **_fields(front.meta, stem, notes),
    )


class MarkdownParser:
    """The ``markdown`` import format: one Hugo, Jekyll or Pelican post per file."""

    name = "markdown"

    def detect(self, head: bytes, *, filename: str = "") -> bool:
        if (filename or "").lower().endswith(EXTENSIONS):
            return True
        return re.match(rb"(?:\xef\xbb\xbf)?(?:---|\+\+\+)[ \t]*\r?\n", head or b"") is not None

    def parse(
        self, source: Input, *, origin: str, options: ParseOptions
    ) -> Iterator[ImportedArticle | SkippedItem]:
        name = PurePosixPath(origin.replace("\\", "/")).name
        if name.lower() in SECTION_PAGES:
            return iter([SkippedItem(where=name, reason="section page")])
        # Eager, so that a refusal is raised by the call rather than on first iteration.
        data = read_capped(source, MAX_BYTES, origin=origin)
        return iter([read_markdown(data, origin=origin, options=options)])


parser = MarkdownParser()
