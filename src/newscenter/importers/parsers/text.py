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
from collections.abc import Callable, Iterator
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
from newscenter.importers.parsers.dates import DateReader, date_line, dates_in
from newscenter.importers.parsers.lines import (
    cjk_chars,
    decode,
    ends_sentence,
    is_byline,
    is_chrome,
    is_footer,
    is_prose,
    is_stop,
    normalise,
)
from newscenter.importers.parsers.text_dates import find_date
from newscenter.importers.parsers.text_headline import (
    candidates,
    choose,
    headline_over_deck,
    is_meta,
    is_salutation,
    is_truncated,
    title_shaped,
)
from newscenter.news.rendering import paragraphs_to_html

MAX_BYTES = 5 * 1024 * 1024
MAX_UNITS = 2000  # paragraphs and lines; far beyond any one article

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


# An image's file name left as its alt text: "IMG_2041.jpg", "PlantOpeningCrowd", "DSC01234".
_FILE_NAME = re.compile(
    r"[\w.-]{3,80}\.(?i:jpe?g|png|gif|webp|svg|tiff?|avif)"
    r"|(?=\w*\d)(?=\w*[A-Za-z])[A-Za-z0-9_-]*_[A-Za-z0-9_-]*|[A-Z]{2,}\d{3,}\w*"
    r"|(?=[A-Za-z]{8,}$)(?=[A-Za-z]*(?:[a-z][A-Z]|[A-Z]{2}[a-z]))[A-Z][A-Za-z]+"
)


_NUMBERED_FILE = re.compile(r"(?=[\w-]*\d)[\w-]*_[\w-]*(?: \d{1,3})?")


def _block_units(block: str) -> list[str]:
    lines = _join_split_dates(
        [" ".join(line.split()) for line in block.split("\n") if line.strip()]
    )
    if lines and _FILE_NAME.fullmatch(lines[0]):
        # An image: its file name, then on the very next line its caption; neither is text.
        lines = lines[2:] if len(lines) > 1 and _is_caption(lines[1]) else lines[1:]
    # A gallery's images, by file name and number: "plant_opening_2024 1", "plant_opening_2024 2".
    lines = [line for line in lines if "_" not in line or not _NUMBERED_FILE.fullmatch(line)]
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


def _join_split_dates(lines: list[str]) -> list[str]:
    """A date badge, one part a line ("12" / "Mar" / "2024"), as one date line."""
    joined: list[str] = []
    at = 0
    while at < len(lines):
        for size in (3, 2):
            parts = lines[at : at + size]
            if (
                len(parts) == size
                and all(len(part) <= 12 for part in parts)
                and any(len(part) == 4 and part.isdigit() for part in parts)  # a year alone
            ):
                text = " ".join(parts)
                found = dates_in(text)
                if found and found[0].group(0) == text.rstrip("."):
                    joined.append(text)
                    at += size
                    break
        else:
            joined.append(lines[at])
            at += 1
    return joined


def _is_caption(line: str) -> bool:
    """One sentence: what sits under a photo. (A line without a full stop may be a headline
    under a site's CamelCase name, and stays.)"""
    return len(line) <= 300 and ends_sentence(line) and len(re.findall(r"[.!?](?:\s|$)", line)) <= 1


def _continues(previous: str, line: str) -> bool:
    # A long line cut mid-sentence, followed by a lower-case word.
    return len(previous) >= 40 and not ends_sentence(previous) and line[0].islower()


# --- the article ----------------------------------------------------------------------------

