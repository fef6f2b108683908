"""Publication dates in the short lines of a page: "Nov 28, 2023", "Release date: 2024-03-03",
"Posted on 3. März 2024 by ...", "2024年3月3日", or glued to the end of a headline.

Pure and fast: the stdlib reads numeric dates, and month names are looked up in a table built
once from dateparser's locale data (calling dateparser itself cost ~1 ms a line).
"""

# Full-width colons and typographic dashes below are deliberate: pages use them.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateparser.languages.loader import default_loader

from newscenter.importers.parsers.lines import (
    BYLINE,
    cjk_chars,
    ends_sentence,
    is_byline,
    is_headline,
)

DATE_LINE_CHARS = 220

_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt")
_MONTH_KEYS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _locale_words(keys: tuple[str, ...]) -> dict[str, set[str]]:
    """Month or weekday names as dateparser's locales spell them, with their languages."""
    words: dict[str, set[str]] = {}
    for language in _LANGUAGES:
        info = default_loader.get_locale(language).info
        for key in keys:
            for word in info.get(key, []):
                words.setdefault(word.lower().rstrip("."), set()).add(language)
    return words


_MONTH_LANGUAGES = {
    word: langs for word, langs in _locale_words(_MONTH_KEYS).items() if len(word) > 2
}


def _month_numbers() -> dict[str, int]:
    numbers: dict[str, int] = {}
    for language in _LANGUAGES:
        info = default_loader.get_locale(language).info
        for number, key in enumerate(_MONTH_KEYS, start=1):
            for word in info.get(key, []):
                numbers.setdefault(word.lower().rstrip("."), number)
    return numbers


_MONTH_NUMBERS = _month_numbers()
_WEEKDAYS = frozenset(_locale_words(_WEEKDAY_KEYS)) | {
    f"{prefix}{day}" for prefix in ("星期", "周", "礼拜") for day in "一二三四五六日天"
}
_MONTH = "|".join(sorted(map(re.escape, _MONTH_LANGUAGES), key=len, reverse=True))
# Every month's name starts with one of a few letters, then one of a few more: this lookahead
# (two character classes) spares the long alternation of names at most positions.
_MONTH_START = "(?={})".format(
    "".join(
        "[" + "".join(sorted({re.escape(name[at]) for name in _MONTH_LANGUAGES})) + "]"
        for at in range(min(2, *map(len, _MONTH_LANGUAGES)))
    )
)
# A year is four digits, unless a reading time is glued on: "24 April 20191 min reading".
_YEAR = r"(?P<year>(?:19|20)\d{2})(?:(?!\d)|(?=\d{1,2}\s?min))"
# A month name starts a word, or is glued to a lower-case word: "Headline textNov 28, 2023".
# Failing here first also spares the long alternation of names at most positions.
_WORD_START = r"(?:(?<![^\W\d_])|(?-i:(?<=[a-z])(?=[A-Z])))"
_TIME = (
    r"(?:(?:T|,?\s+(?:(?:at|um|à)\s+)?)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<sec>\d{2}))?"
    r"(?:\.\d{1,6})?\s?(?P<ampm>[ap]\.?m\.?(?![^\W\d_]))?"
    r"\s?(?P<offset>Z|[+-]\d{2}:?\d{2}|UTC|GMT)?(?![^\W\d_]))?"
)
_SHAPES = tuple(
    re.compile(shape + _TIME, re.IGNORECASE)
    for shape in (
        r"(?<!\d)(?P<year>(?:19|20)\d{2})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?!\d)",
        r"(?<!\d)(?P<year>(?:19|20)\d{2})\s?[年년]\s?(?P<month>\d{1,2})\s?[月월]\s?(?P<day>\d{1,2})\s?[日号일]?",
        r"(?:(?<![\d.])|(?<=:\d\d))(?P<first>\d{1,2})(?P<sep>[-/.])(?P<second>\d{1,2})(?P=sep)"
        + _YEAR,
        _MONTH_START
        + _WORD_START
        # "May 29, 2020", and "May-29-2020" as some shop systems print it
        + rf"(?P<name>{_MONTH})\.?(?:\s+|(?P<dash>-)(?=\d{{1,2}}-))(?P<day>\d{{1,2}})"
        + r"(?:st|nd|rd|th)?(?(dash)-|(?:,\s*|\s+))"
        + _YEAR,
        rf"(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?[\s-]?(?:(?:de|of)\s+)?{_MONTH_START}(?P<name>{_MONTH})"
        r"\.?(?:,?\s*|-)(?:de\s+)?" + _YEAR,
        # Year first with a month's name: "2024 March 12", "2024-Mar-12", "2024, March 12".
        rf"(?<!\d)(?P<year>(?:19|20)\d{{2}})(?:,?\s+|-){_MONTH_START}(?P<name>{_MONTH})\.?(?:\s+|-)"
        r"(?P<day>\d{1,2})(?!\d)",
        # Spaced dots, as Korean pages write them: "2024. 3. 12."
        r"(?<!\d)(?P<year>(?:19|20)\d{2})\.\s(?P<month>\d{1,2})\.\s(?P<day>\d{1,2})(?!\d)\.?",
    )
)
# The rarer year-first shapes (2024 March 7, 2024. 3. 7.) are tried only where a year is
# followed by a word or a spaced dot.
_YEAR_FIRST_HINT = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:,?\s+[^\W\d_]|-[^\W\d_]|\.\s\d)")
_COMMON_SHAPES, _YEAR_FIRST_SHAPES = _SHAPES[:5], _SHAPES[5:]


