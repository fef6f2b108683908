"""Body HTML: one allow-list for every input path (editor, paste, imports).

Editors below admin are not trusted with raw HTML, so nothing reaches the
database without passing :func:`sanitise_html`. The allow-list is deliberately
small: text structure, links, images, tables and figures (a figure may be a video or a
pull quote, by its class: news.blocks). No script, style,
iframe, object, embed, svg, form, base or meta; no ``on*`` or ``style``
attributes; URLs only http(s), mailto and relative.
"""

from __future__ import annotations

import collections
import html
import re
import threading
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import nh3
from django.utils.html import conditional_escape

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
        "strong", "b", "em", "i", "u", "s", "sub", "sup", "mark", "small", "code", "pre",
        "blockquote", "q", "cite", "abbr", "ul", "ol", "li", "dl", "dt", "dd",
        "a", "img", "figure", "figcaption",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height", "title"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "ol": {"start", "reversed"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Body blocks the desk inserts (news.blocks): a figure may say which kind it is, and only so.
ALLOWED_CLASSES = {"figure": frozenset({"video-embed", "pull-quote"})}

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
    # Outbound links must not hand our window to the target, nor pass rank to it.
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


# nh3's time grows with the square of the nesting depth (40,000 nested <div>: 13 s). Real
# articles hold a few hundred tags; past this many, the markup is treated as text.
MAX_TAGS = 5_000
_TAG = re.compile(r"<[^<>]*>?")


def escape(value: Any) -> str:
    """``conditional_escape(value)``'s text; a plain string escaped by html.escape alone.

    Pages that write their markup in Python (teasers, pictures) escape a few hundred values
    each, and conditional_escape's checks for lazy and safe strings cost more than escaping.
    """
    return html.escape(value) if type(value) is str else conditional_escape(value)


def sanitise_html(markup: str) -> str:
    """Reduce ``markup`` to the allow-list. Idempotent: sanitising twice changes nothing."""
    markup = markup or ""
    known = _kept.get(markup)
    if known is not None:
        return known
    clean = _sanitised(markup)
    _kept.keep(markup, clean)
    return clean


class _Kept:
    """The latest results, by the text given and by the result itself (sanitising is
    idempotent: a result is its own sanitised form), at most ``count`` texts and ``chars``
    characters of them. An import's parser sanitises each body and the service that stores
    it sanitises it again (2,000 posts, 2,000 more passes of nh3), as the desk's form and the
    save that follows do (nh3 takes about half a second for a body of 200,000 character
    references). What comes back is always the plain ``str`` made here, never a SafeString
    given in."""

    def __init__(self, count: int, chars: int) -> None:
        self.count, self.chars = count, chars
        self.kept: collections.OrderedDict[str, str] = collections.OrderedDict()
        self.kept_chars = 0
        self.lock = threading.Lock()

    def get(self, markup: str) -> str | None:
        with self.lock:
            return self.kept.get(markup)

    def keep(self, markup: str, clean: str) -> None:
        with self.lock:
            for text in (markup, clean):
                if text not in self.kept:
                    self.kept[text] = clean
                    self.kept_chars += len(text)
            while len(self.kept) > self.count or self.kept_chars > self.chars:
                self.kept_chars -= len(self.kept.popitem(last=False)[0])


# An import's batch of 500 bodies waits between its parse and its save: the latest 1,000
# texts, at most 4 million characters of them, kept (as much text as the batch holds anyway).
_kept = _Kept(count=1000, chars=4_000_000)


def _sanitised(markup: str) -> str:
    if markup.count("<") > MAX_TAGS:
        return paragraphs_to_html(_TAG.sub(" ", markup).split("\n\n"))
    # nh3 leaves an empty class where none of a figure's classes was allowed (the editor's
    # own "figure"); a "<figure" in text is escaped, so this meets tags only. A carriage
    # return can only come out of a character reference ("&#13;", "&#xd;"): parsing turns a
    # written one into a line feed, so written out as it is it would not read back as itself.
    clean = _cleaner.clean(markup).replace('<figure class="">', "<figure>").strip()
    return clean.replace("\r", "&#13;")