_CONTACT = re.compile(
    r"(?i)^(?:tel|phone|telephone|fax|telefax|mobile|e-?mail|address|adresse|anschrift|telefon"
    r"|电话|传真|邮箱|地址|手机)\b|^\+?\d[\d ()/-]{6,}\d$|^\d{4,6} \w"
    r"|(?=[sra])(?:stra(?:ß|ss)e \d|\b(?:street|road|avenue)\b)"
)
# Apart, and only where there is an "@": tried at every position it is the dearest part.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.\w")
# The lookaheads below list the words' first letters: most places fail there, at once, rather
# than after every word of the alternation.
_SHOP = re.compile(
    r"(?i)(?=[abdijmoprst型规价加立询])"
    r"(?:add to (?:cart|basket|quote)|request a quote|buy now|in stock|out of stock|\bprice\b"
    r"|\bsku\b|item no|model no|datasheet|data sheet|specifications|technical data"
    r"|technische daten|in den warenkorb|\bpreis\b|artikelnummer|jetzt kaufen|angebot anfordern"
    r"|型号|规格|价格|加入购物车|立即购买|询价)"
)
_KEY_VALUE = re.compile(r"[^\W\d_][\w .()/-]{0,30}[:：]\s?\S")
# A web form's own words: "This is a required field", "Please enter a valid email address".
_FORM_UI = re.compile(
    r"(?i)(?=[acfilprsw])"
    r"(?:\brequired field\b|\bfield is required\b|please (?:enter|select|choose|fill)\b"
    r"|\binvalid (?:data|input|email|value)\b|\ban error (?:has )?occurred\b|\bwas a success\b"
    r"|\b(?:log|sign) (?:in|out)\b|\bforgot (?:your )?password\b|\bcaptcha\b)"
)


@dataclass(frozen=True)
class Reading:
    """What the parser found: where the headline and the text are, the date, how sure it is."""

    headline: str
    headline_at: int
    pub_date: dt.datetime | None
    date_at: int | None
    confidence: dict[str, float]
    runner_up: str = ""
    deck_at: int | None = None  # a subheading under the headline: the standfirst


def read_top(
    units: list[str], reader: DateReader, weights: dict[str, float] | None = None
) -> Reading | None:
    found_all = candidates(units)
    choice = choose(found_all, weights)
    if choice is None:
        return None
    found, deck_at, runner_up = choice.candidate, None, choice.runner_up
    confidence = choice.confidence
    if (above := headline_over_deck(found_all, found, units)) is not None:
        found, deck_at, runner_up = above, found.at, found.text
        confidence = min(confidence, 0.7)  # the model and the layout disagreed
    pub_date, date_at, date_confidence = find_date(units, found, reader)
    return Reading(
        headline=found.text,
        headline_at=found.at,
        pub_date=pub_date,
        date_at=date_at,
        confidence={"headline": round(confidence, 2), "date": date_confidence},
        runner_up=runner_up,
        deck_at=deck_at,
    )


def article_units(units: list[str], top: Reading) -> list[str]:
    """The standfirst and body: what follows the headline, up to where the page's footer starts."""
    content: list[str] = []
    for at in range(top.headline_at + 1, len(units)):
        unit = units[at]
        if at == top.date_at and not is_prose(unit):
            continue
        if at == top.deck_at:
            content.append(unit)
            continue
        if (
            _echoes(unit, top.headline)
            or _is_counter(unit)
            or is_truncated(unit)
            or (len(unit) <= 200 and _QUOTED_REFERENCE.match(unit) is not None)
            or is_chrome(unit)
            or _is_byline_line(unit)
            or _is_alt_text(unit)
            or _is_photo_caption(unit)
        ):
            continue
        if is_stop(unit) and not content and not is_footer(unit):
            continue  # "Back to news", "Tags: ..." between the headline and the text
        if is_stop(unit) or (content and _is_unlabelled_date(unit)):
            break  # a dated line after the text starts the related-news list
        if content or _starts_text(unit):
            content.append(unit)
    return _without_empty_headings(content)


def _without_empty_headings(content: list[str]) -> list[str]:
    """A section heading with nothing under it ("Documents" over an empty link block, then
    "Consultation" over its text): two short headings running, the first is not text. Three
    or more short lines running are a list, and stay."""
    heading = [_is_heading(unit) for unit in content]
    return [
        unit
        for at, unit in enumerate(content)
        if not (
            0 < at < len(content) - 2
            and heading[at]
            and heading[at + 1]
            and not heading[at - 1]
            and not heading[at + 2]
        )
    ]


def _is_heading(unit: str) -> bool:
    if len(unit) > 60:
        return False  # the cheap test first: most units are paragraphs
    words = unit.split()
    return (
        len(words) <= 4
        and unit[0].isupper()
        and not ends_sentence(unit)
        and not any(ch.isdigit() for ch in unit)
    )


