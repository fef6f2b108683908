"""The desk's article list at any size: it pages and filters as before, its date hierarchy
offers the years, months and days that hold articles, and no view counts the whole table
(the work a view does does not grow with the table: issue 21, bench/desk.py)."""

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newscenter.desk import listing
from newscenter.news import services
from newscenter.news.models import Article, Tag
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_user, sqlite_steps
from tests.conftest import https_client, staff_login
from tests.web.test_constant_cost import _bulk, _plans, _sorts, _tagged

pytestmark = pytest.mark.django_db

LIST = "/admin/news/article/"


@pytest.fixture
def editor():
    return staff_login(https_client(), make_user(role="editor"))


def local(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 12, 0))


def listed(editor, query: str = "") -> tuple[list[str], BeautifulSoup]:
    answer = editor.get(LIST + query)
    assert answer.status_code == 200, answer.status_code
    page = BeautifulSoup(answer.content, "html.parser")
    return [a.get_text() for a in page.select("#result_list th.field-headline a")], page


def test_filters_and_the_date_hierarchy_offer_what_the_articles_hold(editor):
    section = services.section_get_or_create(name="Events", acting_user=SYSTEM)
    make_article(headline="Open day", pub_date=local(2023, 5, 4), section=section)
    make_article(headline="New valve line", pub_date=local(2024, 2, 10))
    make_article(headline="Spring fair", pub_date=local(2024, 3, 21), section=section)
    make_article(headline="Draft plan", status=Article.Status.DRAFT, pub_date=local(2024, 3, 2))

    headlines, page = listed(editor)
    assert headlines == ["Spring fair", "Draft plan", "New valve line", "Open day"]
    assert "4 articles" in page.select_one("p.paginator").get_text()
    years = [a.get_text() for a in page.select("nav.toplinks a:not(.date-back)")]
    assert years == ["2023", "2024"]

    assert listed(editor, "?state=draft")[0] == ["Draft plan"]
    assert listed(editor, f"?section__id__exact={section.pk}")[0] == ["Spring fair", "Open day"]
    headlines, page = listed(editor, "?pub_date__year=2024")
    assert headlines == ["Spring fair", "Draft plan", "New valve line"]
    months = [a.get_text() for a in page.select("nav.toplinks a:not(.date-back)")]
    assert months == ["February 2024", "March 2024"]
    headlines, page = listed(editor, "?pub_date__year=2024&pub_date__month=3")
    assert headlines == ["Spring fair", "Draft plan"]
    days = [a.get_text() for a in page.select("nav.toplinks a:not(.date-back)")]
    assert days == ["March 2", "March 21"]
    # Filtered, the hierarchy offers the filtered articles' dates only: one draft, one day.
    page = listed(editor, "?state=draft")[1]
    assert [a.get_text() for a in page.select("nav.toplinks a:not(.date-back)")] == ["March 2"]


def test_past_the_cap_the_list_says_more_than_and_still_pages(editor, monkeypatch):
    for n in range(5):
        make_article(headline=f"Item {n}", pub_date=local(2024, 1, 1 + n))
    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    monkeypatch.setattr("newscenter.desk.articles.ArticleAdmin.list_per_page", 2)

    headlines, page = listed(editor)
    assert headlines == ["Item 4", "Item 3"]
    text = " ".join(page.select_one("p.paginator").get_text().split())
    assert text.startswith("1 2 More than 3 articles")
    assert listed(editor, "?p=2")[0] == ["Item 2"]  # the pages the capped count reaches
    # Below the cap the count is exact.
    assert "0 articles" in listed(editor, "?state=draft")[1].select_one("p.paginator").text


def test_no_view_of_the_list_reads_the_whole_table_and_its_queries_do_not_grow(editor, monkeypatch):
    # More articles than a page holds: a list that fits on one page reads them all, rightly.
    monkeypatch.setattr("newscenter.desk.articles.ArticleAdmin.list_per_page", 5)

    def queries(path: str) -> tuple[list[str], int]:
        editor.get(LIST + path)  # sessions and caches settled
        with CaptureQueriesContext(connection) as captured:
            answer = editor.get(LIST + path)
        assert answer.status_code == 200
        periods = BeautifulSoup(answer.content, "html.parser").select("nav.toplinks a")
        return [q["sql"] for q in captured.captured_queries], len(periods)

    make_article(pub_date=local(2023, 5, 4))
    paths = ("", "?state=published", "?pub_date__year=2023", "?q=plant")
    few = {path: queries(path) for path in paths}
    for n in range(30):
        make_article(pub_date=local(2020 + n % 5, 1 + n % 12, 1 + n % 28))
    for path in paths:
        many, periods = queries(path)
        # One seek more per year, month or day the date hierarchy offers, nothing per row.
        assert len(many) <= len(few[path][0]) + periods, path
        on_articles = [sql for sql in many if re.search(r'FROM "?news_article"?\b', sql)]
        for sql in on_articles:
            # Every read of the articles stops: a page, a capped count, or one seek.
            assert "LIMIT" in sql, sql
            assert "DISTINCT" not in sql, sql