def paragraphs_to_html(paragraphs: Iterable[str]) -> str:
    """Plain-text paragraphs as escaped ``<p>`` elements (the text importer's output)."""
    return "".join(f"<p>{html.escape(p.strip(), quote=False)}</p>" for p in paragraphs if p.strip())


def plain_text(markup: str) -> str:
    """The visible text of any HTML, for excerpts and search."""
    markup = markup or ""
    if markup.count("<") > MAX_TAGS:
        return html.unescape(_TAG.sub(" ", markup)).strip()
    return html.unescape(nh3.clean(markup, tags=set())).strip()


# A tag of sanitised markup: nh3 writes every attribute value in double quotes, so a ">"
# inside one is inside quotes.
_SANITISED_TAG = re.compile(r'<(?:[^>"]|"[^"]*")*>')


def text_of(body: str) -> str:
    """The visible text of a body that passed :func:`sanitise_html` (as stored): its tags
    dropped without parsing it again, which an index of a million articles does often."""
    return html.unescape(_SANITISED_TAG.sub("", body or "")).strip()


# --- what the allow-list drops, in words ---------------------------------------------------

# Elements nh3 drops with everything inside them (ammonia's clean_content_tags); of the
# others only the tags go and their text stays.
DROPPED_WITH_CONTENT = frozenset({"script", "style"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})


def discarded(markup: str, *, unreported: dict[str, frozenset[str]] | None = None) -> list[str]:
    """What :func:`sanitise_html` would remove from ``markup``, named for the person who
    wrote it ("<script> with its content", "<iframe> from www.example.com", "onclick
    attributes", "javascript: addresses"), each once, in the order first met. Empty when
    nothing would be lost. The desk says this before it applies an editor's HTML.

    ``unreported`` maps a tag (or "*" for any) to attributes not worth naming, and a tag to
    the empty set for an element not worth naming: what an editor writes by itself."""
    if markup.count("<") > MAX_TAGS:
        return [f"all markup (more than {MAX_TAGS:,} tags: the text is kept)"]
    finder = _Discards(unreported or {})
    finder.feed(markup or "")
    finder.close()
    return list(finder.found)


class _Discards(HTMLParser):
    def __init__(self, unreported: dict[str, frozenset[str]]) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, None] = {}
        self.unreported = unreported

    def _say(self, words: str) -> None:
        self.found.setdefault(words, None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            if self.unreported.get(tag) != frozenset():
                self._say(_element_words(tag, dict(attrs)))
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set())
        quiet = self.unreported.get(tag, frozenset()) | self.unreported.get("*", frozenset())
        for name, value in attrs:
            if name in quiet or (tag == "a" and name == "rel"):  # link_rel writes its own rel
                continue
            if name == "class" and tag in ALLOWED_CLASSES:
                if set((value or "").split()) - ALLOWED_CLASSES[tag]:
                    self._say("class attributes")
            elif name not in allowed:
                self._say(f"{name} attributes")
            elif name in URL_ATTRIBUTES and value and (scheme := _scheme(value)):
                self._say(f"{scheme}: addresses")

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self._say("comments")


def _element_words(tag: str, attrs: dict[str, str | None]) -> str:
    if tag in DROPPED_WITH_CONTENT:
        return f"<{tag}> with its content"
    host = urlsplit(attrs.get("src") or "").hostname if tag in {"iframe", "embed"} else None
    if host:
        return f"<{tag}> from {host}"
    return f"<{tag}> (its text is kept)"


def _scheme(url: str) -> str:
    """The scheme of ``url`` when the allow-list refuses it, else ""."""
    compact = "".join(url.split()).lower()
    scheme, colon, _ = compact.partition(":")
    if not colon or "/" in scheme or "?" in scheme or "#" in scheme:
        return ""  # a relative address
    return "" if scheme in URL_SCHEMES else scheme
