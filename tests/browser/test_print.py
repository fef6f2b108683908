"""A printed article in a real browser: links within the site show their whole address."""

from __future__ import annotations

import pytest

from tests.builders import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_printed_link_within_the_site_shows_the_configured_address(chromium, http_site, settings):
    settings.NEWSCENTER_BASE_URL = "https://news.kesselmark.example"
    article = make_article(
        headline="Ebersfurt plant opens", body='<p>See <a href="/news/">all our news</a>.</p>'
    )
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{http_site}{article.get_absolute_url()}")
    page.emulate_media(media="print")
    after = page.evaluate(
        """() => getComputedStyle(
            document.querySelector('main a[href="/news/"]'), '::after').content"""
    )
    page.emulate_media(media="screen")
    on_screen = page.evaluate(
        """() => getComputedStyle(
            document.querySelector('main a[href="/news/"]'), '::after').content"""
    )
    context.close()
    assert after == '" (https://news.kesselmark.example/news/)"'
    assert on_screen in ("none", "normal")