def test_the_years_of_a_long_archive_are_found_in_one_query(editor):
    def years_and_queries() -> tuple[list[str], int]:
        editor.get(LIST)
        with CaptureQueriesContext(connection) as captured:
            answer = editor.get(LIST)
        page = BeautifulSoup(answer.content, "html.parser")
        years = [a.get_text() for a in page.select("nav.toplinks a:not(.date-back)")]
        return years, len(captured.captured_queries)

    make_article(pub_date=local(2001, 3, 4))
    make_article(pub_date=local(2003, 3, 4))
    few, queries = years_and_queries()
    assert few == ["2001", "2003"]
    for year in (1990, 1995, 2010, 2015, 2020):
        make_article(pub_date=local(year, 6, 1))
    many, more_queries = years_and_queries()
    assert many == ["1990", "1995", "2001", "2003", "2010", "2015", "2020"]  # no empty year
    assert more_queries == queries


def test_a_tags_list_walks_its_entries_in_the_lists_order(editor, monkeypatch):
    """One tag's articles along its kept entries (news.listed): the same rows, order, count
    and dates as the tag's links give, whatever else narrows or orders the list."""
    valves = services.tag_get_or_create(name="Valves", acting_user=SYSTEM)
    other = services.tag_get_or_create(name="Pumps", acting_user=SYSTEM)
    make_article(headline="Open day", pub_date=local(2023, 5, 4), tags=[valves])
    make_article(headline="Pump fair", pub_date=local(2024, 1, 9), tags=[other])
    make_article(headline="New valve line", pub_date=local(2024, 2, 10), tags=[valves, other])
    make_article(headline="Valve plan", status=Article.Status.DRAFT, pub_date=None, tags=[valves])
    make_article(headline="Spring valves", pub_date=local(2024, 3, 21), tags=[valves])
    tag = f"?tags__id__exact={valves.pk}"
    tagged = {"Open day", "New valve line", "Valve plan", "Spring valves"}
    # In the whole list's order (where the undated draft goes is the database's: first on
    # PostgreSQL, last on SQLite), two a page.
    in_order = [headline for headline in listed(editor)[0] if headline in tagged]
    monkeypatch.setattr("newscenter.desk.articles.ArticleAdmin.list_per_page", 2)
    headlines, page = listed(editor, tag)
    assert headlines == in_order[:2]
    assert "4 articles" in page.select_one("p.paginator").get_text()
    assert listed(editor, tag + "&p=2")[0] == in_order[2:]
    years = [a.get_text() for a in page.select("nav.toplinks a:not(.date-back)")]
    assert years == ["2023", "2024"]
    headlines, page = listed(editor, tag + "&pub_date__year=2024")
    assert headlines == ["Spring valves", "New valve line"]
    months = [a.get_text() for a in page.select("nav.toplinks a:not(.date-back)")]
    assert months == ["February 2024", "March 2024"]  # not January: the other tag's
    # Narrowed further, counted as narrowed.
    headlines, page = listed(editor, tag + "&state=draft")
    assert headlines == ["Valve plan"]
    assert "1 article" in page.select_one("p.paginator").get_text()
    assert listed(editor, tag + "&q=line")[0] == ["New valve line"]
    # In another order, as asked (headline, A to Z).
    assert listed(editor, tag + "&o=1")[0] == ["New valve line", "Open day"]

    # The entries follow a change: untagged, the article leaves the list and its count.
    article = Article.objects.get(headline="Spring valves")
    article.tags.remove(valves)
    headlines, page = listed(editor, tag)
    assert headlines + listed(editor, tag + "&p=2")[0] == [
        headline for headline in in_order if headline != "Spring valves"
    ]
    assert "3 articles" in page.select_one("p.paginator").get_text()


def test_a_tags_list_its_count_and_dates_read_its_entries_index(editor):
    """The page, the count and the date hierarchy's seeks of one tag's list walk the entries'
    index: at a million articles the tag's links, joined, had each of its 4,500 articles
    read and sorted for each of them (93 ms of SQL, bench/desk.py)."""
    _bulk(3000, None)
    _tagged(every=4)
    tag = Tag.objects.get(name="Pumps")
    plans = _plans(editor, f"{LIST}?tags__id__exact={tag.pk}")
    page = [plan for sql, plan in plans if "ORDER BY" in sql and "LIMIT" in sql]
    seeks = [plan for sql, plan in plans if "seek_date" in sql]
    assert page
    assert seeks
    for plan in page + seeks:
        assert "listed_walk_idx" in plan, plan
        assert not _sorts(plan), plan
    # Nothing else narrows the list: the count is of the entries alone.
    assert not [sql for sql, plan in plans if "COUNT(" in sql], plans


def _steps(editor, path: str) -> int:
    editor.get(LIST + path)  # sessions and caches settled
    return sqlite_steps(lambda: editor.get(LIST + path))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own step counter")
def test_a_years_months_are_sought_from_each_months_start(editor):
    """SQLite bounds an index walk by the first bounds it meets in the WHERE: with the list
    narrowed to a year, each month's seek walked from January (112 ms at a million)."""
    start = local(2024, 1, 1)
    rows = []
    for n in range(4000):
        when = start + dt.timedelta(hours=2 * n)
        rows.append(Article(headline=f"Row {n}", slug=f"row-{n}", status=Article.Status.DRAFT,
                            pub_date=when, pub_day=when.date()))  # fmt: skip
    Article.objects.bulk_create(rows)
    whole = _steps(editor, "")  # its one year: one seek
    months = _steps(editor, "?pub_date__year=2024")
    days = _steps(editor, "?pub_date__year=2024&pub_date__month=6")
    # Each seek a few steps, whatever the period's place in the year: walked from the
    # year's or the month's start they were 4.8 and 1.2 times the whole list's.
    assert months < 2 * whole, (months, whole)
    assert days < whole, (days, whole)