def _echoes(unit: str, headline: str) -> bool:
    """The headline again, perhaps inside a crumb or a label: "Latest news about <headline>"."""
    if unit == headline:
        return True
    if len(headline) < 20 or len(unit) - len(headline) > 60:
        return False
    return unit.endswith(headline) or (unit.startswith(headline) and not ends_sentence(unit))


# A photo's caption: "Pictured: ...", "... at dusk (Photo: Harbour Mills)."
_CAPTION_LABEL = re.compile(
    r"(?i)(?:pictured|above|below|main (?:image|photo)|(?:photo|image|picture) caption)\s*[:：]"
)
_CREDIT_END = re.compile(
    r"(?i)[(\[](?:photos?|images?|pictures?|fotos?|bild|credit|source)\b[^)\]]{0,80}[)\]]\.?$"
    # An agency and its photographer: "(Harbour Press/Jane Roe)", "(AP Photo/John Doe)".
    r"|[(\[](?-i:[A-Z])[\w.&' -]{1,30}/\s?(?-i:[A-Z])[\w.' -]{1,40}[)\]]\.?$"
)


# "Photo taken on 2 May 2024 shows the new hall", "This aerial picture shows ...", "14 May 2024
# shows the walls nearing completion": what a picture shows is its caption.
_SHOWS = re.compile(
    r"(?i)(?:(?:this|the|an?|aerial|file|undated) )*(?:photos?|pictures?|images?|screenshot)\b"
    r".{0,160}?\bshows?\b"
)


def _is_photo_caption(unit: str) -> bool:
    if _CAPTION_LABEL.match(unit):
        return True
    if len(unit) <= 400 and "show" in unit and _shows(unit):
        return True
    return (
        len(unit) <= 400
        and unit.rstrip(".").endswith((")", "]"))
        and bool(_CREDIT_END.search(unit[-100:]))
    )


def _shows(unit: str) -> bool:
    if _SHOWS.match(unit):
        return True
    found = dates_in(unit)
    return bool(found) and found[0].start() == 0 and unit[found[0].end() :].startswith(" shows ")


# A reference to another piece by its quoted title: 'Summary of "Bus routes to stay"',
# 'Also read: "New depot opens"', 'Adapted from "The harbour at night"'.
_QUOTED_REFERENCE = re.compile(
    r"(?i)(?:summary of|source|originally published(?: as| in)?|(?:also )?read(?: more)?"
    r"|see also|related|adapted from|based on|via)\s*[:：]?\s*"
    r"(?:[\"“«][^\"“”«»]{4,150}[\"”»]|['‘][^'‘’]{4,150}['’])$"
)


def _is_counter(unit: str) -> bool:
    """A lone number between paragraphs: a like or comment counter, a slide's number."""
    return len(unit) <= 6 and unit.isdigit()


def _is_alt_text(unit: str) -> bool:
    """An image's alt text left among the paragraphs: "orange path", "crane at dusk"."""
    return unit[0].islower() and len(unit.split()) <= 4 and not ends_sentence(unit)


def _is_byline_line(unit: str) -> bool:
    """ "By Jane Roe, Senior Editor" between standfirst and body; not "By then, it was sold."."""
    return is_byline(unit) and not ends_sentence(unit)


_TEXT_OPENERS = "\"'“‘„«»‹›「『（([¿¡—–-"


def _starts_text(unit: str) -> bool:
    """Prose, or a sentence or long line; not a date line, byline or photo caption, nor a line
    led by an icon or a symbol ("🞛 This publication is a summary ...")."""
    if not (unit[0].isalnum() or unit[0] in _TEXT_OPENERS):
        return False
    if is_prose(unit) or is_salutation(unit):
        return True  # a letter starts at its "Dear customers,"
    if is_meta(unit):
        return False
    words = unit.split()
    if len(words) >= 12 or (len(words) >= 6 and ends_sentence(unit)) or cjk_chars(unit) >= 20:
        return True
    # A subtitle in sentence case, without a full stop: "Forty new silos on the east quay".
    capitals = sum(word[0].isupper() for word in words[1:])
    return len(words) >= 8 and capitals * 3 <= len(words) - 1


def _is_unlabelled_date(unit: str) -> bool:
    line = date_line(unit)
    return line is not None and not line.labelled


