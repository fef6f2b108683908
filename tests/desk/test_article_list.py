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
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_user
from tests.conftest import https_client, staff_login

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
