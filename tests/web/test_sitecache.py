"""The site settings are read once per change, not once per page, and a change shows at once."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.builders import make_article

pytestmark = pytest.mark.django_db(transaction=True)  # real commits, as in use


def _get(client, path: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    name = BeautifulSoup(response.content, "html.parser").select_one(".site-name").get_text()
    return name, [q["sql"] for q in queries.captured_queries]


def _reads_settings(queries: list[str]) -> bool:
    return any("news_sitesettings" in sql for sql in queries)


def test_settings_are_read_once_until_the_next_change(client):
    services.site_settings_update(acting_user=SYSTEM, site_name="Kesselmark News")
    article = make_article(headline="Ebersfurt plant opens")
    for path in ("/news/", article.get_absolute_url()):
        _get(client, path)
        name, queries = _get(client, path)
        assert name == "Kesselmark News"
        assert not _reads_settings(queries)

    services.site_settings_update(acting_user=SYSTEM, site_name="Kesselmark Newsroom")
    name, queries = _get(client, article.get_absolute_url())
    assert name == "Kesselmark Newsroom"  # the change renewed them at once
    assert _reads_settings(queries)
    assert not _reads_settings(_get(client, "/news/")[1])


def _menu(client, path: str) -> tuple[list[str], list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    menu = BeautifulSoup(response.content, "html.parser").select("nav.section-menu li a")
    return [a.get_text() for a in menu], [q["sql"] for q in queries.captured_queries]


def _reads_sections(queries: list[str]) -> bool:
    return any('FROM "news_section"' in sql for sql in queries)


def test_the_section_menu_is_read_once_until_the_next_change(client):
    plants = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    article = make_article(headline="Ebersfurt plant opens", section=plants)
    _menu(client, "/news/")
    for path in ("/news/", article.get_absolute_url()):
        names, queries = _menu(client, path)
        assert names == ["All news", "Plants"]
        assert not _reads_sections(queries)

    people = services.section_get_or_create(name="People", acting_user=SYSTEM)
    assert _menu(client, "/news/")[0] == ["All news", "Plants"]  # no public article yet
    make_article(headline="A new head of the Ebersfurt plant", section=people)
    names, queries = _menu(client, article.get_absolute_url())
    assert names == ["All news", "People", "Plants"]  # the change renewed it at once
    assert _reads_sections(queries)

    plants.name = "Our plants"
    services.taxonomy_save(obj=plants, acting_user=SYSTEM)
    assert _menu(client, "/news/")[0] == ["All news", "Our plants", "People"]


def test_a_scheduled_article_brings_its_section_into_the_menu_when_it_goes_public(client):
    from django.utils import timezone

    make_article(headline="Ebersfurt plant opens")
    fairs = services.section_get_or_create(name="Fairs", acting_user=SYSTEM)
    soon = timezone.now() + dt.timedelta(seconds=1)
    make_article(headline="At the Kesselmark fair", section=fairs, pub_date=soon,
                 status=Article.Status.SCHEDULED)  # fmt: skip
    assert _menu(client, "/news/")[0] == []  # no section has a public article: no menu
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.2)
    assert _menu(client, "/news/")[0] == ["All news", "Fairs"]  # no change: the time came