def trim_tail(content: list[str]) -> list[str]:
    """Drop what trails the last sentence: related headlines, menus, a lone contact line."""
    end = len(content)
    while end and not (ends_sentence(content[end - 1]) or is_prose(content[end - 1])):
        end -= 1
    return content[:end]


_NUMBERED_QUESTION = re.compile(r"^(?:Q\s?)?\d{1,2}\s?[.)、:：]\s*\S.{3,200}[?？]$")


def listing_reason(units: list[str]) -> str | None:
    """Why the page is an index of news rather than news, or None."""
    prose_between = [0]
    for at, unit in enumerate(units):
        if is_prose(unit):
            # A long headline or a question right above the next date line is that item's title.
            following = units[at + 1] if at + 1 < len(units) else ""
            prose_between[-1] += date_line(following) is None or is_prose(following)
        elif date_line(unit) is not None:
            prose_between.append(0)
    if len(prose_between) > 3 and max(prose_between) < 2:
        return f"a listing of {len(prose_between) - 1} dated lines with at most a teaser under each"
    teasers = _teaser_blocks(units)
    if teasers >= 3:
        return f"a listing of {teasers} headlines, each with a one-paragraph teaser"
    questions = sum(bool(_NUMBERED_QUESTION.match(unit)) for unit in units)
    if questions >= 3:
        return f"a list of {questions} numbered questions (a FAQ), not an article"
    files = sum(
        len(unit) <= 120 and bool(_FILE_HINT.search(unit)) and bool(_FILE_LINK.search(unit))
        for unit in units
    )
    if files >= 5 and files > sum(is_prose(unit) for unit in units):
        return f"a list of {files} documents to download, not an article"
    if any(_FOLLOWERS.match(unit) for unit in units[:30]):
        return "a social media profile and its feed of posts, not one article"
    if _is_template(units):
        return (
            "a template of a press release (a sample's title, and text telling the writer what"
            " to put where), not news"
        )
    return None


# A press-release template as PR services publish them: "Business Launch Campaign Sample" or
# "Sample press release" at the top, and a line telling the writer what to put where ("for
# the remainder of the release, tell the story of your company").
_TEMPLATE_TITLE = re.compile(r"(?i)^(?:sample|template|example)\b|\b(?:sample|template|example)$")
_TO_THE_WRITER = re.compile(
    r"(?i)\byour (?:business|company|organi[sz]ation|event|product|brand)\b"
)
_WRITING_WORDS = re.compile(r"(?i)\b(?:paragraphs?|(?:press |news )?release|headline|quotes?)\b")


def _is_template(units: list[str]) -> bool:
    if not any(title_shaped(unit) and _TEMPLATE_TITLE.search(unit) for unit in units[:5]):
        return False
    return any(_TO_THE_WRITER.search(unit) and _WRITING_WORDS.search(unit) for unit in units)


# "5 June (PDF, 985KB)", "Annual report 2023.pdf", "Minutes [DOCX 45 kB]"
_FILE_LINK = re.compile(
    r"(?i)[(\[]\s*(?:pdf|docx?|xlsx?|pptx?|odt|zip)\b[^)\]]{0,20}\d\s?[kmg]i?b\s*[)\]]"
    r"|\.(?:pdf|docx?|xlsx?|pptx?|odt|zip)\s*(?:[(\[][^)\]]{0,20}[)\]])?$"
)
_FILE_HINT = re.compile(r"(?i)pdf|doc|xls|ppt|odt|zip")
_FOLLOWERS = re.compile(r"(?i)^[\d.,]+\s?[km]?\s+(?:followers|subscribers|fans)\b\W*$")


def _teaser_blocks(units: list[str]) -> int:
    """Headline, perhaps a date, one paragraph; again and again, never two paragraphs running."""
    blocks, run, longest = 0, 0, 0
    last_title = -10
    for at, unit in enumerate(units):
        if is_prose(unit):
            run += 1
            longest = max(longest, run)
            if run == 1 and at - last_title <= 3:
                blocks += 1
        elif title_shaped(unit) and not is_meta(unit):
            run, last_title = 0, at
        elif not (is_meta(unit) or is_chrome(unit)):
            run = 0
    return blocks if longest <= 1 else 0


