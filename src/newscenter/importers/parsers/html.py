"""A saved web page (HTML) -> one article.

trafilatura finds the article's text and drops the page around it (menus, share links,
related news, footers); :mod:`html_meta` reads the headline, date and the rest from the
page's own metadata. Pages that are not one article (home pages, listings) are refused.

Nothing is fetched and nothing runs: we decode and parse the bytes ourselves (lxml, no
network), hand trafilatura that tree rather than a URL, bound its work by the size of the
tree, and pass its output through the one sanitiser.
"""

from __future__ import annotations

import codecs
import copy
import re
from collections import Counter
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from newscenter.importers.parsers.base import (
    ImportedArticle,
    ImportParseError,
    Input,
    ParseOptions,
    content_key,
    read_capped,
)
from newscenter.importers.parsers.dates import date_line
from newscenter.importers.parsers.html_meta import PageMeta, read_meta
from newscenter.importers.parsers.html_values import squash
from newscenter.importers.parsers.lines import cjk_chars, decode, is_byline
from newscenter.news.rendering import sanitise_html

MAX_BYTES = 5 * 1024 * 1024
# trafilatura's time grows with the tree, and its readability/justext comparison grows with
# the square of the paragraphs (20 s for 10,000 <div><p> pairs); see the adversarial tests.
MAX_ELEMENTS = 10_000  # after scripts, styles and SVG are dropped; article pages have ~1,000-5,000
# libxml2 checks an element's attributes for duplicates pairwise: 100,000 on one tag take minutes.
MAX_ATTRIBUTES = 500
MAX_TEXT_CHARS = 500_000  # a long report is 100,000
FULL_EXTRACTION_ELEMENTS = 3_000  # larger trees skip the quadratic comparison
# The default-mode run beside the precise one, on pages up to this size (the benchmark's 181
# real pages have at most 1,538 elements and 91,282 characters once scripts are dropped).
SECOND_RUN_ELEMENTS = 2_000
SECOND_RUN_CHARS = 150_000
MIN_WORDS = 40
PARAGRAPH_WORDS = 25  # an article has at least one paragraph this long; teasers do not
# ... or, short-form (results, standings), several sentences or a table of data rows.
SENTENCE_WORDS = 8
SHORT_FORM_SENTENCES = 4
TABLE_ROWS = 5
LEDE_WORDS = 4  # a standfirst of more words that starts the body is the lede again
PRECISE_SHARE = 0.9  # of the default run's words the precise run must keep to be chosen
FILL_SHARE = 0.2  # how many words again the default run may add inside the precise run's text
ORIGINAL_CHARS = 200_000
CHARSET_SNIFF_BYTES = 8192  # browsers look at 1,024; saved pages often start with a long comment
SOURCE_KEY_CHARS = 300  # Article.import_key

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32 BOMs start alike
_META_CHARSET = re.compile(rb"<meta\s[^>]{0,500}?charset\s*=\s*[\"']?\s*([\w.:-]{1,40})", re.I)
# Labels browsers read differently from Python (WHATWG Encoding), and text codecs that are no
# charset of a web page (UTF-7 above all: browsers refuse it because it hides markup).
_CHARSET_ALIASES = {"ascii": "cp1252", "iso8859-1": "cp1252", "utf-16-le": "utf-8",
                    "utf-16-be": "utf-8", "utf-16": "utf-8", "utf-32": "utf-8", "utf-7": None,
                    "unicode-escape": None, "raw-unicode-escape": None, "idna": None,
                    "punycode": None, "undefined": None}  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in lxml's trees
_DROPPED = ("script", "style", "noscript", "template", "svg", "math", "iframe", "frame", "object",
            "embed", "applet", "canvas", "video", "audio", "link", "meta", "base")  # fmt: skip
_BLOCK_PARENTS = frozenset({"body", "div", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot",
                            "tr", "blockquote", "figure", "section"})  # fmt: skip
