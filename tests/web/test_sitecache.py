"""The site settings are read once per change, not once per page, and a change shows at once."""

from __future__ import annotations

import datetime as dt

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


def test_a_scheduled_article_brings_its_section_into_the_menu_when_it_goes_public(
    client, time_machine
):
    from django.utils import timezone

    make_article(headline="Ebersfurt plant opens")
    fairs = services.section_get_or_create(name="Fairs", acting_user=SYSTEM)
    now = timezone.now()
    make_article(headline="At the Kesselmark fair", section=fairs,
                 pub_date=now + dt.timedelta(hours=1), status=Article.Status.SCHEDULED)  # fmt: skip
    assert _menu(client, "/news/")[0] == []  # no section has a public article: no menu
    time_machine.move_to(now + dt.timedelta(hours=2))
    assert _menu(client, "/news/")[0] == ["All news", "Fairs"]  # no change: the time came


def _offered(client, query: dict, status=200) -> tuple[list[str], list[str], list[str]]:
    """The search form's sections, the headlines found, and the queries of the page."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/news/search/", query)
    assert response.status_code == status
    page = BeautifulSoup(response.content, "html.parser")
    offered = [o.get_text() for o in page.select("select[name=section] option")]
    found = [a.get_text() for a in page.select(".search-results h2 a")]
    return offered, found, [q["sql"] for q in queries.captured_queries]


def test_the_search_forms_sections_are_read_once_until_the_next_change(client):
    plants = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    make_article(headline="Valve plant opens", section=plants)
    make_article(headline="Valve fair")
    _offered(client, {"q": "valve"})
    offered, found, queries = _offered(client, {"q": "valve", "section": "plants"})
    assert offered == ["All sections", "Plants"]
    assert found == ["Valve plant opens"]
    assert not _reads_sections(queries)  # neither for the choices nor for the one asked for

    services.section_get_or_create(name="Fairs", acting_user=SYSTEM)
    offered, found, queries = _offered(client, {"q": "valve", "section": "fairs"})
    assert offered == ["All sections", "Fairs", "Plants"]  # the change renewed them at once
    assert found == []
    offered, _, queries = _offered(client, {"q": "valve", "section": "nowhere"}, status=400)
    assert offered == ["All sections", "Fairs", "Plants"]