def _shapes(unit: str) -> tuple[re.Pattern[str], ...]:
    return _SHAPES if _YEAR_FIRST_HINT.search(unit) else _COMMON_SHAPES


_YEAR_HINT = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:(?!\d)|(?=\d{1,2}\s?min))")  # as _YEAR


@functools.lru_cache(maxsize=8192)  # asked by date_line, dates_in and _month_first, per line
def _has_year(unit: str) -> bool:
    """Whether ``unit`` has a four-digit year; a year has "19" or "20" in it, which the
    substring search finds far faster than the pattern tried at every position."""
    return ("19" in unit or "20" in unit) and bool(_YEAR_HINT.search(unit))


_TODAY = re.compile(r"(?i)\b(?:today|heute|aujourd'hui|hoy|oggi|vandaag)\b|今天|今日")
_LABEL = re.compile(
    r"(?i)(?:first |last )?(?:posted|published|released|issued|created|updated|modified)"
    r"(?: on| at)?"
    r"|(?:posted|written|published) by .{1,40} (?:on|at)"
    r"|(?:release |publication |press release |news )?dated?|press release|news release|news"
    r"|(?:veröffentlicht|erstellt|aktualisiert|zuletzt aktualisiert|erschienen)(?: am)?|datum"
    r"|stand|pressemitteilung|pressemeldung|meldung vom|publié le|mis à jour le"
    r"|publicado(?: el)?|pubblicato(?: il)?|gepubliceerd(?: op)?"
    r"|发布时间|发布日期|发布于|发表于|发表时间|更新时间|日期|时间"
)
_META_SUFFIX = re.compile(
    r"(?i)[|·•/–—,(-].*|(?:[^\W\d_]{1,15}\s){0,2}[^\W\d_]{1,15}\s?[:：].*|uhr|[a-z]{2,5}"
    r"|\d{1,2}:\d{2}(?::\d{2})?"
)
# A full stop after a word that is not an abbreviation, then a capital: two sentences.
_SENTENCE_BREAK = re.compile(
    r"(?<![^\W\d_])(?!(?i:inc|ltd|corp|co|dr|mr|mrs|ms|st|jr|sr|no|vs|bros|gov|mt|ave|dept)\.)"
    r"[^\W\d_]*[a-z]{2}\.\s+[A-Z]"
)
# Where a scraper glued two lines: a lower-case letter, digit or full stop, then a capital.
_GLUE = re.compile(r"(?<=[a-z0-9.!?)])(?=[A-Z])")
_ROLES = frozenset({"admin", "administrator", "editor", "staff", "webmaster", "redaktion"})
_PREPOSITION_END = re.compile(
    r"(?i)\b(?:on|at|in|from|until|till|by|since|before|after|of|am|im|vom|bis|ab|seit|zum"
    r"|le|du|el|il|op)$|[于在至到从]$"
)


def names_today(unit: str) -> bool:
    """ "Today is Tuesday, 28 November 2023": a header's clock, never an article's date."""
    return bool(_TODAY.search(unit))


