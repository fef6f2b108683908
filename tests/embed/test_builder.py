"""The desk's embed builder over HTTP: snippets for the options, and the allowed origins."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from newscenter.news import services
from newscenter.news.models import AuditEntry, SiteSettings
from newscenter.news.policy import SYSTEM
from tests.builders import make_article

pytestmark = pytest.mark.django_db

BUILDER = "/admin/news/sitesettings/embed/"


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_the_builder_shows_the_preview_and_snippets_of_the_options(admin_client, settings):
    settings.NEWSCENTER_BASE_URL = "https://news.example.com"
    services.section_get_or_create(name="Product news", acting_user=SYSTEM)
    make_article()
    response = admin_client.get(
        BUILDER, {"section": "product-news", "limit": "3", "layout": "list"}
    )
    assert response.status_code == 200
    html = page(response)
    assert html.find(id="embed-preview")["src"] == "/embed/latest/?section=product-news&limit=3"
    iframe = html.find(id="snippet-iframe").get_text()
    assert 'src="https://news.example.com/embed/latest/?section=product-news&amp;limit=3"' in iframe
    element = html.find(id="snippet-element").get_text()
    assert (
        '<script type="module" src="https://news.example.com/embed/latest.js"></script>' in element
    )
    assert '<news-latest section="product-news" limit="3">' in element
    assert '<a href="https://news.example.com/news/">' in element
    # The preview is a frame of the site's own embed page: the desk's policy allows it.
    assert "frame-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    # The desk's own style hash is kept beside the view's addition.
    assert "sha256-" in response["Content-Security-Policy"].split("style-src")[1].split(";")[0]


def test_an_option_the_embeds_refuse_is_shown_not_snippeted(admin_client):
    html = page(admin_client.get(BUILDER, {"limit": "50"}))
    assert "limit: '50' is not a whole number from 1 to 20" in html.find(class_="errornote").text
    assert "limit=50" not in html.find(id="snippet-iframe").get_text()


def test_an_administrator_lists_the_allowed_origins(admin_client):
    response = admin_client.post(
        BUILDER, {"origins": "https://www.example.com\n\n https://shop.example.com \n"}
    )
    assert response.status_code == 302
    assert SiteSettings.load().embed_origins == [
        "https://www.example.com",
        "https://shop.example.com",
    ]
    assert AuditEntry.objects.filter(action="site.settings").exists()
    listed = admin_client.get(BUILDER)
    assert "https://shop.example.com" in page(listed).find("textarea", {"name": "origins"}).text


def test_a_wrong_origin_is_shown_and_nothing_is_saved(admin_client):
    response = admin_client.post(BUILDER, {"origins": "https://ok.example.com\nwww.example.com"})
    assert response.status_code == 200
    assert "not an origin: write it as https://www.example.com" in response.text
    assert SiteSettings.load().embed_origins == []


def test_an_editor_builds_snippets_but_cannot_change_the_origins(role_client):
    editor = role_client("editor")
    response = editor.get(BUILDER)
    assert response.status_code == 200
    assert page(response).find("textarea", {"name": "origins"}) is None
    assert editor.post(BUILDER, {"origins": "https://x.example.com"}).status_code == 403
    assert SiteSettings.load().embed_origins == []


def test_readers_are_sent_to_sign_in(client):
    response = client.get(BUILDER)
    assert response.status_code == 302
    assert "/accounts/" in response["Location"] or "/admin/login" in response["Location"]


def test_the_site_settings_page_links_the_builder(admin_client):
    SiteSettings.load()
    response = admin_client.get("/admin/news/sitesettings/1/change/")
    assert page(response).find("a", href=BUILDER) is not None
