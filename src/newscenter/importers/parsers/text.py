"""Plain text of one web page -> one article.

Scrapers and copy-paste give us a page's words without its markup: banner alt
text, menus and breadcrumbs above the article, share links and footers below
it. The article is found by its shape (a headline, a short date line, then
paragraphs of prose); pages without that shape (listings, contact and product
pages) are refused rather than imported as nonsense.
"""

# Full-width colons, typographic dashes and quotes below are deliberate: pages use them.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from newscenter.importers.parsers.base import (
    HEAD_BYTES,
    ImportedArticle,
    ImportParseError,
    Input,
    ParseOptions,
    as_stream,
    content_key,
)
from newscenter.importers.parsers.dates import DateReader, date_line
from newscenter.importers.parsers.lines import (
    decode,
    ends_sentence,
    is_byline,
    is_chrome,
    is_headline,
    is_prose,
    is_stop,
    normalise,
)
from newscenter.news.rendering import paragraphs_to_html

MAX_BYTES = 5 * 1024 * 1024
MAX_UNITS = 2000  # paragraphs and lines; far beyond any one article
DATE_SEARCH_UNITS = 60  # the publication date sits near the top of the page

# --- the page as units ------------------------------------------------------------------


def _decode_or_refuse(data: bytes, origin: str) -> str:
    if len(data) > MAX_BYTES:
        raise ImportParseError(
            f"the input is {len(data):,} bytes; the limit for one page is {MAX_BYTES:,}",
            where=origin,
        )
    text = decode(data)
    if text is not None:
        return text
    if b"\x00" in data:
        raise ImportParseError("the input contains NUL bytes: binary data, not text", where=origin)
    raise ImportParseError(
        "the input is not UTF-8 text (nor UTF-16 with a byte-order mark, nor Windows-1252)",
        where=origin,
    )


def page_units(text: str) -> list[str]:
    """Paragraphs and lines, whitespace squashed; hard-wrapped prose rejoined."""
    units: list[str] = []
    for block in re.split(r"\n{2,}", text):
        units.extend(_block_units(block))
    return units


def _block_units(block: str) -> list[str]:
    lines = [" ".join(line.split()) for line in block.split("\n") if line.strip()]
    if _is_hard_wrapped(lines):
        return [" ".join(lines)]
    units: list[str] = []
    for line in lines:
        if units and _continues(units[-1], line):
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
    return units


def _is_hard_wrapped(lines: list[str]) -> bool:
    """One paragraph broken at a fixed width, as e-mail and copy-paste from PDFs leave it."""
    inner = lines[:-1]
    if len(lines) < 3 or len(lines[-1]) > 100 or any(date_line(line) for line in lines):
        return False  # two lines are joined only by _continues: they may be headline and text
    if not all(45 <= len(line) <= 100 for line in inner):
        return False
    return sum(not ends_sentence(line) for line in inner) * 2 > len(inner)


def _continues(previous: str, line: str) -> bool:
    # A long line cut mid-sentence, followed by a lower-case word.
    return len(previous) >= 40 and not ends_sentence(previous) and line[0].islower()


# --- the article ----------------------------------------------------------------------------

_CONTACT = re.compile(
    r"(?i)^(?:tel|phone|telephone|fax|telefax|mobile|e-?mail|address|adresse|anschrift|telefon"
    r"|电话|传真|邮箱|地址|手机)\b|[\w.+-]+@[\w-]+\.\w|^\+?\d[\d ()/-]{6,}\d$|^\d{4,6} \w"
    r"|stra(?:ß|ss)e \d|\b(?:street|road|avenue)\b"
)
_SHOP = re.compile(
    r"(?i)add to (?:cart|basket|quote)|request a quote|buy now|in stock|out of stock|\bprice\b"
    r"|\bsku\b|item no|model no|datasheet|data sheet|specifications|technical data"
    r"|technische daten|in den warenkorb|\bpreis\b|artikelnummer|jetzt kaufen|angebot anfordern"
    r"|型号|规格|价格|加入购物车|立即购买|询价"
)
_KEY_VALUE = re.compile(r"[^\W\d_][\w .()/-]{0,30}[:：]\s?\S")


@dataclass(frozen=True)
class Anchor:
    """Where the article starts: its headline and, when it has one, its date line."""

    headline_at: int
    headline: str
    date_at: int | None = None
    pub_date: dt.datetime | None = None


def find_anchor(units: list[str], reader: DateReader) -> Anchor | None:
    prose_seen = 0
    for index, unit in enumerate(units[:DATE_SEARCH_UNITS]):
        if prose_seen > 2:
            break  # past the top of the article: a date now would be one the text mentions
        anchor = _dated_anchor(units, index, reader)
        if anchor is not None:
            return anchor
        prose_seen += is_prose(unit)
    return _undated_anchor(units)


def _dated_anchor(units: list[str], index: int, reader: DateReader) -> Anchor | None:
    line = date_line(units[index])
    if line is None:
        return None
    headline_at = index if line.headline else _headline_near(units, index)
    if headline_at is None or not _prose_follows(units, max(index, headline_at)):
        return None
    pub_date = reader.read(line.match)
    if pub_date is None:
        return None
    return Anchor(headline_at, line.headline or units[headline_at], index, pub_date)


def _undated_anchor(units: list[str]) -> Anchor | None:
    for index, unit in enumerate(units):
        if is_prose(unit) and (headline_at := _headline_before(units, index)) is not None:
            return Anchor(headline_at, units[headline_at])
    return None


def _headline_near(units: list[str], index: int) -> int | None:
    before = _headline_before(units, index)
    return before if before is not None else _headline_after(units, index)


