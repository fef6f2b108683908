"""Daily totals from raw events, the retention of raw events, and the end of daily secrets.

One aggregation (:func:`aggregate`) serves the rollup, which stores a finished day's totals,
and the reports, which total the days not rolled up yet (today) from the raw events the same
way: a report reads the same figures before and after its days are rolled up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum

from newscenter.analytics.models import DailySecret, DailyTotal, Event, MonthlyTotal, RolledDay

# dimension -> the event field it groups by ("" for the whole site)
DIMENSIONS = {
    "all": "",
    "kind": "kind",
    "path": "path",
    "article": "article_id",
    "section": "section_id",
    "channel": "channel",
    "referrer": "referrer",
    "source": "utm_source",
    "medium": "utm_medium",
    "campaign": "utm_campaign",
    "country": "country",
    "device": "device",
    "browser": "browser",
    "os": "os",
    "language": "language",
    "search": "query",
}
# Not views: "search-empty" counts searches that found nothing, by query; "embed" views of
# widgets by embedding site; "subscribers" the subscribers feed readers report, by feed path.
DERIVED = ("search-empty", "embed", "subscribers")
GRACE = dt.timedelta(minutes=10)  # a day is rolled up this long after it ends (UTC)


def views(events: QuerySet[Event]) -> QuerySet[Event]:
    """Events that are views (not an aggregator's poll)."""
    return events.filter(subscribers__isnull=True)


def aggregate(events: QuerySet[Event], dimensions: Iterable[str] | None = None) -> list[DailyTotal]:
    """The daily totals of ``events`` (unsaved), for each dimension asked (all by default)."""
    wanted = list(dimensions) if dimensions is not None else [*DIMENSIONS, *DERIVED]
    seen = views(events)
    totals: list[DailyTotal] = []
    figures = {"views": Count("id"), "visitors": Count("visitor", distinct=True)}
    for dimension in wanted:
        if dimension == "subscribers":
            totals += _subscribers(events)
            continue
        if dimension == "search-empty":
            rows = seen.filter(results=0).exclude(query="").values("day", value=F("query"))
        elif dimension == "embed":
            rows = seen.filter(kind=Event.Kind.EMBED).values("day", value=F("referrer"))
        else:
            field = DIMENSIONS[dimension]
            if not field:
                rows = seen.values("day")  # type: ignore[assignment]
            else:
                subset = seen.exclude(**{f"{field}__isnull": True})
                if field not in ("article_id", "section_id"):
                    subset = subset.exclude(**{field: ""})
                rows = subset.values("day", value=F(field))
        for row in rows.annotate(**figures).order_by():
            value = row.get("value", "")
            totals.append(DailyTotal(day=row["day"], dimension=dimension,
                                     value="" if value is None else str(value)[:500],
                                     views=row["views"], visitors=row["visitors"]))  # fmt: skip
    return totals


def aggregate_in_one_pass(events: QuerySet[Event], dimensions: Iterable[str]) -> list[DailyTotal]:
    """:func:`aggregate`'s totals (the same, a test holds them together), from one read of the
    events totalled here instead of a query per dimension: what a report does with today's
    raw events, a day's worth at most, where 17 queries each sorting the day's events for
    their distinct visitors cost more than the whole year's stored totals
    (bench/analytics.py)."""
    wanted = list(dimensions)
    keyed = [(d, DIMENSIONS[d]) for d in wanted if d in DIMENSIONS]
    columns = sorted({"day", "visitor", "subscribers", "results", "query", "kind", "referrer"}
                     | {field for _, field in keyed if field})  # fmt: skip
    at = {name: n for n, name in enumerate(columns)}
    sums: dict[tuple[str, dt.date, str], tuple[list[int], set[str]]] = {}

    def add(dimension: str, day: dt.date, value: object, visitor: str) -> None:
        key = (dimension, day, "" if value is None else str(value)[:500])
        entry = sums.get(key)
        if entry is None:
            entry = sums[key] = ([0], set())
        entry[0][0] += 1
        entry[1].add(visitor)

    empty_searches, embeds = "search-empty" in wanted, "embed" in wanted
    for row in events.filter(subscribers__isnull=True).values_list(*columns).iterator(2000):
        day, visitor = row[at["day"]], row[at["visitor"]]
        for dimension, field in keyed:
            if not field:
                add(dimension, day, "", visitor)
                continue
            value = row[at[field]]
            if value is None or (value == "" and field not in ("article_id", "section_id")):
                continue
            add(dimension, day, value, visitor)
        if empty_searches and row[at["results"]] == 0 and row[at["query"]] != "":
            add("search-empty", day, row[at["query"]], visitor)
        if embeds and row[at["kind"]] == Event.Kind.EMBED:
            add("embed", day, row[at["referrer"]], visitor)
    totals = [
        DailyTotal(day=day, dimension=dimension, value=value, views=views[0],
                   visitors=len(visitors))
        for (dimension, day, value), (views, visitors) in sums.items()
    ]  # fmt: skip
    if "subscribers" in wanted:
        totals += _subscribers(events)
    return totals


def _subscribers(events: QuerySet[Event]) -> list[DailyTotal]:
    """Per feed and day: each aggregator's largest figure of the day, added up."""
    polls = (
        events.filter(subscribers__isnull=False)
        .values("day", "path", "browser")
        .annotate(most=Max("subscribers"))
        .order_by()
    )
    per_feed: dict[tuple[dt.date, str], int] = defaultdict(int)
    for row in polls:
        per_feed[(row["day"], row["path"])] += row["most"] or 0
    return [
        DailyTotal(day=day, dimension="subscribers", value=path, views=total, visitors=0)
        for (day, path), total in per_feed.items()
    ]


def today() -> dt.date:
    return dt.datetime.now(tz=dt.UTC).date()


def rollup(*, now: dt.datetime | None = None) -> list[dt.date]:
    """Total every finished day not rolled up yet; the days rolled up. Idempotent: a day's
    totals are replaced whole, in one transaction with its mark."""
    now = now or dt.datetime.now(tz=dt.UTC)
    last = (now - GRACE).date() - dt.timedelta(days=1)  # the last day that is over
    rolled = set(RolledDay.objects.values_list("day", flat=True))
    days = sorted(
        set(Event.objects.filter(day__lte=last).values_list("day", flat=True).distinct()) - rolled
    )
    for day in days:
        roll_day(day)
    return days


def roll_day(day: dt.date) -> None:
    """A day's totals from its events, and its month's totals again (one transaction)."""
    with transaction.atomic():
        events = Event.objects.filter(day=day)
        DailyTotal.objects.filter(day=day).delete()
        DailyTotal.objects.bulk_create(aggregate(events), batch_size=1000)
        RolledDay.objects.update_or_create(day=day, defaults={"events": events.count()})
        roll_month(day)


# Not summed by month: a feed's subscribers are the latest day's figure, not a sum of days.
NOT_BY_MONTH = ("subscribers",)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    """The last day of ``month`` (its first day)."""
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def roll_month(day: dt.date) -> None:
    """The totals of ``day``'s month made again from its days' totals (so they always equal
    their sum: a report may read either)."""
    month = month_of(day)
    with transaction.atomic():
        MonthlyTotal.objects.filter(month=month).delete()
        rows = (
            DailyTotal.objects.filter(day__gte=month, day__lte=month_end(month))
            .exclude(dimension__in=NOT_BY_MONTH)
            .values("dimension", "value")
            .annotate(views_=Sum("views"), visitors_=Sum("visitors"))
            .order_by()
        )
        MonthlyTotal.objects.bulk_create(
            (MonthlyTotal(month=month, dimension=row["dimension"], value=row["value"],
                          views=row["views_"], visitors=row["visitors_"]) for row in rows),
            batch_size=2000,
        )  # fmt: skip


def prune(*, now: dt.datetime | None = None) -> int:
    """Delete raw events past the retention, of days rolled up only; how many."""
    now = now or dt.datetime.now(tz=dt.UTC)
    before = now.date() - dt.timedelta(days=settings.NEWSCENTER_ANALYTICS_RAW_DAYS)
    rolled = RolledDay.objects.filter(day__lt=before).values("day")
    deleted, _ = Event.objects.filter(day__lt=before, day__in=rolled).delete()
    return deleted


def forget_secrets(*, now: dt.datetime | None = None) -> int:
    """Delete the daily secrets of days that are over: their visitors cannot be linked to
    anyone's again, not even by the site."""
    now = now or dt.datetime.now(tz=dt.UTC)
    deleted, _ = DailySecret.objects.filter(day__lt=(now - GRACE).date()).delete()
    return deleted


def delete_raw_events() -> int:
    """Every raw event gone (an administrator's button); the daily totals stay."""
    deleted, _ = Event.objects.all().delete()
    return deleted


def maintain(*, now: dt.datetime | None = None) -> dict[str, int]:
    """What the worker runs every few minutes."""
    return {
        "rolled": len(rollup(now=now)),
        "pruned": prune(now=now),
        "secrets": forget_secrets(now=now),
    }


def live_filter(start: dt.date, end: dt.date) -> Q:
    """Events of days in [start, end] whose totals are not stored yet: their days listed
    (usually today alone), which an index on the day finds, instead of the events of the
    whole range less the rolled days, which PostgreSQL read by scanning the table."""
    rolled = set(
        RolledDay.objects.filter(day__gte=start, day__lte=end).values_list("day", flat=True)
    )
    days = (start + dt.timedelta(days=n) for n in range((end - start).days + 1))
    return Q(day__in=[day for day in days if day not in rolled])
