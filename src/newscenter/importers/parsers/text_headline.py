"""Which line of a page is the headline: every short title-shaped line above the article text
is a candidate, described by a few features (a date line under it, its echo in a breadcrumb,
how far the prose is, whether it starts with a bullet...), scored, and the scores turned into
a confidence by a softmax over the page's candidates.

The weights are a conditional logit trained on the tuning part of the real pages
(``bench/headline_model.py`` writes ``text_headline_weights.json``); ``HAND_WEIGHTS`` are the
rules written before it, kept to compare (``bench/fidelity.py --hand``). Pure, no I/O but the
one small weights file read at import.
"""

# Full-width colons below are deliberate: pages use them.
# ruff: noqa: RUF001

from __future__ import annotations

import bisect
import functools
import itertools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from newscenter.importers.parsers.dates import date_line, dates_in, names_today
from newscenter.importers.parsers.lines import (
    cjk_chars,
    is_byline,
    is_chrome,
    is_footer,
    is_prose,
    is_stop,
    is_text,
    without_bare_crumbs,
)

SCAN_UNITS = 80  # the headline sits near the top of the page
PROSE_AHEAD = 10  # the article's text starts within this many units of its headline
MAX_PROSE_ABOVE = 6  # past this much prose we are inside the text, not above it
_CLOSERS = "\"'“”‘’»«)」』】"
_CATEGORY_PREFIX = re.compile(r"^[^\s:：]{1,12}[:：](?=\S)")  # "國內英語新聞:Headline"
_KEY_VALUE = re.compile(r"^[^\W\d_][\w .()/-]{0,24}[:：]\s*\S")
# A company's name, as a site's banner gives it: "Harbour Mills Ltd", "ACME GmbH".
_SITE_SUFFIX = re.compile(r"(?P<headline>.{12,}?)\s+[|–—-]\s+(?P<site>[^|–—]{2,60})")
_SALUTATION = re.compile(
    r"(?i)(?:dear|hello|hi|greetings|to whom it may concern|liebe|lieber|sehr geehrte|chers?"
    r"|estimad[oa]s?|尊敬的|亲爱的)\b"
)
_CALL_TO_ACTION = re.compile(
    r"(?i)\bclick (?:here|below|the link)\b|\bplease (?:click|tap|visit)\b"
)


def is_salutation(unit: str) -> bool:
    """ "Dear valued customers,", "Hello everyone!": a letter's first line, where its text
    starts."""
    return (
        len(unit) <= 80
        and unit.endswith((",", ":", "：", "，", "!", "！"))
        and not unit.startswith(("Hi-", "hi-"))  # "Hi-tech ..."
        and bool(_SALUTATION.match(unit))
    )


# A full stop that ends an abbreviation, not a sentence: "Inc.", "Corp.", "U.S.", "Jr.".
_ABBREVIATION_END = re.compile(
    r"(?i)(?:\b(?:inc|ltd|corp|co|plc|llc|jr|sr|bros|dept|st|ave)|\b(?:[a-z]\.)+[a-z])\.$"
)
_COMPANY = re.compile(
    r"(?i)\b(?:ltd|limited|inc|incorporated|llc|llp|plc|gmbh|ag|kg|sa|s\.a|sas|srl|s\.r\.l|spa|bv"
    r"|nv|oy|ab|as|a/s|pty|pte|co|corp|corporation|company|group|holdings?|industries)\.?$"
)
# A teaser cut short by a listing or a feed: "Exhibitions bring together [...]", "... […]".
_TRUNCATED = re.compile(r"(?:\[\s*(?:…|\.{3})\s*\]|\(\s*(?:…|\.{3})\s*\))$")
# The names of a page's fields, not a title: "Time and date", "Date / Venue", "Author".
_FIELD_WORDS = frozenset(
    {
        "date", "dates", "time", "times", "day", "and", "&", "/", "published", "posted",
        "updated", "author", "authors", "source", "venue", "location", "place", "category",
        "categories", "views", "share", "print", "release", "publication", "details",
    }
)  # fmt: skip
_LETTER_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_WORD = re.compile(r"(?<!\w)[^\W\d_]{3,}(?!\w)")  # three letters or more, no digit in it

