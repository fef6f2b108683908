"""Constant cost: a public page makes the same few queries whatever the number of articles, and
the queries behind the listings walk an index instead of reading and sorting the table."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_image
from tests.conftest import https_client, module_data

pytestmark = pytest.mark.django_db

# The site settings row, then what each page reads: its subject (section, tag, author), the
# anchor of an older page and its number, one page of articles, and the sections for the
# header's menu. Tags and authors come with each article's row (Article.labels), renditions
# with each image's (Image.rendition_list): no page reads them. A section's pages give their
# articles the section they list, read once as its subject.
QUERIES = {
    "index": 3,
    "index-older": 6,
    "section": 4,
    "section-older": 7,
    "tag": 4,
    "author": 4,
    "article": 4,
    "rss": 2,
    "json": 2,
}


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Counting what Python asks of the database, not what the page cache spares it.
    settings.NEWSCENTER_PAGE_CACHE_SECONDS = 0


def _site(count: int, *, start: dt.datetime) -> dict[str, str]:
    section = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    tag = services.tag_get_or_create(name="Valves", acting_user=SYSTEM)
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    image = make_image()
    articles = [
        make_article(
            headline=f"Valve plant {n} news",
            section=section,
            tags=[tag],
            authors=[author],
            lead_image=image if n % 2 else None,
            pub_date=start - dt.timedelta(minutes=n),
        )
        for n in range(count)
    ]
    anchor = articles[19].pk
    return {
        "index": "/news/",
        "index-older": f"/news/older/{anchor}/",
        "section": "/news/section/plants/",
        "section-older": f"/news/section/plants/older/{anchor}/",
        "tag": "/news/tag/valves/",
        "author": f"/news/author/{author.slug}/",
        "article": articles[25].get_absolute_url(),
        "rss": "/news/feed/rss/",
        "json": "/news/feed/json/",
    }


@pytest.fixture(scope="module")
def counted(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, list[list[str]]]:
    """The SQL of each page on a site of 50 articles, then again after 80 older ones, built
    once for the module (building both sites for each page took most of its time)."""
    found: dict[str, list[list[str]]] = {page: [] for page in QUERIES}
    folder = tmp_path_factory.mktemp("constant-cost")
    with module_data(django_db_blocker, folder, NEWSCENTER_PAGE_CACHE_SECONDS=0):
        client = https_client()
        start = timezone.now() - dt.timedelta(hours=1)
        urls = _site(50, start=start)
        for page in QUERIES:
            found[page].append(_queries(client, urls[page]))
        _site(80, start=start - dt.timedelta(days=1))  # older articles: the anchors still hold
        for page in QUERIES:
            found[page].append(_queries(client, urls[page]))
    return found


def _queries(client, url: str) -> list[str]:
    # After any change the first page asks once when the next scheduled article is due (the
    # page cache's time to live); the pages after it do not.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("page", QUERIES)
def test_a_page_makes_the_same_queries_for_50_articles_as_for_130(counted, page):
    at_50, at_130 = counted[page]
    assert len(at_50) == QUERIES[page], "\n".join(at_50)
    assert len(at_130) == QUERIES[page], "\n".join(at_130)


def _plans(client, url: str, *settings: str) -> list[tuple[str, str]]:
    """(SQL, plan) of each query the page makes on the article table, planned with the same
    bound parameters (SQLite chooses indexes differently for literals); ``settings``: more
    planner settings for PostgreSQL, as ``name = value``."""
    queries = []

    def record(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(url).status_code == 200
    plans = []
    for sql, params in queries:
        if 'FROM "news_article"' not in sql or not sql.startswith("SELECT"):
            continue
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # On a test-sized table PostgreSQL may rightly prefer a sort or a scan; with
                # both priced out it still takes them if no index can serve the query.
                cursor.execute("SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off")
                for setting in settings:
                    cursor.execute(f"SET LOCAL {setting}")
            cursor.execute(explain + sql, params)
            plans.append((sql, "\n".join(str(row[-1]) for row in cursor.fetchall())))
    return plans


def _bulk(count: int, section) -> list[int]:
    """Enough rows for the planner to care, written in one statement (the pages only read)."""
    now = timezone.now()
    rows = []
    for n in range(count):
        when = now - dt.timedelta(minutes=n + 1)
        rows.append(
            Article(
                headline=f"Row {n}",
                slug=f"row-{n}",
                status=Article.Status.PUBLISHED if n % 10 else Article.Status.DRAFT,
                pub_date=when,
                pub_day=when.date(),
                section=section if n % 4 == 0 else None,
            )
        )
    Article.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return list(Article.objects.published().values_list("pk", flat=True)[:200])


def test_listing_queries_walk_an_index_and_never_sort_or_scan_the_articles(client):
    section = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    ids = _bulk(4000, section)
    section_ids = list(
        Article.objects.published().filter(section=section).values_list("pk", flat=True)[:100]
    )
    _tagged(every=4)
    pages = {
        "/news/": "article_listing_idx",
        f"/news/older/{ids[150]}/": "article_listing_idx",
        "/news/section/plants/": "article_section_listing_idx",
        f"/news/section/plants/older/{section_ids[60]}/": "article_section_listing_idx",
        "/news/feed/rss/": "article_listing_idx",
        # Along their kept entries (news.listed), not the links joined and sorted.
        "/news/tag/pumps/": "listed_walk_idx",
        "/news/author/ola-berg/": "listed_walk_idx",
        "/news/tag/pumps/feed/rss/": "listed_walk_idx",
    }
    pumps = Article.objects.published().filter(tags__slug="pumps").order_by("-pub_date", "-id")
    anchor = pumps.values_list("pk", flat=True)[59]
    pages |= {
        # An older page's reads (its rows, the page before's anchor, its number) join the
        # entries once: a second join of the same entries was as many lookups again.
        f"/news/tag/pumps/older/{anchor}/": "listed_walk_idx",
        f"/news/author/ola-berg/older/{anchor}/": "listed_walk_idx",
    }
    for url, index in pages.items():
        for sql, plan in _plans(client, url):
            assert not _full_scan(plan), (url, sql, plan)
            assert sql.count('"news_listedarticle"') <= 1, (url, sql)
            if "LIMIT 21" in sql or "LIMIT 20" in sql:  # the page of articles itself
                assert index in plan, (url, sql, plan)
                assert not _sorts(plan), (url, sql, plan)


def _tagged(*, every: int) -> None:
    """Every ``every``-th article tagged "Pumps" and written by Ola Berg, by bulk links."""
    tag = services.tag_get_or_create(name="Pumps", acting_user=SYSTEM)
    author = services.author_get_or_create(name="Ola Berg", acting_user=SYSTEM)
    chosen = Article.objects.values_list("pk", flat=True)[::every]
    Article.tags.through.objects.bulk_create(
        Article.tags.through(article_id=pk, tag_id=tag.pk) for pk in chosen
    )
    Article.authors.through.objects.bulk_create(
        Article.authors.through(article_id=pk, author_id=author.pk) for pk in chosen
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _full_scan(plan: str) -> bool:
    if connection.vendor == "sqlite":
        return any(
            line.startswith("SCAN news_article") and "INDEX" not in line
            for line in plan.splitlines()
        )
    return "Seq Scan on news_article " in plan


def _sorts(plan: str) -> bool:
    if connection.vendor == "sqlite":
        return "TEMP B-TREE" in plan
    return "Sort" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_a_tag_page_walks_the_articles_in_one_process(client):
    """At a million articles PostgreSQL walked a tag's page with two parallel workers: 43 ms
    where one process took 9.5 ms (bench/page_costs.py). The articles' table is read without
    them, even with parallel plans made free."""
    _bulk(3000, None)
    _tagged(every=5)
    # Parallel plans made free: the planner takes them wherever a table allows them.
    free = [f"{name} = 0" for name in ("parallel_setup_cost", "parallel_tuple_cost",
                                       "min_parallel_table_scan_size",
                                       "min_parallel_index_scan_size")]  # fmt: skip
    [plan] = [p for sql, p in _plans(client, "/news/tag/pumps/", *free) if "LIMIT 21" in sql]
    assert "on news_article " in plan, plan
    assert not re.search(r"Parallel [^\n]* on news_article ", plan), plan
