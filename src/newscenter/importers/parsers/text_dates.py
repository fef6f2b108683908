"""The article's own date among the dates a page prints: the hand-written rules (a date
labelled as the publication's or right under the headline wins over a dateline, a "today"
clock or an event's date), and a learned chooser over the same candidates.

The learned chooser is a conditional logit: every date the page prints, and "no date", is a
candidate described by a few features (how far from the headline, labelled "Posted" or
"Date:", inside a byline, in a sentence, the page's latest...), scored, and the scores turned
into a confidence by a softmax. ``bench/choosers.py`` cross-validates it against the rules
over every annotated real page and writes ``text_date_weights.json`` when it wins; without
that file the rules choose. Pure: no I/O but the one small weights file read at import.
"""

# Full-width colons below are deliberate: pages use them.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from newscenter.importers.parsers.dates import DateReader, dates_in
from newscenter.importers.parsers.lines import is_byline, is_chrome, is_prose
from newscenter.importers.parsers.text_headline import Candidate, is_meta

_OWN_LABEL = re.compile(
    r"(?i)(?<![^\W\d_])(?:publish\w*|posted(?: on)?|post time|releas\w*|issued|dated?|time|on"
    r"|am|le|el|veröffentlicht|erstellt|datum|stand|发布\w*|日期|时间)\W{0,3}$"
)
_OTHER_LABEL = re.compile(
    r"(?i)(?<![^\W\d_])(?:updated|modified|last edited|event|when|deadline|closing|expires|until"
    r"|from|to|photo\w*|taken|born|today is|aktualisiert|bis|vom)\W{0,3}$"
)
_TODAY_LINE = re.compile(r"(?i)\btoday\b|\bheute\b|今天")
_DATELINE_AT = 60  # a wire dateline opens the first paragraph: "SHANGHAI, Sept. 19 (Xinhua) --"
_DATELINE_MARK = re.compile(r"\s*(?:/[^/]{1,30}/|\([^)]{1,30}\))?\s*(?:--|—|–|-|:)")
_MIN_DATE_WEIGHT = -0.5  # below this, a "today" or event date: no date rather than a wrong one


def find_date(
    units: list[str], found: Candidate, reader: DateReader
) -> tuple[dt.datetime | None, int | None, float]:
    """The article's own date, its unit and the confidence: by the learned weights when they
    are shipped, else by the rules."""
    if LEARNED_WEIGHTS is not None:
        return choose_date(date_candidates(units, found, reader), LEARNED_WEIGHTS)
    return rule_date(units, found, reader)


def rule_date(
    units: list[str], found: Candidate, reader: DateReader
) -> tuple[dt.datetime | None, int | None, float]:
    """The rules: labelled or right under the headline wins over a dateline."""
    best: tuple[float, dt.datetime, int] | None = None
    distinct: set[dt.date] = set()
    for at in _date_zone(units, found):
        unit = units[at]
        if at != found.at and at != found.body_at and (is_prose(unit) or len(unit) > 220):
            if at > found.body_at:
                break
            continue
        for match in dates_in(unit):
            if at == found.body_at and not _is_dateline(unit, match):
                break
            pub_date = reader.read(match)
            if pub_date is None:
                continue
            weight = _date_weight(unit, match, at, found)
            distinct.add(pub_date.date())
            if best is None or weight > best[0]:
                best = (weight, pub_date, at)
    if best is None or best[0] < _MIN_DATE_WEIGHT:
        return _published_line(units, reader)
    weight, pub_date, at = best
    confidence = 0.95 if weight >= 2.5 else 0.85 if weight >= 1 else 0.6
    if len(distinct) > 1:
        confidence -= 0.15
    return pub_date, at, round(confidence, 2)