FEATURES = (
    "date_next", "date_after", "date_before", "byline_after", "gap", "between", "echo",
    "prose_before",
    "symbol_start", "title_case", "key_value", "digits", "first", "exclaims", "glued_date",
    "long", "short", "company", "words",
)  # fmt: skip
HAND_WEIGHTS = {
    "date_next": 1.0, "date_after": 2.5, "date_before": 1.0, "byline_after": 1.0, "gap": -0.8,
    "between": -0.6,
    "echo": 1.5, "prose_before": -1.0, "symbol_start": -3.0, "title_case": 0.8,
    "key_value": -2.0, "digits": -3.0, "first": 0.3, "exclaims": 0.0, "glued_date": 1.0,
    "long": -1.0, "short": -0.5, "company": -1.0, "words": 0.5,
}  # fmt: skip
WEIGHTS_FILE = Path(__file__).with_name("text_headline_weights.json")


def _load_weights() -> dict[str, float]:
    try:
        data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
        return {name: float(data["weights"][name]) for name in FEATURES}
    except (OSError, ValueError, KeyError, TypeError):
        return HAND_WEIGHTS


LEARNED_WEIGHTS = _load_weights()


@dataclass(frozen=True)
class Candidate:
    at: int  # index of the unit
    text: str  # the headline as it will be saved
    body_at: int  # the first unit of prose below it
    features: dict[str, float]
    glued_date: bool = False  # the unit is "Headline Nov 28, 2023"


@dataclass(frozen=True)
class Choice:
    candidate: Candidate
    confidence: float  # the softmax share of the chosen candidate
    runner_up: str  # the next best, for the report


@functools.lru_cache(maxsize=8192)  # asked many times per line
def title_shaped(text: str) -> bool:
    """Short, substantial, not ending like a sentence or a label; not furniture."""
    end = text.rstrip(_CLOSERS)
    if not 4 <= len(text) <= 200 or end.endswith(("。", ":", "：", ",", ";")):
        return False
    if end.endswith(".") and not _ABBREVIATION_END.search(end):
        return False  # a sentence; but "Acme Corp. buys Widget Inc." is a headline
    words = len(text.split())
    if words > 30 or (words < 2 and cjk_chars(text) < 4):
        return False
    if _SALUTATION.match(text):
        return False  # "Dear valued customers" opens a letter; it is not its headline
    if _CALL_TO_ACTION.search(text):
        return False  # "Please click here to plan your journey": a link's words
    if is_truncated(text) or _names_fields(text):
        return False
    return not (is_chrome(text) or is_byline(text) or is_stop(text) or is_footer(text))


def is_truncated(unit: str) -> bool:
    """A teaser cut short by a listing or a feed, ending in "[…]": neither headline nor text."""
    return unit.endswith(("]", ")")) and bool(_TRUNCATED.search(unit))


def _names_fields(text: str) -> bool:
    """ "Time and date", "Date & Venue": labels of the fields a page prints below them."""
    words = text.lower().replace("/", " / ").split()
    return len(words) <= 5 and all(word.strip(":：,") in _FIELD_WORDS for word in words)


@functools.lru_cache(maxsize=8192)  # asked many times per line
def is_meta(unit: str) -> bool:
    """A date line, a byline, "Nov 28", "10:30", "3 min read": between headline and text."""
    if is_byline(unit):
        return True
    if not is_prose(unit) and len(unit) <= 220 and (found := dates_in(unit)):
        return not all(_in_brackets(unit, match) for match in found)
    short = len(unit) <= 40 and len(unit.split()) <= 5
    # "0 959", "Nov 28", "10:30"; not "Annual Report 2023" nor "ITMA 2019: Expansive & Diverse",
    # headlines ("3 min read" and "12 comments" are chrome already).
    return short and any(ch.isdigit() for ch in unit) and len(_WORD.findall(unit)) < 2


def _in_brackets(unit: str, match: re.Match[str]) -> bool:
    """ "Road Closure on New Road (6th October 2018)": an event's date inside a headline."""
    return (
        unit[: match.start()].rstrip().endswith("(")
        and unit[match.end() :].lstrip().startswith(")")
        and len(_WORD.findall(unit[: match.start()])) >= 3
    )


def candidates(units: list[str]) -> list[Candidate]:
    found: list[Candidate] = []
    prose_seen = 0
    for at, unit in enumerate(units[:SCAN_UNITS]):
        if prose_seen > MAX_PROSE_ABOVE:
            break
        prose_seen += is_text(unit)
        text, glued = _candidate_text(unit)
        if text is None:
            continue
        body_at = _prose_below(units, at)
        if body_at is not None:
            found.append(Candidate(at, _without_site_name(text, units), body_at, {}, glued))
    echoes = _Echoes(units[:SCAN_UNITS]) if found else None
    return [_described(c, units, index, found, echoes) for index, c in enumerate(found)]