_TEXT_BLOCKS = frozenset({"p", "li", "dt", "dd", "td", "th", "pre", "h2", "h3", "h4", "h5", "h6",
                          "figcaption", "caption"})  # fmt: skip
_SENTENCE_ENDS = (".", "!", "?", ".\u201d", '."', "\u3002")
_WORD = re.compile(r"\w+")
_LONG_TAG = re.compile(r"<[A-Za-z][^<>]{4000,}")  # only long tags can carry many attributes
_ATTRIBUTE = re.compile(r"\s[^\s=<>\"']+\s*=")
_ABSOLUTE_LINK = re.compile(r"(?:https?://|mailto:)\S", re.I)
_FEED_TAG = re.compile(r"<(?:rss|feed|rdf:rdf|channel)[\s>]")
_PARSER = lxml.html.HTMLParser(
    encoding="utf-8",  # we decode: a <meta charset> inside must not re-decode our UTF-8
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    default_doctype=False,
    collect_ids=False,
    huge_tree=False,  # libxml2's depth and size limits stay on
)


# --- bytes to a document --------------------------------------------------------------------


def decode_page(data: bytes, *, origin: str, notes: list[str]) -> str:
    """Text by BOM, else by UTF-8 or the declared charset, else as Windows-1252."""
    if data.startswith(_BOMS):
        text = decode(data)
    elif b"\x00" in data:
        raise ImportParseError(
            "the input contains NUL bytes: binary data, not a web page", where=origin
        )
    else:
        text = _decode_declared(data, notes)
    if text is None:
        raise ImportParseError(
            "the input is not text in its declared charset, UTF-8 or Windows-1252", where=origin
        )
    return text


