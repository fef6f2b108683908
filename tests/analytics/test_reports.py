"""Reports against an event log with known answers; the rollup gives the raw events' figures;
the daily secret under a frozen clock; the desk's page and its CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest
import time_machine

from newscenter.analytics import reports, rollup
from newscenter.analytics.hits import Hit
from newscenter.analytics.models import DailySecret, DailyTotal, Event, MonthlyTotal, RolledDay
from tests.analytics.conftest import BROWSER, IPHONE, reader, stored
from tests.builders import make_article

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def log(article_ids: list[int]) -> dict:
    """A seeded event log over the 10 days before TODAY, and the answers counted by hand."""
    rng = random.Random(20)
    answers: dict = {"views": 0, "visitors": 0, "article": {}, "country": {}, "empty": {}}
    events = []
    for offset in range(10):
        day = TODAY - dt.timedelta(days=offset + 1)
        people = [f"{offset}-{n}" for n in range(rng.randint(3, 8))]
        answers["visitors"] += len(people)
        for person in people:
            for _ in range(rng.randint(1, 4)):
                article = rng.choice(article_ids)
                country = rng.choice(["DE", "FR", "US"])
                at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
                events.append(
                    Event(at=at, day=day, kind="article", path=f"/a/{article}",
                          article_id=article, visitor=person, country=country)
                )  # fmt: skip
                answers["views"] += 1
                answers["article"][article] = answers["article"].get(article, 0) + 1
                answers["country"][country] = answers["country"].get(country, 0) + 1
            query = rng.choice(["turbine", "zeppelin"])
            found = 0 if query == "zeppelin" else 2
            events.append(Event(at=at, day=day, kind="search", path="/news/search/",
                                visitor=person, query=query, results=found))  # fmt: skip
            answers["views"] += 1
            if not found:
                answers["empty"][query] = answers["empty"].get(query, 0) + 1
    Event.objects.bulk_create(events)
    return answers


def check(answers: dict, span: reports.Period) -> None:
    summary = reports.summary(span)
    assert (summary["views"], summary["visitors"]) == (answers["views"], answers["visitors"])
    assert {r["value"]: r["views"] for r in reports.top("country", span)} == answers["country"]
    assert {r["id"]: r["views"] for r in reports.articles(span)} == answers["article"]
    assert {r["value"]: r["views"] for r in reports.top("search-empty", span)} == answers["empty"]
    assert sum(day["views"] for day in reports.series(span)) == answers["views"]


def test_reports_give_the_known_answers_before_and_after_the_rollup():
    ids = [make_article().pk for _ in range(3)]
    answers = log(ids)
    span = reports.Period(TODAY - dt.timedelta(days=10), TODAY)
    check(answers, span)  # from the raw events
    rolled = rollup.rollup(now=dt.datetime.combine(TODAY, dt.time(1), tzinfo=dt.UTC))
    assert len(rolled) == 10
    assert RolledDay.objects.count() == 10
    check(answers, span)  # from the stored totals
    # Rolling up again changes nothing; deleting the raw events leaves the totals.
    rollup.rollup(now=dt.datetime.combine(TODAY, dt.time(1), tzinfo=dt.UTC))
    Event.objects.all().delete()
    check(answers, span)


def test_the_rollup_matches_the_raw_events_day_by_day():
    log([make_article().pk])
    day = TODAY - dt.timedelta(days=3)
    raw = Event.objects.filter(day=day)
    rollup.roll_day(day)
    total = DailyTotal.objects.get(day=day, dimension="all")
    assert total.views == raw.count()
    assert total.visitors == raw.values("visitor").distinct().count()


def test_retention_keeps_totals_and_deletes_old_raw_events(settings):
    log([make_article().pk])
    settings.NEWSCENTER_ANALYTICS_RAW_DAYS = 5
    now = dt.datetime.combine(TODAY, dt.time(1), tzinfo=dt.UTC)
    assert rollup.prune(now=now) == 0  # nothing rolled up: nothing deleted
    rollup.rollup(now=now)
    assert rollup.prune(now=now) > 0
    assert Event.objects.filter(day__lt=TODAY - dt.timedelta(days=5)).count() == 0
    assert DailyTotal.objects.filter(day__lt=TODAY - dt.timedelta(days=5)).exists()


def hit(ip: str = "81.2.69.142", ua: str = BROWSER) -> Hit:
    import time

    return Hit(at=time.time(), host="news.example", path="/news/", query="", ip=ip,
               user_agent=ua, referrer="", language="en")  # fmt: skip


def test_one_visitor_a_day_unlinkable_across_days():
    from newscenter.analytics import classify

    with time_machine.travel(dt.datetime(2026, 3, 9, 8, tzinfo=dt.UTC), tick=False):
        morning = classify.visitor(hit(), dt.date(2026, 3, 9))
        neighbour = classify.visitor(hit(ip="81.2.69.7"), dt.date(2026, 3, 9))  # same /24
        phone = classify.visitor(hit(ua=IPHONE), dt.date(2026, 3, 9))
    with time_machine.travel(dt.datetime(2026, 3, 9, 22, tzinfo=dt.UTC), tick=False):
        classify.forget_cached_secrets()  # another process, the same day
        evening = classify.visitor(hit(), dt.date(2026, 3, 9))
    assert morning == evening == neighbour
    assert phone != morning
    with time_machine.travel(dt.datetime(2026, 3, 10, 0, 30, tzinfo=dt.UTC), tick=False):
        assert rollup.forget_secrets() == 1  # yesterday's secret is gone
        assert list(DailySecret.objects.values_list("day", flat=True)) == []
        classify.forget_cached_secrets()
        next_day = classify.visitor(hit(), dt.date(2026, 3, 10))
        late = classify.visitor(hit(), dt.date(2026, 3, 9))  # a late hit of the day before
    assert next_day != morning
    assert late != morning  # its secret is gone: nobody can link it any more


def test_the_desk_page_shows_the_figures_and_exports_csv(client, role_client):
    article = make_article(headline="Ebersfurt plant opens")
    reader(client, article.get_absolute_url(), HTTP_REFERER="https://t.co/x")
    stored()
    editor = role_client("editor")
    page = editor.get("/admin/analytics/report/?range=7d")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ebersfurt plant opens" in text
    assert "<svg" in text
    assert 'role="img"' in text
    assert "social" in text
    assert "Switch counting off" not in text  # an editor reads; an administrator manages
    export = editor.get("/admin/analytics/report/?range=7d&format=csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert ["channel", "social", "1", "1"] in rows
    assert ["article", article.get_absolute_url(), "1", "1"] in rows
    live = editor.get("/admin/analytics/report/realtime/")
    assert b"1</strong> visitor" in live.content


def test_a_bad_range_is_named(role_client):
    page = role_client("editor").get("/admin/analytics/report/?start=2026-13-01")
    assert page.status_code == 200
    assert "start: &#x27;2026-13-01&#x27; is not a date" in page.content.decode()


def test_contributors_do_not_see_analytics(role_client):
    assert role_client("contributor").get("/admin/analytics/report/").status_code == 403


def test_an_administrator_deletes_the_raw_events(client, role_client):
    article = make_article()
    reader(client, article.get_absolute_url())
    assert len(stored()) == 1
    admin = role_client("administrator")
    admin.post("/admin/analytics/report/", {"delete_raw": "1"})
    assert Event.objects.count() == 0


def test_the_worker_rolls_finished_days_up():
    from django.core.management import call_command

    Event.objects.create(at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), day=dt.date(2026, 1, 5),
                         kind="index", path="/news/", visitor="a")  # fmt: skip
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "1 day(s) rolled up" in out.getvalue()
    assert DailyTotal.objects.get(day=dt.date(2026, 1, 5), dimension="all").views == 1


def test_long_ranges_read_months_and_give_the_sums_of_their_days():
    """A range reads whole months from their totals, and for a month it cuts either the days
    inside or the month less the days outside: always the sums of its days' totals."""
    rng = random.Random(7)
    first = dt.date(2026, 1, 1)
    events = []
    for offset in range(31 + 28 + 20):
        day = first + dt.timedelta(days=offset)
        at = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
        for n in range(rng.randint(1, 4)):
            events.append(Event(at=at, day=day, kind="article", path="/a/", visitor=f"{n}",
                                article_id=rng.choice([1, 2, 3, 4, 5]),
                                country=rng.choice(["DE", "FR", "US", "IT"])))  # fmt: skip
    Event.objects.bulk_create(events)
    rollup.rollup(now=dt.datetime(2026, 3, 21, 1, tzinfo=dt.UTC))
    Event.objects.all().delete()
    for month in (dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)):
        days = DailyTotal.objects.filter(day__gte=month, day__lte=rollup.month_end(month))
        months = MonthlyTotal.objects.filter(month=month)
        assert {(t.dimension, t.value, t.views, t.visitors) for t in months} == {
            (dimension, value, views, visitors) for (dimension, value), (views, visitors)
            in _sums(days).items()
        }  # fmt: skip
    dimensions = ["all", "article", "country"]
    for start, end in [
        (dt.date(2026, 1, 3), dt.date(2026, 3, 5)),  # January less two days, February, 5 days
        (dt.date(2026, 1, 1), dt.date(2026, 2, 28)),  # two whole months
        (dt.date(2026, 2, 10), dt.date(2026, 2, 12)),  # days within a month
        (dt.date(2026, 1, 20), dt.date(2026, 3, 31)),  # into days not rolled up (none)
    ]:
        span = reports.Period(start, end)
        figures = reports.Figures(span, dimensions)
        expected = _sums(DailyTotal.objects.filter(day__gte=start, day__lte=end,
                                                   dimension__in=dimensions))  # fmt: skip
        got = {(d, value): tuple(pair) for d in dimensions
               for value, pair in figures.by[d].items()}  # fmt: skip
        assert got == expected, (start, end)