def _without_site_name(text: str, units: list[str]) -> str:
    """ "Headline | Acme Foods" as a page's title gives it: the headline, when the site's name
    stands on a line of its own near the top."""
    match = _SITE_SUFFIX.match(text)
    if match is None:
        return text
    site = match.group("site").casefold()
    if any(unit.casefold() == site for unit in units[:SCAN_UNITS]):
        return match.group("headline")
    return text


def _candidate_text(unit: str) -> tuple[str | None, bool]:
    line = date_line(unit)
    if line is not None:
        return (
            (line.headline, True)
            if line.headline and title_shaped(line.headline)
            else (None, False)
        )
    if (is_prose(unit) and not _asks(unit)) or is_meta(unit):
        return None, False
    text = _CATEGORY_PREFIX.sub("", without_bare_crumbs(unit), count=1)
    return (text, False) if title_shaped(text) else (None, False)


def _asks(unit: str) -> bool:
    """A headline that asks or exclaims in ten words or more reads like a sentence of prose:
    "What will the factory floor look like when the last diesel forklift has gone?"."""
    return (
        len(unit) <= 160
        and unit.rstrip(_CLOSERS).endswith(("?", "!", "？", "！"))
        and not re.search(r"[.!?。！？]\s", unit)
    )


def _prose_below(units: list[str], at: int) -> int | None:
    """The first paragraph of text under ``at``, past share buttons and date lines (which do
    not count towards how far the text may be) but not past a footer."""
    seen = 0
    for below in range(at + 1, min(at + 1 + 3 * PROSE_AHEAD, len(units))):
        unit = units[below]
        if is_text(unit):
            return below
        if is_footer(unit):
            return None  # the page has ended; "Back to news" or "Tags:" may sit above the text
        seen += not (is_chrome(unit) or is_meta(unit))
        if seen >= PROSE_AHEAD:
            return None
    return None


def _described(
    candidate: Candidate,
    units: list[str],
    index: int,
    all_: list[Candidate],
    echoes: _Echoes | None = None,
) -> Candidate:
    at, text, body_at = candidate.at, candidate.text, candidate.body_at
    between = units[at + 1 : body_at]
    words = _LETTER_WORD.findall(text)
    features = {
        "date_next": float(candidate.glued_date or _date_next(units, at)),
        "date_after": float(candidate.glued_date or any(_dated(u) for u in between[:4])),
        "date_before": float(any(_dated(u) for u in units[max(at - 2, 0) : at])),
        "byline_after": float(any(is_byline(u) for u in between[:4])),
        "gap": float(min(sum(not (is_meta(u) or is_chrome(u)) for u in between), 5)),
        # Candidates come in page order: the ones between are a slice, found by bisection.
        "between": float(
            bisect.bisect_left(all_, body_at, key=_at) - bisect.bisect_right(all_, at, key=_at)
        ),
        "echo": float(echoes is not None and echoes.elsewhere(text, at)),
        "prose_before": float(any(is_text(u) for u in units[:at])),
        "symbol_start": float(not (text[0].isalnum() or text[0] in "\"'“‘¿¡($€£¥#")),
        "title_case": sum(w[0].isupper() for w in words) / len(words) if words else 0.0,
        "key_value": float(bool(_KEY_VALUE.match(text))),
        "digits": sum(ch.isdigit() for ch in text) / len(text),
        "first": float(index == 0),
        "exclaims": float(text.rstrip(_CLOSERS).endswith(("!", "?", "！", "？"))),
        "glued_date": float(candidate.glued_date),
        "long": float(len(text.split()) > 20),
        "short": float(len(text.split()) < 3 and cjk_chars(text) < 4),
        "company": float(bool(_COMPANY.search(text)) and len(words) <= 6),
        "words": min(len(words), 12) / 12,
    }
    return Candidate(at, text, body_at, features, candidate.glued_date)


def _at(candidate: Candidate) -> int:
    return candidate.at


def _date_next(units: list[str], at: int) -> bool:
    """A date line right under the headline, or under a byline right under it."""
    for unit in units[at + 1 : at + 3]:
        if _dated(unit):
            return True
        if not is_byline(unit):
            return False
    return False