@dataclass(frozen=True)
class DateLine:
    match: re.Match[str]
    headline: str = ""  # the headline a scraper glued the date to, if any
    labelled: bool = False  # "Posted on", "Release date:", a byline: the article's own date


def date_line(unit: str) -> DateLine | None:
    """A short line that is a date (perhaps labelled), or a headline with a date glued on."""
    if len(unit) > DATE_LINE_CHARS or not _has_year(unit):
        return None  # every date we accept has a four-digit year: a cheap first test
    return _short_date_line(unit)


@functools.lru_cache(maxsize=4096)  # asked several times per line; only short lines are kept
def _short_date_line(unit: str) -> DateLine | None:
    if _TODAY.search(unit):
        return None
    if len(unit.split()) >= 10 and ends_sentence(unit):
        return None  # a sentence that mentions a date
    match = _find_date(unit)
    if match is None or not _is_meta_suffix(unit[match.end() :]):
        return None
    prefix = unit[: match.start()]
    kind = _prefix_kind(prefix)
    if kind is not None:
        return DateLine(match, labelled=kind == "labelled")
    headline, kind = _glued_label(prefix)
    headline = headline.rstrip(" -–—|·•:：,/\\")
    glued = kind is not None or prefix[-1:].isalpha()
    if (unit[match.end() :].strip() and not glued) or _PREPOSITION_END.search(headline):
        return None  # "... takes place on 12 May 2025." is a sentence, not a dated headline
    if _SENTENCE_BREAK.search(headline):
        return None  # "Shop opened in Newport. Daily Courier, 1/4/2012": a sentence and its source
    if not is_headline(headline):
        return None
    return DateLine(match, headline=headline, labelled=kind == "labelled")


def _glued_label(prefix: str) -> tuple[str, str | None]:
    """ "Headline textPosted on " -> ("Headline text", "labelled"): a label glued to a headline
    by a scraper that dropped the line break; the prefix and None when there is none."""
    for glue in _GLUE.finditer(prefix):
        kind = _prefix_kind(prefix[glue.start() :])
        if kind is not None:
            return prefix[: glue.start()], kind
    return prefix, None


def _find_date(unit: str) -> re.Match[str] | None:
    """The first date in ``unit``: the leftmost, the longest there. ``dates_in`` sorts every
    shape's matches so, and has most lines' dates cached already."""
    return next(iter(dates_in(unit)), None)


def _is_meta_suffix(suffix: str) -> bool:
    suffix = suffix.strip()
    if not suffix:
        return True
    if len(suffix) > 100:
        return False
    return bool(_META_SUFFIX.fullmatch(suffix) or BYLINE.match(suffix)) or _is_weekday(suffix)


def _prefix_kind(prefix: str) -> str | None:
    """ "bare", "labelled", or None when the text before a date is not date-line metadata."""
    kinds = [_segment_kind(segment) for segment in re.split(r"[|·•—–]", prefix)]
    if None in kinds:
        return None
    return "labelled" if "labelled" in kinds else "bare"


def _segment_kind(segment: str) -> str | None:
    words = segment.strip(" ,.:：-").split()
    if words and _is_weekday(words[-1]):
        words.pop()
        segment = segment[: segment.rfind(words[-1]) + len(words[-1])] if words else ""
    if segment.rstrip(" ,").endswith((":", "：")) and 0 < len(words) <= 4:
        return "labelled"  # "Time of issue: 2024-03-12", "Date Published: ..."; weighed later
    rest = " ".join(words).strip(" ,:：")
    if not rest:
        return "bare"
    if _LABEL.fullmatch(rest) or is_byline(rest):
        return "labelled"
    # "Jane Doe | Nov 28, 2023" names an author; "When: 12 May 2025" labels an event.
    return "labelled" if _is_name(rest) and ":" not in segment else None


def _is_weekday(word: str) -> bool:
    return word.lower().strip(",. ") in _WEEKDAYS


def _is_name(text: str) -> bool:
    """An author or desk named before the date: "Jane Doe | Nov 28, 2023", "admin"."""
    if text.lower() in _ROLES:
        return True
    words = text.split()
    return len(text) <= 40 and 2 <= len(words) <= 3 and all(w[0].isupper() for w in words)


