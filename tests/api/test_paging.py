"""The article list's pages: page N costs what page 2 costs, and the total is counted once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newscenter.api import listing
from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, sqlite_steps

pytestmark = pytest.mark.django_db


def body(response) -> dict:
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def walk(api, query: dict) -> tuple[list[dict], list[int]]:
    """Every page from the first, following ``next``: the items and each page's total."""
    data = body(api.get("/api/v1/articles", query))
    items, totals = list(data["items"]), [data["total"]]
    while data["next"]:
        data = body(api.get(data["next"].removeprefix(settings.NEWSCENTER_BASE_URL)))
        items += data["items"]
        totals.append(data["total"])
    return items, totals


def test_articles_sharing_a_date_are_each_listed_once_in_order(api):
    same = timezone.now() - dt.timedelta(hours=2)
    made = [make_article(headline=f"Tied {n}", pub_date=same) for n in range(5)]
    made.append(make_article(headline="Newer", pub_date=same + dt.timedelta(minutes=1)))
    made.append(make_article(headline="Older", pub_date=same - dt.timedelta(minutes=1)))
    items, totals = walk(api, {"limit": 2, "fields": "id,headline"})
    expected = sorted(made, key=lambda a: (a.pub_date, a.pk), reverse=True)
    assert [i["id"] for i in items] == [a.pk for a in expected]
    assert totals == [7, 7, 7, 7]


def test_later_pages_carry_the_first_pages_total_instead_of_counting(api):
    for n in range(5):
        make_article(headline=f"Pump news {n}", pub_date=timezone.now() - dt.timedelta(hours=n + 1))
    first = body(api.get("/api/v1/articles", {"limit": 2}))
    make_article(headline="Published meanwhile")  # newer than the cursor: not on later pages
    with CaptureQueriesContext(connection) as queries:
        second = body(api.get(first["next"].removeprefix(settings.NEWSCENTER_BASE_URL)))
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert second["total"] == first["total"] == 5
    # A new walk counts again.
    assert body(api.get("/api/v1/articles", {"limit": 2}))["total"] == 6


def test_a_filtered_list_counts_once_and_carries_its_total(api, token_for):
    section = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    for n in range(5):
        make_article(headline=f"Plant {n}", section=section)
    make_article(headline="Elsewhere")
    items, totals = walk(api, {"limit": 2, "section": "plants"})
    assert len(items) == 5
    assert totals == [5, 5, 5]
    _, bearer = token_for("editor", "articles:read")
    for n in range(3):
        make_article(headline=f"Draft {n}", status="draft", pub_date=None)
    data = body(api.get("/api/v1/articles", {"status": "draft", "limit": 2},
                        HTTP_AUTHORIZATION=bearer))  # fmt: skip
    seen, totals = list(data["items"]), [data["total"]]
    while data["next"]:
        data = body(api.get(data["next"].removeprefix(settings.NEWSCENTER_BASE_URL),
                            HTTP_AUTHORIZATION=bearer))  # fmt: skip
        seen += data["items"]
        totals.append(data["total"])
    assert len(seen) == 3
    assert totals == [3, 3]


@pytest.mark.parametrize(
    "values",
    [
        ["2026-01-01T00:00:00+00:00", True, 3],  # a boolean is no id
        ["2026-01-01T00:00:00+00:00", 5, -1],  # nor a negative total
        ["2026-01-01T00:00:00", 5, 3],  # a date without its offset
        ["yesterday", 5, 3],
        ["2026-01-01T00:00:00+00:00", 5],  # a cursor without its total
        ["9999-12-31T23:59:59-05:00", 5, 3],  # no date in UTC
        ["0001-01-01T00:00:00+05:00", 5, 3],
    ],
)
def test_a_damaged_cursor_is_a_400_naming_the_cursor(api, values):
    response = api.get("/api/v1/articles", {"cursor": listing.encode(values)})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["errors"][0]["field"] == "cursor"


def _bulk(count: int) -> None:
    """Enough rows for the planner to care, in one statement (the list only reads them)."""
    now = timezone.now()
    rows = []
    for n in range(count):
        when = now - dt.timedelta(minutes=n + 1)
        status = Article.Status.PUBLISHED if n % 10 else Article.Status.DRAFT
        rows.append(Article(headline=f"Row {n}", slug=f"row-{n}", status=status,
                            pub_date=when, pub_day=when.date()))  # fmt: skip
    Article.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _cursor_at(position: int, total: int) -> str:
    article = Article.objects.published().order_by("-pub_date", "-id")[position]
    return listing.Anchor(article.pub_date, article.pk, total).encode()


def _steps(api, path: str) -> int:
    return sqlite_steps(lambda: body(api.get(path)))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own step counter")
def test_a_deep_page_costs_sqlite_what_the_second_page_costs(api):
    _bulk(4000)
    total = Article.objects.published().count()
    second = _steps(api, "/api/v1/articles?limit=20&cursor=" + _cursor_at(19, total))
    deep = _steps(api, "/api/v1/articles?limit=20&cursor=" + _cursor_at(3400, total))
    # Before the row value, the deep page walked 3,400 index entries from the newest: some
    # forty times the second page's steps.
    assert deep < 2 * second, (second, deep)


def test_the_cursor_bounds_the_index_walk(api):
    _bulk(4000)
    total = Article.objects.published().count()
    path = "/api/v1/articles?limit=20&cursor=" + _cursor_at(3000, total)
    queries = []

    def record(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        body(api.get(path))
    [(sql, params)] = [(s, p) for s, p in queries if "LIMIT 21" in s and 'FROM "news_article"' in s]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "article_listing_idx" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
        else:
            cursor.execute("SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "article_listing_idx" in plan, plan
            [condition] = [line for line in plan.splitlines() if "Index Cond:" in line]
            assert "ROW(pub_date, id) < ROW(" in condition, plan
            assert "Sort" not in plan, plan


def test_a_tag_or_author_list_is_paged_along_its_entries_and_counts_them(api):
    now = timezone.now()
    tag = services.tag_get_or_create(name="Pumps", acting_user=SYSTEM)
    author = services.author_get_or_create(name="Ola Berg", acting_user=SYSTEM)
    made = [
        make_article(
            headline=f"Pump {n}", tags=[tag] if n % 2 else [], authors=[author] if n % 3 else [],
            pub_date=now - dt.timedelta(minutes=n + 1),
        )
        for n in range(12)
    ]  # fmt: skip
    make_article(headline="Future pump", tags=[tag], authors=[author],
                 pub_date=now + dt.timedelta(days=1))  # fmt: skip
    Article.objects.filter(pk=made[1].pk).update(status=Article.Status.ARCHIVED)
    for query, keep in (
        ({"tag": "pumps"}, lambda n: n % 2),
        ({"author": "ola-berg"}, lambda n: n % 3),
    ):
        public = [a.pk for n, a in enumerate(made) if keep(n) and n != 1]
        with CaptureQueriesContext(connection) as queries:
            first = body(api.get("/api/v1/articles", {**query, "limit": 2}))
        [count] = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert '"news_article"' not in count, count  # the entries alone
        items, totals = walk(api, {**query, "limit": 2, "fields": "id"})
        assert [i["id"] for i in items] == public
        assert first["total"] == len(public)
        assert set(totals) == {len(public)}
    # Both at once: the tag's entries walked, the author held to; counted on the articles.
    both = [a.pk for n, a in enumerate(made) if n % 2 and n % 3 and n != 1]
    items, totals = walk(api, {"tag": "pumps", "author": "ola-berg", "limit": 2, "fields": "id"})
    assert [i["id"] for i in items] == both
    assert set(totals) == {len(both)}