def _headline_before(units: list[str], index: int) -> int | None:
    skipped_prose = False
    for at in range(index - 1, max(index - 5, -1), -1):
        if _is_meta(units[at]):
            continue
        if is_headline(units[at]):
            return at
        if is_prose(units[at]) and not skipped_prose:
            skipped_prose = True  # a standfirst printed above the date line
            continue
        return None
    return None


def _is_meta(unit: str) -> bool:
    """A byline, a date line we could not read, "Nov 28", "10:30": between headline and text."""
    if is_byline(unit) or date_line(unit):
        return True
    short = len(unit) <= 30 and len(unit.split()) <= 4 and not is_headline(unit)
    return short and any(ch.isdigit() for ch in unit)


def _headline_after(units: list[str], index: int) -> int | None:
    for at in range(index + 1, min(index + 3, len(units))):
        if not (is_byline(units[at]) or is_chrome(units[at])):
            return at if is_headline(units[at]) else None
    return None


def _prose_follows(units: list[str], index: int) -> bool:
    return any(is_prose(unit) for unit in units[index + 1 : index + 5])


def article_units(units: list[str], anchor: Anchor) -> list[str]:
    """The standfirst and body: what follows the headline, up to where the page's footer starts."""
    content: list[str] = []
    for at in range(anchor.headline_at + 1, len(units)):
        unit = units[at]
        if at == anchor.date_at or unit == anchor.headline or is_chrome(unit):
            continue
        if is_stop(unit) or (content and _is_unlabelled_date(unit)):
            break  # a dated line after the text starts the related-news list
        if content or not _is_meta(unit):
            content.append(unit)
    return content


def _is_unlabelled_date(unit: str) -> bool:
    line = date_line(unit)
    return line is not None and not line.labelled


def trim_tail(content: list[str]) -> list[str]:
    """Drop what trails the last sentence: related headlines, menus, a lone contact line."""
    end = len(content)
    while end and not (ends_sentence(content[end - 1]) or is_prose(content[end - 1])):
        end -= 1
    return content[:end]


def _looks_like_listing(units: list[str]) -> bool:
    """Several dated lines, none followed by more than a teaser: an index of news, not news."""
    prose_between = [0]
    for unit in units:
        if date_line(unit) is not None:
            prose_between.append(0)
        elif is_prose(unit):
            prose_between[-1] += 1
    return len(prose_between) > 3 and max(prose_between) < 2


def _form_lines(content: list[str]) -> int:
    """Addresses, phone numbers, prices and specifications: what contact and product pages are."""
    return sum(
        1
        for unit in content
        if len(unit) <= 100
        and not is_prose(unit)
        and (_CONTACT.search(unit) or _SHOP.search(unit) or _KEY_VALUE.match(unit))
    )


# --- the parser -----------------------------------------------------------------------------


def read_article(data: bytes, *, origin: str, options: ParseOptions) -> ImportedArticle:
    reader = DateReader(_zone(options.time_zone, origin))
    if not data:
        raise ImportParseError("the input is empty", where=origin)
    text = normalise(_decode_or_refuse(data, origin))
    if not text.strip():
        raise ImportParseError("the input contains only whitespace", where=origin)
    units = page_units(text)
    _refuse_non_article_page(units, origin)
    anchor = find_anchor(units, reader)
    if anchor is None:
        raise ImportParseError(
            "no headline found: no short title line above the first paragraph", where=origin
        )
    content = article_units(units, anchor)
    _refuse_thin_article(content, anchor, origin)
    content = trim_tail(content)
    return ImportedArticle(
        headline=anchor.headline,
        source_key=content_key("text", text.encode("utf-8")),
        pub_date=anchor.pub_date,
        standfirst=content[0],
        body_html=paragraphs_to_html(content[1:]),
        origin=origin,
    )


def _zone(name: str, origin: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, TypeError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise ImportParseError(f"unknown time zone {name!r}", where=origin) from None


def _refuse_non_article_page(units: list[str], origin: str) -> None:
    if len(units) > MAX_UNITS:
        raise ImportParseError(
            f"the page has more than {MAX_UNITS} paragraphs and lines: not one article",
            where=origin,
        )
    if not any(is_prose(unit) for unit in units):
        raise ImportParseError(
            "no paragraph of prose: this looks like a product, contact or index page, "
            "not an article",
            where=origin,
        )
    if _looks_like_listing(units):
        raise ImportParseError(
            "several dated headlines without article text: this looks like a news listing, "
            "not one article",
            where=origin,
        )


def _refuse_thin_article(content: list[str], anchor: Anchor, origin: str) -> None:
    prose = sum(is_prose(unit) for unit in content)
    forms = _form_lines(content)
    if forms >= 3 and forms >= prose:
        raise ImportParseError(
            f"more address, price or specification lines ({forms}) than paragraphs of prose "
            f"({prose}): this looks like a contact or product page, not an article",
            where=origin,
        )
    if prose == 0 or (anchor.pub_date is None and prose < 2):
        raise ImportParseError(
            "too little article text under the headline: "
            "an article needs a date and a paragraph, or at least two paragraphs",
            where=origin,
        )


class TextParser:
    """The ``text`` import format: the plain text of one web page, as scrapers produce it."""

    name = "text"

    def detect(self, head: bytes, *, filename: str = "") -> bool:
        # A sample is enough to tell text from markup; a huge file is refused by parse().
        text = decode(head[:HEAD_BYTES], final=False)
        start = (text or "").lstrip()[:1]
        return bool(start) and start not in "<{["

    def parse(
        self, source: Input, *, origin: str, options: ParseOptions
    ) -> Iterator[ImportedArticle]:
        # Eager, so that a refusal is raised by the call rather than on first iteration.
        data = as_stream(source).read(MAX_BYTES + 1)  # one byte over is enough to refuse
        return iter([read_article(data, origin=origin, options=options)])


parser = TextParser()