@functools.lru_cache(maxsize=8192)  # asked many times per line
def _dated(unit: str) -> bool:
    return (
        not is_prose(unit) and len(unit) <= 220 and bool(dates_in(unit)) and not names_today(unit)
    )


class _Echoes:
    """The page's short lines joined once, so that finding a candidate's words again elsewhere
    (a breadcrumb's last crumb, the page title) is one search, not one per line."""

    def __init__(self, units: list[str]) -> None:
        picked = [(at, unit) for at, unit in enumerate(units) if len(unit) <= 300]
        picked = [(at, unit) for at, unit in picked if not is_prose(unit)]
        self.ids = [at for at, _ in picked]
        self.starts = list(itertools.accumulate((len(unit) + 1 for _, unit in picked), initial=0))
        self.joined = "\n".join(unit for _, unit in picked)

    def elsewhere(self, text: str, at: int) -> bool:
        if len(text) < 8:
            return False
        found = self.joined.find(text)
        while found != -1:  # the text has no line break: a match lies within one line
            if self.ids[bisect.bisect_right(self.starts, found) - 1] != at:
                return True
            found = self.joined.find(text, found + 1)
        return False


def headline_over_deck(
    found: list[Candidate], chosen: Candidate, units: list[str]
) -> Candidate | None:
    """The headline when the chosen line is its deck: a subheading in sentence case right under
    a headline of five words or more ("Good news on bus services!" over "Two bus routes are
    to be kept after the consultation"), which the model, fond of longer lines, may prefer.
    Not over a site's name and tagline, nor when the line above shares too few words with the
    text (a tagline, a menu)."""
    index = next((i for i, c in enumerate(found) if c is chosen), 0)
    if index == 0 or not _is_deck(chosen.text):
        return None
    above = found[index - 1]
    if above.body_at != chosen.body_at or len(_LETTER_WORD.findall(above.text)) < 5:
        return None
    if _SITE_LINE.search(above.text):
        return None  # "Acme Pumps | Engineered for the wet jobs": a site's name and tagline
    between = units[above.at + 1 : chosen.at]
    if above.features.get("company") or not all(is_meta(u) or is_chrome(u) for u in between):
        return None
    if not (above.text[0].isalnum() or above.text[0] in "\"'“‘"):
        return None
    # A site's tagline ("Quality and service since 1921") or a menu says little of what the
    # article says; a headline shares its words. A date right under the chosen line says that
    # it is the headline: then the line above must share more.
    shared = _stems(above.text) & _stems(" ".join(units[chosen.body_at : chosen.body_at + 3]))
    return above if len(shared) >= (3 if chosen.features.get("date_next") else 2) else None


_SITE_LINE = re.compile(r"\s[|–—-]\s")
_COMMON = frozenset(
    {
        "the", "and", "for", "are", "was", "were", "not", "but", "has", "have", "its", "our",
        "you", "your", "all", "who", "how", "why", "out", "may", "can", "one", "two", "now",
        "with", "from", "this", "that", "these", "they", "will", "more", "after", "about", "into",
    }
)  # fmt: skip


def _stems(text: str) -> set[str]:
    """Words of three letters or more, cut to four: "testing" and "tests" meet."""
    words = (word.lower() for word in _LETTER_WORD.findall(text) if len(word) >= 3)
    return {word[:4] for word in words if word not in _COMMON}


def _is_deck(text: str) -> bool:
    words = _LETTER_WORD.findall(text)
    capitals = sum(word[0].isupper() for word in words[1:])
    return len(words) >= 5 and capitals * 3 <= len(words) - 1


def score(candidate: Candidate, weights: dict[str, float]) -> float:
    return sum(weights.get(name, 0.0) * value for name, value in candidate.features.items())


def choose(found: list[Candidate], weights: dict[str, float] | None = None) -> Choice | None:
    if not found:
        return None
    weights = LEARNED_WEIGHTS if weights is None else weights
    scores = [score(c, weights) for c in found]
    top = max(scores)
    shares = [math.exp(s - top) for s in scores]
    total = sum(shares)
    order = sorted(range(len(found)), key=lambda i: -scores[i])
    best = order[0]
    runner_up = found[order[1]].text if len(order) > 1 else ""
    return Choice(found[best], shares[best] / total, runner_up)