class DateReader:
    """Turns a date line's match into an aware datetime; numbers, and month names from a table."""

    def __init__(self, zone: ZoneInfo, units: list[str] | tuple[str, ...] = ()) -> None:
        self.zone = zone
        self.month_first = _month_first(zone, units)

    def read(self, match: re.Match[str]) -> dt.datetime | None:
        parts = match.groupdict()
        try:
            day = self._day(match, parts)
            clock = _clock(parts)
            zone = _offset(parts["offset"]) or self.zone
        except (ValueError, OverflowError):
            return None  # 2023-02-30, 25:61 and friends: no date rather than a wrong one
        return None if day is None else dt.datetime.combine(day, clock, tzinfo=zone)

    def _day(self, match: re.Match[str], parts: dict[str, str | None]) -> dt.date | None:
        if parts.get("name"):
            return self._day_from_words(match, parts)
        number = {key: int(value) for key, value in parts.items() if value and value.isdigit()}
        if "first" in number:
            day, month = self._day_month(number["first"], number["second"], parts["sep"])
            return dt.date(number["year"], month, day)
        return dt.date(number["year"], number["month"], number["day"])

    def _day_month(self, first: int, second: int, separator: str | None) -> tuple[int, int]:
        if first > 12 or (second <= 12 and (separator == "." or not self.month_first)):
            return first, second
        return second, first  # 09.14.2015 as well as 09/14/2015: no month has a 14th

    def _day_from_words(self, match: re.Match[str], parts: dict[str, str | None]) -> dt.date:
        del match
        month = _MONTH_NUMBERS[(parts["name"] or "").lower().rstrip(".")]
        return dt.date(int(parts["year"] or 0), month, int(parts["day"] or 0))


# Day and month in either order, with a four-digit year: 12/1/2004, 03-04-2024.
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})([/-])(\d{1,2})\2(?:19|20)\d{2}(?!\d)")


def _month_first(zone: ZoneInfo, units: list[str] | tuple[str, ...]) -> bool:
    """Whether 03/04/2024 is in March: the page's own dates tell when one has a part over 12
    (12/31/2011 is month first, 31/12/2011 day first); else the site's zone (America/ writes
    month first); a site on UTC has no region, and there unpadded slashed dates (12/1/2004,
    3/24/2017) are the American habit, zero-padded ones (01/12/2004) the European."""
    numeric = [
        found
        for unit in units[:400]
        if ("/" in unit or "-" in unit) and _has_year(unit)
        for found in _NUMERIC.findall(unit)
    ]
    seen = {
        "day": any(int(first) > 12 for first, _, _ in numeric),
        "month": any(int(second) > 12 for _, _, second in numeric),
    }
    if seen["day"] != seen["month"]:
        return seen["month"]
    if zone.key.startswith(("America/", "US/")):
        return True
    if zone.key not in ("UTC", "Etc/UTC", "GMT", "Etc/GMT") or not numeric:
        return False
    return all(
        separator == "/" and not first.startswith("0") and not second.startswith("0")
        and len(first + second) < 4
        for first, separator, second in numeric
    )  # fmt: skip


@functools.lru_cache(maxsize=8192)  # asked many times per line
def dates_in(unit: str) -> tuple[re.Match[str], ...]:
    """Every date with a four-digit year in ``unit``, left to right, overlaps dropped."""
    if not _has_year(unit):
        return ()
    found = sorted(
        (m for shape in _shapes(unit) for m in shape.finditer(unit) if _word_start_ok(unit, m)),
        key=lambda m: (m.start(), -m.end()),
    )
    kept: list[re.Match[str]] = []
    for match in found:
        if not kept or match.start() >= kept[-1].end():
            kept.append(match)
    return tuple(kept)


def _word_start_ok(unit: str, match: re.Match[str]) -> bool:
    before, first = unit[match.start() - 1 : match.start()], unit[match.start()]
    return (
        not before.isalpha()
        or bool(cjk_chars(before))
        or (before.islower() and not first.islower())
    )


def _clock(parts: dict[str, str | None]) -> dt.time:
    if not parts.get("hour"):
        return dt.time()
    hour, ampm = int(parts["hour"] or 0), (parts.get("ampm") or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    return dt.time(hour, int(parts["minute"] or 0), int(parts["sec"] or 0))


def _offset(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    if text.upper() in {"Z", "UTC", "GMT"}:
        return dt.UTC
    digits = text[1:].replace(":", "")
    delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return dt.timezone(-delta if text[0] == "-" else delta)