def _decode_declared(data: bytes, notes: list[str]) -> str | None:
    declared = _declared_charset(data[:CHARSET_SNIFF_BYTES])
    # Valid UTF-8 beyond ASCII is UTF-8 whatever the page declares: re-saved pages keep an old
    # declaration. Pure ASCII may still be a 7-bit charset (ISO-2022-JP) when declared so.
    for encoding in filter(None, [declared] if data.isascii() else ["utf-8", declared]):
        try:
            return data.decode(encoding)
        except (ValueError, LookupError):  # UnicodeDecodeError is a ValueError
            continue
    if declared:
        notes.append(f"the page declares the charset {declared} but is not written in it")
    return decode(data)


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    if match is None:
        return None
    try:
        codec = codecs.lookup(match.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None
    if not getattr(codec, "_is_text_encoding", True):
        return None  # "zlib", "hex", "rot13": codecs, but not charsets
    return _CHARSET_ALIASES.get(codec.name, codec.name)


def parse_document(text: str, *, origin: str) -> HtmlElement:
    _check_attributes(text, origin)
    clean = _CONTROL.sub(" ", text).encode("utf-8")
    try:
        return lxml.html.document_fromstring(clean, parser=_PARSER)
    except (lxml.etree.LxmlError, ValueError):
        raise ImportParseError(
            "no HTML document could be read from the input", where=origin
        ) from None


def _check_attributes(text: str, origin: str) -> None:
    for tag in _LONG_TAG.finditer(text):
        if len(_ATTRIBUTE.findall(tag.group())) > MAX_ATTRIBUTES:
            raise ImportParseError(
                f"an HTML tag has more than {MAX_ATTRIBUTES} attributes: not a real page",
                where=origin,
            )


# --- the body ---------------------------------------------------------------------------------


def article_body(doc: HtmlElement, meta: PageMeta, *, origin: str) -> tuple[str, str]:
    """The article's text as sanitised HTML, without the headline and lines it repeats; and
    the standfirst, which may change when the body shows it (see :func:`_lede`).

    trafilatura runs twice (once on pages past SECOND_RUN_*): favouring precision (no chrome),
    and in its default mode. The precise text is kept unless it lost real text the default run
    found: unless it is refused for too little text where the default run is not, or keeps
    less than :data:`PRECISE_SHARE` of its words (on the extraction benchmark, pages where
    favor_precision left only a "reprints" box, or half of a news story); when kept, the
    default run's blocks between its first and last block fill it (:func:`_filled_between`).
    So the importer is never worse than the extractor it wraps (bench/extraction.py).
    """
    lxml.etree.strip_elements(doc, *_DROPPED, with_tail=False)  # their content is never text
    elements, chars = _check_size(doc, origin)
    fast = elements > FULL_EXTRACTION_ELEMENTS
    # Large pages run once: trafilatura's time grows with the tree (see MAX_ELEMENTS).
    second = elements <= SECOND_RUN_ELEMENTS and chars <= SECOND_RUN_CHARS
    default_doc = copy.deepcopy(doc) if second else None  # trafilatura prunes what it is given
    body, standfirst, (refusal, thin) = _run(doc, meta, fast=fast, precise=True, origin=origin)
    if default_doc is not None:
        # fast: no second readability/justext comparison, the costly part on odd markup
        default = _run(default_doc, meta, fast=True, precise=False, origin=origin)
        # A thin precise run may have lost the text; a listing stays refused either way.
        if not default[2][0] and (thin or _words(body) < PRECISE_SHARE * _words(default[0])):
            body, standfirst, (refusal, thin) = default
        elif not refusal and body is not None and default[0] is not None:
            body = _filled_between(body, default[0])
    if refusal:
        raise ImportParseError(
            f"no article text found: is this a listing or a home page? ({refusal})", where=origin
        )
    return sanitise_html(_serialise(body)), standfirst


_Run = tuple[HtmlElement | None, str, tuple[str, bool]]  # body, standfirst, (refusal, thin)


def _filled_between(precise: HtmlElement, default: HtmlElement) -> HtmlElement:
    """The precise run's text with what the default run found between its first and last
    blocks: paragraphs favor_precision drops from inside an article (a short paragraph, a
    source's address on its own line) are text; chrome sits around the article, not inside.
    Only when every precise block is found, in order, among the default run's blocks, and the
    span adds at most a fifth again of the words."""
    # An emptied block (favor_precision may leave a paragraph's element, not its words) is
    # skipped: the default run's block stands in its place.
    ours = [text for child in precise if (text := squash(child.text_content()))]
    theirs = [squash(child.text_content()) for child in default]
    if not ours or ours[0] not in theirs:
        return precise
    start = theirs.index(ours[0])
    matched = start
    for text in ours[1:]:
        try:
            matched = theirs.index(text, matched + 1)
        except ValueError:
            return precise  # the two runs disagree on the article's blocks: keep the precise
    kept = set(ours)
    span = [
        child
        for child, text in zip(list(default)[start : matched + 1], theirs[start : matched + 1],
                               strict=True)
        if text in kept or _is_inner_text(text)
    ]  # fmt: skip
    if len(span) == len(ours) == len(precise):
        return precise
    added = sum(_word_count(squash(child.text_content())) for child in span) - _words(precise)
    if added > FILL_SHARE * _words(precise):
        return precise
    for child in list(precise):
        precise.remove(child)
    precise.extend(copy.deepcopy(child) for child in span)
    return precise


def _run(doc: HtmlElement, meta: PageMeta, *, fast: bool, precise: bool, origin: str) -> _Run:
    extracted = _extract(doc, base_url=meta.canonical_url, fast=fast, precise=precise,
                         origin=origin)  # fmt: skip
    body, standfirst = _tidy(extracted, meta) if extracted else (None, meta.standfirst)
    return body, standfirst, _refusal(body, standfirst)


# Promotions set inside an article: "Click here to subscribe ...", "GET THE APP BY CLICKING HERE".
_PROMOTION = re.compile(r"(?i)\bclick(?:ing)? here\b|\bsubscribe\b|\bnewsletter\b|\bsign up\b")


def _is_inner_text(text: str) -> bool:
    """A block the default run found inside the article that may fill it: not a promotion,
    nor a line in capitals (a link to another story, shouted)."""
    if not text or _PROMOTION.search(text):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    return not (len(text.split()) >= 3 and all(ch.isupper() for ch in letters))


def _words(body: HtmlElement | None) -> int:
    return 0 if body is None else _word_count(body.text_content())


def _refusal(body: HtmlElement | None, standfirst: str) -> tuple[str, bool]:
    """Why the text is not one article ("" when it is), and whether it is for too little text."""
    units = _text_units(body) if body is not None else []
    # The standfirst counts: it is often the lede, dropped from the body as a repeat.
    words = sum(map(_word_count, [standfirst, *units]))
    if words < MIN_WORDS:
        return f"{words} words of main text; an article needs at least {MIN_WORDS}", True
    if max(map(_word_count, units), default=0) < PARAGRAPH_WORDS and not _short_form(body):
        return f"only snippets of text, no paragraph of {PARAGRAPH_WORDS} words or more", True
    if _looks_like_listing(units):
        return "several dates, each followed by a line or two of text", False
    if body is not None and (link := _repeated_link_line(body)):
        return f"the link {link!r} alone on a line again and again, as under teasers", False
    return "", False


def _short_form(body: HtmlElement | None) -> bool:
    """Text of real content without a long paragraph: results in short sentences, a table."""
    if body is None:
        return False
    sentences = 0
    for element in body.iter(*_TEXT_BLOCKS):
        text = squash(element.text_content())
        links = sum(len(squash(link.text_content())) for link in element.iter("a"))
        if (_word_count(text) >= SENTENCE_WORDS and text.endswith(_SENTENCE_ENDS)
                and links * 2 < len(text)):  # fmt: skip
            sentences += 1
    rows = [row for row in body.iter("tr") if len(row.findall("td")) >= 2]
    return sentences >= SHORT_FORM_SENTENCES or len(rows) >= TABLE_ROWS


def _looks_like_listing(units: list[str]) -> bool:
    """Dated teasers: several date lines, none followed by more than one paragraph."""
    paragraphs_after = [0]
    for unit in units:
        if _is_date_line(unit):
            paragraphs_after.append(0)
        elif _word_count(unit) >= 10:
            paragraphs_after[-1] += 1
    return len(paragraphs_after) > 3 and max(paragraphs_after[1:]) < 2


def _repeated_link_line(body: HtmlElement) -> str:
    """ "Read more" under every teaser: one link text alone on its line three times or more."""
    counts: Counter[str] = Counter()
    for link in body.iter("a"):
        parent, text = link.getparent(), squash(link.text_content())
        if text and parent is not None and squash(parent.text_content()) == text:
            counts[text.casefold()] += 1
    return next((text for text, count in counts.most_common(1) if count >= 3), "")


def _check_size(doc: HtmlElement, origin: str) -> tuple[int, int]:
    """The page's elements and characters of text, refused past the limits."""
    elements = sum(1 for _ in doc.iter())
    if elements > MAX_ELEMENTS:
        raise ImportParseError(
            f"the page has {elements:,} HTML elements besides scripts and styles; the limit "
            f"for one article is {MAX_ELEMENTS:,}",
            where=origin,
        )
    chars = len(doc.text_content())
    if chars > MAX_TEXT_CHARS:
        raise ImportParseError(
            f"the page has more than {MAX_TEXT_CHARS:,} characters of text: not one article",
            where=origin,
        )
    return elements, chars


def _extract(doc: HtmlElement, *, base_url: str, fast: bool, precise: bool, origin: str) -> str:
    # Imported here: it takes most of a second, and format detection imports every parser.
    import trafilatura

    try:
        return (
            trafilatura.extract(
                doc,  # a tree, never a URL: trafilatura fetches nothing from it
                url=base_url or None,  # only to make relative links absolute
                output_format="html",
                fast=fast,
                favor_precision=precise,
                include_comments=False,
                include_tables=True,
                include_images=False,
                include_links=True,
                with_metadata=False,
            )
            or ""
        )
    except Exception as exc:  # a third-party bug on odd markup is this page's error, not a crash
        raise ImportParseError(
            f"the article text could not be extracted ({type(exc).__name__})", where=origin
        ) from None


def _tidy(extracted: str, meta: PageMeta) -> tuple[HtmlElement | None, str]:
    tree = lxml.html.document_fromstring(extracted.encode("utf-8"), parser=_PARSER)
    body = tree.find("body")
    if body is None:
        return None, meta.standfirst
    standfirst = _drop_leading_furniture(body, meta)
    for element in body.iter():
        if element.tag == "h1":
            element.tag = "h2"  # the page's h1 is the headline, shown by our templates
        _drop_layout_whitespace(element)
    for pre in body.xpath(".//pre/pre"):
        pre.drop_tag()  # trafilatura turns <pre><code> into <pre><pre>
    return body, standfirst


def _drop_leading_furniture(body: HtmlElement, meta: PageMeta) -> str:
    """What trafilatura keeps above the text: headline, kicker, date line, byline, standfirst.

    Returns the standfirst: the page's, or none when the body starts with its words (a
    description cut from the lede would be read twice; the whole lede stays in the body).
    """
    repeated = {meta.headline.casefold(), meta.standfirst.casefold(), meta.section.casefold()}
    for child in list(body)[:6]:
        text = squash(child.text_content())
        if text.casefold() in repeated or _is_date_line(text) or is_byline(text):
            child.drop_tree()  # keeps the tail text
        elif text:
            break
    return _lede(body, meta.standfirst)


def _lede(body: HtmlElement, standfirst: str) -> str:
    # Words, not characters: descriptions straighten quotes and dashes ("-" for "—"), and
    # may run over two paragraphs. The last word may be cut ("… to play games a…").
    words = _WORD.findall(standfirst.casefold())[:-1]
    if len(words) < LEDE_WORDS:
        return standfirst
    start = _WORD.findall(body.text_content()[: len(standfirst) * 2].casefold())
    return "" if start[: len(words)] == words else standfirst


def _is_date_line(text: str) -> bool:
    line = date_line(text)
    return line is not None and not line.headline


def _drop_layout_whitespace(element: HtmlElement) -> None:
    """trafilatura pretty-prints; between blocks that whitespace means nothing."""
    if element.tag in _BLOCK_PARENTS and element.text and not element.text.strip():
        element.text = None
    parent = element.getparent()
    if (
        parent is not None
        and parent.tag in _BLOCK_PARENTS
        and element.tail
        and not element.tail.strip()
    ):
        element.tail = None


def _text_units(body: HtmlElement) -> list[str]:
    """Paragraphs, headings, list items and text loose in containers, in order."""
    units = []
    for element in body.iter():
        if element.tag in _TEXT_BLOCKS:
            units.append(element.text_content())
        elif element.tag in _BLOCK_PARENTS:
            units.append(element.text or "")
        parent = element.getparent()
        if parent is not None and parent.tag in _BLOCK_PARENTS:
            units.append(element.tail or "")
    return [text for unit in units if (text := squash(unit))]


def _serialise(body: HtmlElement | None) -> str:
    if body is None:
        return ""
    for link in body.xpath(".//a"):
        if not _ABSOLUTE_LINK.match(link.get("href") or ""):
            link.drop_tag()  # relative to a page we do not know: it would point into our site
    children = (lxml.html.tostring(child, encoding="unicode") for child in body)
    return (body.text or "") + "".join(children)


def _word_count(text: str) -> int:
    return len(text.split()) + cjk_chars(text) // 2  # CJK writes no spaces: ~2 characters a word


# --- the parser -------------------------------------------------------------------------------


def read_page(data: bytes, *, origin: str, options: ParseOptions) -> ImportedArticle:
    zone = _zone(options.time_zone, origin)
    if not data.strip():
        raise ImportParseError("the input is empty", where=origin)
    notes: list[str] = []
    text = decode_page(data, origin=origin, notes=notes)
    doc = parse_document(text, origin=origin)
    meta = read_meta(doc, zone=zone)
    if not meta.headline:
        raise ImportParseError(
            "no headline found: the page has no title, h1 or headline metadata", where=origin
        )
    body, standfirst = article_body(doc, meta, origin=origin)
    if len(text) > ORIGINAL_CHARS:
        notes.append(f"the stored original is cut at {ORIGINAL_CHARS:,} characters")
    return ImportedArticle(
        headline=meta.headline,
        source_key=_source_key(meta.canonical_url, data),
        pub_date=meta.pub_date,
        modified=meta.modified,
        standfirst=standfirst,
        body_html=body,
        source_name=meta.source_name,
        source_url=meta.canonical_url,
        canonical_url=meta.canonical_url,
        section=meta.section,
        tags=meta.tags,
        authors=meta.authors,
        language=meta.language,
        translation_key=_translation_key(meta.canonical_url, meta.alternates),
        origin=origin,
        where="page",
        lead_image_url=meta.image_url,
        lead_image_alt=meta.image_alt,
        notes=notes + meta.notes,
        original=text[:ORIGINAL_CHARS],
    )


def _translation_key(canonical_url: str, alternates: list[str]) -> str:
    """One name for the pages of a group, whichever of them is read: reciprocal hreflang links
    name the same pages, so the first address of them all (the page's own included) is it."""
    if not alternates:
        return ""
    return "hreflang:" + min([*alternates, *filter(None, [canonical_url])])[:300]


def _zone(name: str, origin: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, TypeError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise ImportParseError(f"unknown time zone {name!r}", where=origin) from None


def _source_key(canonical_url: str, data: bytes) -> str:
    """The page's address when it has one, so a page saved twice updates one article."""
    key = f"html:{canonical_url}"
    if canonical_url and len(key) <= SOURCE_KEY_CHARS:
        return key
    return (
        content_key("html:url", canonical_url.encode())
        if canonical_url
        else content_key("html", data)
    )


def _sniff_text(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore")  # head may end mid-character
    return head.removeprefix(codecs.BOM_UTF8).decode("latin-1")  # ASCII markup is all we need


def _skip_prolog(text: str) -> str:
    """What follows the XML declaration and comments ("<!-- saved from url=... -->")."""
    for _ in range(10):
        text = text.lstrip()
        end = "?>" if text.startswith("<?xml") else "-->" if text.startswith("<!--") else None
        if end is None:
            return text
        text = text.partition(end)[2]
    return text


class HtmlParser:
    """The ``html`` import format: one saved web page, as a browser's "Save page as" leaves it."""

    name = "html"

    def detect(self, head: bytes, *, filename: str = "") -> bool:
        text = _sniff_text(head[:4096]).lower()
        start = _skip_prolog(text)
        if _FEED_TAG.match(start) or _FEED_TAG.search(text[:1024]):
            return False  # RSS, Atom, RDF and WordPress exports are XML formats of their own
        if start.startswith(("<!doctype html", "<html")):
            return True
        if "<head" in text[:1024] or "<body" in text[:1024]:
            return True
        return filename.lower().endswith((".html", ".htm", ".xhtml")) and start.startswith("<")

    def parse(
        self, source: Input, *, origin: str, options: ParseOptions
    ) -> Iterator[ImportedArticle]:
        # Eager, so that a refusal is raised by the call rather than on first iteration.
        data = read_capped(source, MAX_BYTES, origin=origin)
        return iter([read_page(data, origin=origin, options=options)])


parser = HtmlParser()
