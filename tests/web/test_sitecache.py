"""The site settings are read once per change, not once per page, and a change shows at once."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newscenter.news import services
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
