"""Counted at the edge: pages from the page cache (in Django and in the server's front) count
as much as pages a view made; nothing is stored that could name a reader; no cookie."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from newscenter.analytics.models import Event
from tests.analytics.conftest import BROWSER, reader, stored
from tests.builders import make_article

pytestmark = pytest.mark.django_db

FORBIDDEN = {"ip", "ua", "remote", "address", "fingerprint", "cookie", "useragent"}


@pytest.fixture
def page_cache(settings):
    settings.NEWSCENTER_PAGE_CACHE_SECONDS = 600


def test_page_cache_hits_count_like_misses(client, page_cache):
    article = make_article()
    first = reader(client, article.get_absolute_url())
    second = reader(client, article.get_absolute_url(), ip="81.2.70.1")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    events = stored()
    assert [e.article_id for e in events] == [article.pk, article.pk]


def test_a_cached_search_still_says_it_found_nothing(client, page_cache):
    path = reverse("news:search") + "?q=zeppelins"
    assert reader(client, path)["X-Page-Cache"] == "miss"
    hit = reader(client, path)
    assert hit["X-Page-Cache"] == "hit"
    assert "X-Newscenter-Results" not in hit.headers
    assert [(e.query, e.results) for e in stored()] == [("zeppelins", 0)] * 2


def test_hits_the_front_answers_count_too(client, page_cache):
    """The ASGI front answers cached pages in its event loop, before Django runs."""
    from newscenter.asgi import _cached

    article = make_article()
    url = article.get_absolute_url() + "?utm_campaign=autumn"
    assert reader(client, url)["X-Page-Cache"] == "miss"
    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "https",
        "path": article.get_absolute_url(),
        "query_string": b"utm_campaign=autumn",
        "client": ("81.2.69.142", 50000),
        "headers": [
            (b"host", b"testserver"),
            (b"user-agent", BROWSER.encode()),
            (b"referer", b"https://www.linkedin.com/feed/"),
        ],
    }
    response = _cached(scope)
    assert response is not None
    assert response["X-Page-Cache"] == "hit"
    events = stored()
    assert len(events) == 2
    assert (events[1].utm_campaign, events[1].channel) == ("autumn", "social")
    scope["headers"].append((b"dnt", b"1"))
    assert _cached(scope) is not None
    assert len(stored()) == 2


def test_no_column_can_hold_an_address_or_a_user_agent():
    """The schema as the database has it: nothing named like an address or a user agent, and
    no text column long enough to hold a user agent whole besides path and referrer host."""
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor)
                  if t.startswith("analytics_")]  # fmt: skip
        assert "analytics_event" in tables
        for table in tables:
            columns = [c.name.lower() for c in
                       connection.introspection.get_table_description(cursor, table)]  # fmt: skip
            for column in columns:
                words = set(column.split("_"))
                assert not words & FORBIDDEN, f"{table}.{column}"
                assert "agent" not in column, f"{table}.{column}"
                assert "addr" not in column, f"{table}.{column}"


def test_the_buffer_writes_every_column_of_the_event_table():
    """The buffer writes rows by a list of columns of its own (no model instance per view):
    it names every column the table has but its id, so a new column is never left out."""
    from newscenter.analytics.classify import COLUMNS

    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, "analytics_event")
    columns = {column.name for column in described}
    assert set(COLUMNS) == columns - {"id"}
    assert len(COLUMNS) == len(set(COLUMNS))


def test_the_stored_event_holds_neither_the_address_nor_the_user_agent(client):
    article = make_article()
    reader(client, article.get_absolute_url(), ip="81.2.69.142")
    [event] = stored()
    row = Event.objects.filter(pk=event.pk).values().get()
    text = " ".join(str(value) for value in row.values())
    assert "81.2.69" not in text
    assert "Chrome/131" not in text
    assert "X11" not in text


@pytest.mark.parametrize(
    "name",
    ["news:index", "news:search", "news:feed", "news:article", "robots", "news:sitemap-index"],
)
def test_no_public_response_sets_a_cookie_when_signed_out(client, name):
    article = make_article()
    day = article.pub_date.date()
    kwargs = {
        "news:feed": {"format": "atom"},
        "news:article": {"year": day.year, "month": day.month, "day": day.day,
                         "slug": article.slug},
    }.get(name, {})  # fmt: skip
    response = reader(client, reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