def _sums(totals) -> dict[tuple[str, str], tuple[int, int]]:
    sums: dict[tuple[str, str], tuple[int, int]] = {}
    for total in totals:
        views, visitors = sums.get((total.dimension, total.value), (0, 0))
        sums[(total.dimension, total.value)] = (views + total.views, visitors + total.visitors)
    return sums


@pytest.mark.django_db(transaction=True)
def test_days_rolled_up_before_monthly_totals_get_theirs():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("analytics", "0001_initial")], [("analytics", "0002_monthly_totals")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("analytics", "DailyTotal")
    old.objects.bulk_create([
        old(day=dt.date(2026, 1, 30), dimension="country", value="DE", views=3, visitors=2),
        old(day=dt.date(2026, 1, 31), dimension="country", value="DE", views=4, visitors=4),
        old(day=dt.date(2026, 2, 1), dimension="country", value="DE", views=1, visitors=1),
        old(day=dt.date(2026, 2, 1), dimension="subscribers", value="/news/feed/", views=9),
    ])  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    assert set(MonthlyTotal.objects.values_list("month", "dimension", "value", "views",
                                                "visitors")) == {
        (dt.date(2026, 1, 1), "country", "DE", 7, 6),
        (dt.date(2026, 2, 1), "country", "DE", 1, 1),
    }  # fmt: skip


def test_the_one_pass_totals_are_the_queries_totals():
    """Reports total today's raw events in one pass (rollup.aggregate_in_one_pass), the
    rollup with a query per dimension (rollup.aggregate): the same totals, empty values,
    searches that found nothing, embeds and feed readers included."""
    rng = random.Random(3)
    events = []
    for n in range(300):
        day = TODAY - dt.timedelta(days=n % 2)
        at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        kind = rng.choice(["article", "search", "embed", "feed", "index"])
        events.append(Event(
            at=at, day=day, kind=kind, path=f"/p/{n % 7}", visitor=rng.choice(["", "a", "b"]),
            article_id=rng.choice([None, 1, 2]), section_id=rng.choice([None, 3]),
            channel=rng.choice(["direct", "social"]), referrer=rng.choice(["", "t.co"]),
            utm_campaign=rng.choice(["", "spring"]), country=rng.choice(["", "DE"]),
            query=rng.choice(["", "zeppelin"]) if kind == "search" else "",
            results=rng.choice([None, 0, 3]) if kind == "search" else None,
            subscribers=rng.choice([None, 12]) if kind == "feed" else None,
            browser="Feedly" if kind == "feed" else rng.choice(["", "Chrome"]),
        ))  # fmt: skip
    Event.objects.bulk_create(events)
    dimensions = [*rollup.DIMENSIONS, *rollup.DERIVED]

    def rows(totals):
        return sorted((t.dimension, t.day, t.value, t.views, t.visitors) for t in totals)

    queried = rows(rollup.aggregate(Event.objects.all(), dimensions))
    assert {row[0] for row in queried} >= {
        "all",
        "article",
        "section",
        "referrer",
        "campaign",
        "search",
        "search-empty",
        "embed",
        "subscribers",
    }
    assert rows(rollup.aggregate_in_one_pass(Event.objects.all(), dimensions)) == queried
