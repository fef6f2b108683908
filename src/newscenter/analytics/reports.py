"""The figures editors read, for the desk and the API alike: one period, its previous one.

Days already rolled up are read from their totals; the others (today, and yesterday for the
first minutes after midnight) are totalled from the raw events the same way
(:func:`rollup.aggregate`). Visitors of a period are the sum of each day's visitors: the
visitor hash changes every day, so that nobody (the site included) can tell whether Monday's
reader came back on Tuesday.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q, Sum

from newscenter.analytics import rollup
from newscenter.analytics.models import DailyTotal, Event, MonthlyTotal

RANGES = {"today": 1, "7d": 7, "30d": 30, "12m": 365}
MAX_DAYS = 3 * 366


class RangeError(ValueError):
    """A date range that cannot be read; the message says what was wrong."""


@dataclasses.dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def each_day(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range(self.days)]

    def label(self) -> str:
        if self.days == 1:
            return self.start.isoformat()
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def period(name: str | None = None, start: str | None = None, end: str | None = None,
           *, today: dt.date | None = None) -> Period:  # fmt: skip
    """A named range ending today (``today``, ``7d``, ``30d``, ``12m``), or ``start`` and
    ``end`` (ISO dates, both included); RangeError naming the parameter that is wrong."""
    today = today or rollup.today()
    if start or end or name == "custom":
        first, last = _date("start", start), _date("end", end or today.isoformat())
        if first > last:
            raise RangeError("start: must not be after end")
        if (last - first).days >= MAX_DAYS:
            raise RangeError(f"start: a range is at most {MAX_DAYS} days")
        return Period(first, last)
    name = name or "30d"
    if name not in RANGES:
        raise RangeError(f"range: {name!r} is not one of {', '.join([*RANGES, 'custom'])}")
    return Period(today - dt.timedelta(days=RANGES[name] - 1), today)


def _date(field: str, value: str | None) -> dt.date:
    if not value:
        raise RangeError(f"{field}: a date is needed (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RangeError(f"{field}: {value!r} is not a date (YYYY-MM-DD)") from None


# --- Reading totals ------------------------------------------------------------------------


class Figures:
    """The totals of several dimensions over one period, read at once: the stored totals
    (:func:`stored`) and one pass over the live events, instead of one of each per table (the
    Analytics page shows 17 tables; read one by one they cost a second at a year's range)."""

    def __init__(self, span: Period, dimensions: list[str]):
        self.span = span
        self.by: dict[str, dict[str, list[int]]] = {
            d: defaultdict(lambda: [0, 0]) for d in dimensions
        }
        for dimension, value, views, visitors in stored(span, dimensions):
            figures = self.by[dimension][value]
            figures[0] += views
            figures[1] += visitors
        self.live = _live(span, dimensions)
        for total in self.live:
            figures = self.by[total.dimension][total.value]
            figures[0] += total.views
            figures[1] += total.visitors
        for values in self.by.values():  # seen only on days a month's total had taken off
            for value in [value for value, (v, u) in values.items() if v == u == 0]:
                del values[value]

    def live_of(self, dimension: str) -> list[DailyTotal]:
        return [total for total in self.live if total.dimension == dimension]


Days = list[tuple[dt.date, dt.date]]  # ranges of days, both ends included


def stored(span: Period, dimensions: list[str], *, today: dt.date | None = None
           ) -> Iterator[tuple[str, str, int, int]]:  # fmt: skip
    """(dimension, value, views, visitors) of the stored totals of the period, to be added up:
    the sums of its days' totals, read as whole months' totals where the period covers a
    month, and for a month it cuts, either its days inside or its month's total less its days
    outside, whichever reads fewer days (:func:`plan`). A year reads 12 or 13 months and at
    most a month of days instead of 365 days of long tails (bench/analytics.py)."""
    by_month = [d for d in dimensions if d not in rollup.NOT_BY_MONTH]
    by_day = [d for d in dimensions if d in rollup.NOT_BY_MONTH]
    if by_day:
        yield from _daily(by_day, [(span.start, span.end)], 1)
    if not by_month:
        return
    months, added, taken = plan(span, today or rollup.today())
    if months:
        rows = (
            MonthlyTotal.objects.filter(dimension__in=by_month, month__in=months)
            .values_list("dimension", "value")
            .annotate(Sum("views"), Sum("visitors"))
            .order_by()
        )
        yield from rows
    yield from _daily(by_month, added, 1)
    yield from _daily(by_month, taken, -1)


def plan(span: Period, today: dt.date) -> tuple[list[dt.date], Days, Days]:
    """How to read the period's stored totals: the months whose totals to add, the days to add
    and the days to take off those months' totals. Days after ``today`` have no totals: they
    cost nothing to read or to take off."""
    months: list[dt.date] = []
    added: Days = []
    taken: Days = []
    month = rollup.month_of(span.start)
    while month <= span.end:
        last = rollup.month_end(month)
        first_in, last_in = max(month, span.start), min(last, span.end)
        if (first_in, last_in) == (month, last):
            months.append(month)
        else:
            stored_days = max(0, (min(last, today) - month).days + 1)
            inside = max(0, (min(last_in, today) - first_in).days + 1)
            if inside <= stored_days - inside:
                added.append((first_in, last_in))
            else:
                months.append(month)
                if first_in > month:
                    taken.append((month, first_in - dt.timedelta(days=1)))
                if last_in < last:
                    taken.append((last_in + dt.timedelta(days=1), last))
        month = last + dt.timedelta(days=1)
    return months, added, taken


def _daily(dimensions: list[str], days: Days, sign: int) -> Iterator[tuple[str, str, int, int]]:
    if not days:
        return
    within = Q()
    for first, last in days:
        within |= Q(day__gte=first, day__lte=last)
    rows = (
        DailyTotal.objects.filter(within, dimension__in=dimensions)
        .values_list("dimension", "value")
        .annotate(Sum("views"), Sum("visitors"))
        .order_by()
    )
    for dimension, value, views, visitors in rows:
        yield dimension, value, sign * views, sign * visitors


def totals(dimension: str, span: Period, figures: Figures | None = None) -> dict[str, list[int]]:
    """value -> [views, visitors] over the period: stored totals plus live ones."""
    if figures is None or dimension not in figures.by:
        figures = Figures(span, [dimension])
    return dict(figures.by[dimension])


def _live(span: Period, dimensions: list[str]) -> list[DailyTotal]:
    live = Event.objects.filter(rollup.live_filter(span.start, span.end))
    if not live.exists():  # one look, instead of reading nothing
        return []
    return rollup.aggregate_in_one_pass(live, dimensions)


def top(dimension: str, span: Period, limit: int = 10, figures: Figures | None = None
        ) -> list[dict[str, Any]]:  # fmt: skip
    rows = totals(dimension, span, figures)
    ranked = sorted(rows.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [{"value": value, "views": v, "visitors": u} for value, (v, u) in ranked[:limit]]


def series(span: Period, figures: Figures | None = None) -> list[dict[str, Any]]:
    """Views and visitors of each day of the period, days without any included."""
    days: dict[dt.date, list[int]] = {day: [0, 0] for day in span.each_day()}
    stored = DailyTotal.objects.filter(dimension="all", day__gte=span.start, day__lte=span.end)
    live = figures.live_of("all") if figures is not None else _live(span, ["all"])
    for total in [*stored.only("day", "views", "visitors"), *live]:
        days[total.day][0] += total.views
        days[total.day][1] += total.visitors
    return [{"day": day, "views": v, "visitors": u} for day, (v, u) in days.items()]


def summary(span: Period, figures: Figures | None = None) -> dict[str, Any]:
    """Views and visitors of the period and of the one before, with the change in percent."""
    now, before = _sum(span, figures), _sum(span.previous())
    return {
        "start": span.start,
        "end": span.end,
        "views": now[0],
        "visitors": now[1],
        "previous_views": before[0],
        "previous_visitors": before[1],
        "views_change": _change(now[0], before[0]),
        "visitors_change": _change(now[1], before[1]),
    }


def _sum(span: Period, figures: Figures | None = None) -> tuple[int, int]:
    both = totals("all", span, figures).get("", [0, 0])
    return both[0], both[1]


def _change(now: int, before: int) -> float | None:
    return None if before == 0 else round((now - before) * 100.0 / before, 1)


def articles(span: Period, limit: int = 10, figures: Figures | None = None
             ) -> list[dict[str, Any]]:  # fmt: skip
    """The most read articles: id, title, path, views, visitors."""
    from newscenter.news.models import Article

    ranked = top("article", span, limit, figures)
    found = Article.objects.in_bulk([int(row["value"]) for row in ranked])
    out = []
    for row in ranked:
        article = found.get(int(row["value"]))
        out.append({
            "id": int(row["value"]),
            "title": article.headline if article else "(deleted)",
            "path": article.get_absolute_url() if article else "",
            "views": row["views"],
            "visitors": row["visitors"],
        })  # fmt: skip
    return out


def sections(span: Period, limit: int = 10, figures: Figures | None = None
             ) -> list[dict[str, Any]]:  # fmt: skip
    from newscenter.news.models import Section

    ranked = top("section", span, limit, figures)
    names = Section.objects.in_bulk([int(row["value"]) for row in ranked])
    return [
        {
            "id": int(row["value"]),
            "name": names[int(row["value"])].name if int(row["value"]) in names else "(deleted)",
            "views": row["views"],
            "visitors": row["visitors"],
        }
        for row in ranked
    ]


def article_days(article_id: int, *, since: dt.date, until: dt.date | None = None
                 ) -> list[dict[str, Any]]:  # fmt: skip
    """An article's views and visitors on each day from ``since`` (its publication)."""
    span = Period(since, until or rollup.today())
    days: dict[dt.date, list[int]] = {day: [0, 0] for day in span.each_day()}
    stored = DailyTotal.objects.filter(dimension="article", value=str(article_id),
                                       day__gte=span.start, day__lte=span.end)  # fmt: skip
    live = Event.objects.filter(rollup.live_filter(span.start, span.end), article_id=article_id)
    live_rows = (
        rollup.views(live)
        .values("day")
        .annotate(v=Count("id"), u=Count("visitor", distinct=True))
        .order_by()
    )
    for total in stored:
        days[total.day][0] += total.views
        days[total.day][1] += total.visitors
    for row in live_rows:
        days[row["day"]][0] += row["v"]
        days[row["day"]][1] += row["u"]
    return [{"day": day, "views": v, "visitors": u} for day, (v, u) in days.items()]


def subscribers(span: Period, figures: Figures | None = None) -> list[dict[str, Any]]:
    """Each feed's subscribers as feed readers last reported them within the period."""
    latest: dict[str, tuple[dt.date, int]] = {}
    stored = DailyTotal.objects.filter(dimension="subscribers", day__gte=span.start,
                                       day__lte=span.end)  # fmt: skip
    live = figures.live_of("subscribers") if figures is not None else _live(span, ["subscribers"])
    for total in [*stored, *live]:
        if total.value not in latest or latest[total.value][0] < total.day:
            latest[total.value] = (total.day, total.views)
    ranked = sorted(latest.items(), key=lambda item: (-item[1][1], item[0]))
    return [{"feed": path, "subscribers": n, "day": day} for path, (day, n) in ranked]


def realtime(*, minutes: int = 30, now: dt.datetime | None = None) -> dict[str, Any]:
    """Visitors in the last ``minutes`` and the articles they are reading."""
    now = now or dt.datetime.now(tz=dt.UTC)
    recent = rollup.views(Event.objects.filter(at__gte=now - dt.timedelta(minutes=minutes)))
    figures = recent.aggregate(views=Count("id"), visitors=Count("visitor", distinct=True))
    pages = (
        recent.values("path")
        .annotate(views=Count("id"), visitors=Count("visitor", distinct=True))
        .order_by("-visitors", "-views", "path")[:10]
    )
    return {"minutes": minutes, **figures, "pages": list(pages)}


REPORT_TABLES = (
    ("channels", "channel"), ("referrers", "referrer"), ("campaigns", "campaign"),
    ("sources", "source"), ("countries", "country"), ("devices", "device"),
    ("browsers", "browser"), ("systems", "os"), ("languages", "language"),
    ("searches", "search"), ("searches_empty", "search-empty"), ("embeds", "embed"),
    ("kinds", "kind"),
)  # fmt: skip


def report(span: Period, limit: int = 10) -> dict[str, Any]:
    """Every figure of the Analytics page for one period, read in one pass (:class:`Figures`)."""
    dimensions = ["all", "article", "section", "subscribers", *(d for _, d in REPORT_TABLES)]
    figures = Figures(span, dimensions)
    return {
        "period": span,
        "summary": summary(span, figures),
        "series": series(span, figures),
        "articles": articles(span, limit, figures),
        "sections": sections(span, limit, figures),
        **{key: top(dimension, span, limit, figures) for key, dimension in REPORT_TABLES},
        "subscribers": subscribers(span, figures),
    }


CSV_TABLES = (
    ("channels", "channel"), ("referrers", "referrer"), ("campaigns", "campaign"),
    ("sources", "source"), ("countries", "country"), ("devices", "device"),
    ("browsers", "browser"), ("systems", "os"), ("languages", "language"),
    ("searches", "search"), ("searches_empty", "search without results"),
    ("embeds", "embedding site"), ("kinds", "kind of page"),
)  # fmt: skip


def as_csv(data: dict[str, Any]) -> str:
    """The report as one CSV table: table, item, views, visitors (spreadsheet-ready)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "item", "views", "visitors"])
    for row in data["series"]:
        writer.writerow(["day", row["day"].isoformat(), row["views"], row["visitors"]])
    for row in data["articles"]:
        writer.writerow(["article", _safe(row["path"] or row["title"]), row["views"],
                         row["visitors"]])  # fmt: skip
    for row in data["sections"]:
        writer.writerow(["section", _safe(row["name"]), row["views"], row["visitors"]])
    for key, name in CSV_TABLES:
        for row in data[key]:
            writer.writerow([name, _safe(row["value"]), row["views"], row["visitors"]])
    for row in data["subscribers"]:
        writer.writerow(["feed subscribers", _safe(row["feed"]), row["subscribers"], ""])
    return out.getvalue()


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (searches are typed by anyone)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