def _form_lines(content: list[str]) -> int:
    """Addresses, phone numbers, prices, specifications and form messages: what contact,
    product and catalogue pages are."""
    return sum(
        1
        for unit in content
        if len(unit) <= 100
        and not is_prose(unit)
        and (
            _KEY_VALUE.match(unit)  # the cheapest first; the answer is the same in any order
            or _CONTACT.search(unit)
            or ("@" in unit and _EMAIL.search(unit))
            or _SHOP.search(unit)
            or _FORM_UI.search(unit)
        )
    )


# --- the parser -----------------------------------------------------------------------------


def read_article(data: bytes, *, origin: str, options: ParseOptions) -> ImportedArticle:
    zone = _zone(options.time_zone, origin)
    if not data:
        raise ImportParseError("the input is empty", where=origin)
    text = normalise(_decode_or_refuse(data, origin))
    if not text.strip():
        raise ImportParseError("the input contains only whitespace", where=origin)
    units = page_units(text)
    if len(units) > MAX_UNITS:
        raise ImportParseError(
            f"the page has more than {MAX_UNITS} paragraphs and lines: not one article",
            where=origin,
        )
    reader = DateReader(zone, units)
    doubts: list[str] = []
    refuse = _refuser(origin, options, doubts)
    if not any(is_prose(unit) for unit in units):
        refuse("no paragraph of prose: this looks like a product, contact or index page")
    if reason := listing_reason(units):
        refuse(reason)
    top = read_top(units, reader)
    if top is None:
        refuse("no headline: no short title line above a paragraph of prose")
        top = _first_line_top(units)
    content = article_units(units, top)
    _refuse_thin_article(content, top, refuse)
    content = trim_tail(content) or units[top.headline_at + 1 :] or [""]
    confidence = {
        **top.confidence,
        "standfirst": _standfirst_confidence(content),
        "body": 0.9 if sum(is_prose(unit) for unit in content) >= 2 else 0.6,
        "article": 0.3 if doubts else 0.95,
    }
    notes = [f"imported although {doubt}" for doubt in doubts]
    if top.confidence["headline"] < 0.6 and top.runner_up:
        notes.append(f"headline unsure; the next candidate was {top.runner_up!r}")
    return ImportedArticle(
        headline=top.headline,
        source_key=content_key("text", text.encode("utf-8")),
        pub_date=top.pub_date,
        standfirst=content[0],
        body_html=paragraphs_to_html(content[1:]),
        origin=origin,
        notes=notes,
        confidence=confidence,
    )


def _refuser(origin: str, options: ParseOptions, doubts: list[str]) -> Callable[[str], None]:
    """Refuse a page that is not an article, or, when told to import anyway, note why not."""

    def refuse(reason: str) -> None:
        if not options.force:
            raise ImportParseError(f"not an article: {reason}", where=origin)
        doubts.append(reason)

    return refuse


def _first_line_top(units: list[str]) -> Reading:
    return Reading(units[0][:200], 0, None, None, {"headline": 0.1, "date": 0.5})


def _standfirst_confidence(content: list[str]) -> float:
    first = content[0]
    if len(content) > 1 and content[1].startswith(first[:60]):
        return 0.9  # printed twice: a standfirst repeated as the first paragraph
    return 0.8 if is_prose(first) or ends_sentence(first) else 0.5


def _zone(name: str, origin: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, TypeError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise ImportParseError(f"unknown time zone {name!r}", where=origin) from None


def _refuse_thin_article(content: list[str], top: Reading, refuse: Callable[[str], None]) -> None:
    prose = sum(is_prose(unit) for unit in content)
    forms = _form_lines(content)
    if forms >= 3 and forms >= prose:
        refuse(
            f"more address, price, specification or form lines ({forms}) than paragraphs of "
            f"prose ({prose}): this looks like a contact or product page"
        )
    elif prose == 0:
        refuse("no paragraph of prose under the headline")
    elif (
        top.pub_date is None
        and prose < 2
        and not any(len(re.findall(r"[.!?。！？](?:\s|$)", unit)) > 1 for unit in content)
    ):
        refuse("no date and no paragraph longer than one sentence")


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