_PUBLISHED = re.compile(
    r"(?i)^(?:first )?(?:published|posted|released|issued|release (?:date|time)|publication date"
    r"|date (?:published|posted|of (?:publication|issue|release))|publish(?:ed)? (?:date|time)"
    r"|post(?:ed)? (?:date|time)|time of (?:issue|release|publication)"
    r"|veröffentlicht|publié|publicado|pubblicato|发布时间|发布日期)"
    r"(?: on| am| le| el| il)?\s*[:：]?\s*"
)
# The same labels, and a few that need their colon ("Date:", "日期:"), anywhere in a line of
# fields: "Source: Harbour Press | Date: 2024-05-14 | Views: 31", "来源:本站 时间:2024-05-14".
_PUBLISHED_FIELD = re.compile(
    r"(?i)(?:^|(?<=[\s|·•/]))(?:(?:first )?(?:published|posted|released|issued|created|submitted"
    r"|written|release (?:date|time)|publication date|publish(?:ed)? (?:date|time)"
    r"|post(?:ed)? (?:date|time)|date (?:published|posted)|veröffentlicht|erstellt|publié"
    r"|publicado|pubblicato)(?: on| am| le| el| il)?\s*[:：]?"
    r"|(?:date|datum|fecha|日期|时间|发布时间|发布日期|发表时间)\s*[:：])\s*(?=\d|[^\W\d_]{3})"
)
# A byline with its date: "Posted by Jane Roe on 14 May 2024", "By Jane Roe | 14 May 2024".
_DATED_BYLINE = re.compile(
    r"(?i)(?:(?:posted|written|published|submitted) )?by [^\W\d_].{0,40}?(?: on |\s?[|·•,]\s?)"
)


def _published_line(
    units: list[str], reader: DateReader
) -> tuple[dt.datetime | None, int | None, float]:
    """Nothing near the headline: lines labelled as the publication date, anywhere, that
    agree on the day (a page may print it at the top and again at the foot)."""
    found = [
        (at, pub_date)
        for at, unit in enumerate(units)
        if (match := _labelled_date(unit)) and (pub_date := reader.read(match))
    ]
    if len({pub_date.date() for _, pub_date in found}) != 1:
        return None, None, 0.8 if not found else 0.5
    at, pub_date = found[0]
    return pub_date, at, 0.8


def _labelled_date(unit: str) -> re.Match[str] | None:
    """The date a publication label names in a short line, or None."""
    if len(unit) > 160:
        return None
    if len(unit) <= 80 and _PUBLISHED.match(unit):
        return next(iter(dates_in(unit)), None)
    if is_prose(unit):
        return None
    # The labels first, the dates only where one is: most lines have neither.
    if label := _DATED_BYLINE.match(unit):
        found = dates_in(unit)
        return found[0] if found and found[0].start() == label.end() else None
    labels = [
        label
        for label in _PUBLISHED_FIELD.finditer(unit)
        if not ((before := unit[: label.start()].rstrip()[-1:]).isascii() and before.isalpha())
    ]  # but not "Event date: ...", "Closing date: ..."
    starts = {match.start(): match for match in dates_in(unit)} if labels else {}
    return next((starts[label.end()] for label in labels if label.end() in starts), None)


def _is_dateline(unit: str, match: re.Match[str]) -> bool:
    """ "GUANGZHOU, China, Oct. 27, 2025 /PRNewswire/ --": a place, the date, a wire's mark."""
    before = unit[: match.start()]
    if match.start() > _DATELINE_AT or any(w[:1].islower() for w in before.split()):
        return False
    return bool(_DATELINE_MARK.match(unit, match.end()))


def _date_zone(units: list[str], found: Candidate) -> list[int]:
    # Right above the headline, or two above past a byline or a share line; a date above the
    # site's name or a menu is the header's clock.
    above = [found.at - 1] if found.at >= 1 else []
    if found.at >= 2 and (is_meta(units[found.at - 1]) or is_chrome(units[found.at - 1])):
        above.insert(0, found.at - 2)
    # A standfirst may sit above the date line: look a little past the first paragraph.
    zone = [*above, *range(found.at + 1, min(found.body_at + 3, len(units)))]
    return [found.at, *zone] if found.glued_date else zone


def _date_weight(unit: str, match: re.Match[str], at: int, found: Candidate) -> float:
    before = unit[max(match.start() - 30, 0) : match.start()]
    weight = 0.0
    if _OWN_LABEL.search(before) or is_byline(unit):
        weight += 2.0
    elif _OTHER_LABEL.search(before):
        weight -= 2.0
    if _TODAY_LINE.search(unit):
        weight -= 3.0
    if at == found.at:
        weight += 1.5
    elif found.at < at < found.body_at:
        weight += 1.0 - 0.1 * (at - found.at)
    elif at < found.at:
        weight += 0.5 - 0.2 * (found.at - at)
    return weight


# --- the learned chooser ------------------------------------------------------------------

SCAN_UNITS = 400  # dates further down a page are not its own
MAX_CANDIDATES = 60
FEATURES = (
    "none", "none_many", "own_label", "other_label", "published", "byline", "today", "glued",
    "between", "above", "near", "far", "zone", "sentence", "dateline", "short_line",
    "after_body", "first_below", "top", "bottom", "latest", "earliest", "named_month", "clock",
    "repeated", "chrome", "rule_pick",
)  # fmt: skip
WEIGHTS_FILE = Path(__file__).with_name("text_date_weights.json")


def _load_weights() -> dict[str, float] | None:
    """The shipped weights, or None (the rules choose) when there is no valid file."""
    try:
        data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
        return {name: float(data["weights"].get(name, 0.0)) for name in FEATURES}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


LEARNED_WEIGHTS = _load_weights()


@dataclass(frozen=True)
class DateCandidate:
    """One date the page prints (``at`` None and no date: the choice of none)."""

    at: int | None
    pub_date: dt.datetime | None
    features: dict[str, float]


@dataclass(frozen=True)
class _PageDates:
    """What every candidate's features compare it with."""

    distinct: set[dt.date]
    days: list[dt.date]
    zone: set[int]  # where the rules look
    first_below: int | None  # the first candidate at or under the headline


def date_candidates(units: list[str], found: Candidate, reader: DateReader) -> list[DateCandidate]:
    """Every readable date in the page's first units, described; "no date" comes first."""
    zone = set(_date_zone(units, found))
    raw: list[tuple[int, re.Match[str], dt.datetime]] = []
    for at, unit in enumerate(units[:SCAN_UNITS]):
        for match in dates_in(unit):
            if (pub_date := reader.read(match)) is not None:
                raw.append((at, match, pub_date))
        if len(raw) >= MAX_CANDIDATES:
            break
    days = [pub_date.date() for _, _, pub_date in raw]
    distinct = set(days)
    first_below = next((i for i, (at, _, _) in enumerate(raw) if at >= found.at), None)
    page = _PageDates(distinct, days, zone, first_below)
    rule_day, rule_at, _ = rule_date(units, found, reader)
    described = [
        DateCandidate(
            at,
            pub_date,
            {
                **_date_features(units, found, index, raw, page),
                "rule_pick": float(at == rule_at and pub_date == rule_day),
            },
        )
        for index, (at, _, pub_date) in enumerate(raw)
    ]
    none = {
        "none": 1.0,
        "none_many": min(len(distinct), 10) / 10,
        "rule_pick": float(rule_day is None),
    }
    return [DateCandidate(None, None, none), *described]


def _date_features(
    units: list[str],
    found: Candidate,
    index: int,
    raw: list[tuple[int, re.Match[str], dt.datetime]],
    page: _PageDates,
) -> dict[str, float]:
    at, match, pub_date = raw[index]
    unit = units[at]
    before = unit[max(match.start() - 30, 0) : match.start()]
    labelled = _labelled_date(unit)
    distance = abs(at - found.at)
    day, distinct = pub_date.date(), page.distinct
    return {
        "own_label": float(bool(_OWN_LABEL.search(before))),
        "other_label": float(bool(_OTHER_LABEL.search(before))),
        "published": float(labelled is not None and labelled.start() == match.start()),
        "byline": float(is_byline(unit)),
        "today": float(bool(_TODAY_LINE.search(unit))),
        "glued": float(at == found.at),
        "between": float(found.at < at < found.body_at),
        "above": float(at < found.at),
        "near": 1 / (1 + distance),
        "far": min(distance, 40) / 40,
        "zone": float(at in page.zone),
        "sentence": float(is_prose(unit) or len(unit) > 220),
        "dateline": float(at == found.body_at and _is_dateline(unit, match)),
        "short_line": float(len(unit) <= 60),
        "after_body": float(at > found.body_at),
        "first_below": float(index == page.first_below),
        "top": float(at < 5),
        "bottom": float(at >= len(units) - 8),
        "latest": float(len(distinct) > 1 and day == max(distinct)),
        "earliest": float(len(distinct) > 1 and day == min(distinct)),
        "named_month": float(bool(match.groupdict().get("name"))),
        "clock": float(bool(match.groupdict().get("hour"))),
        "repeated": float(page.days.count(day) > 1),
        "chrome": float(is_chrome(unit)),
    }


def choose_date(
    found: list[DateCandidate], weights: dict[str, float]
) -> tuple[dt.datetime | None, int | None, float]:
    """The best-scored candidate, and its softmax share as the confidence."""
    scores = [sum(weights.get(n, 0.0) * v for n, v in c.features.items()) for c in found]
    top = max(scores)
    shares = [math.exp(score - top) for score in scores]
    best = max(range(len(found)), key=scores.__getitem__)
    chosen = found[best]
    return chosen.pub_date, chosen.at, round(shares[best] / sum(shares), 2)
