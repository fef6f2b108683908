"""The exported search page in a real browser, served by a plain static file server.

The server sends the site's Content-Security-Policy, so the test also proves that the search
needs no inline script and no other origin.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading

import pytest

# Here, not under tests/export/, so that it shares this folder's one browser session:
# a second sync Playwright in the same process fails.
from tests.export.conftest import _export_settings, export, site  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'"
)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def static_host(site, tmp_path):  # noqa: F811 (the imported fixture)
    out = tmp_path / "out"
    export(out)
    handler = functools.partial(_Handler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_static_search_finds_articles_in_the_browser(static_host, chromium):
    page = chromium.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    try:
        page.goto(f"{static_host}/news/search/?q=pressure+valve")
        page.wait_for_selector("#static-search .result-count")
        assert page.input_value("input[name=q]") == "pressure valve"
        links = page.locator("#static-search .search-results h2 a")
        assert links.all_inner_texts() == ["Pressure test of the largest valve"]
        page.goto(f"{static_host}/news/search/?q=valves&section=product-news")
        page.wait_for_selector("#static-search .result-count")
        texts = page.locator("#static-search .search-results h2 a").all_inner_texts()
        assert texts
        assert all(text.startswith("Ebersfurt plant") for text in texts)
        assert len(texts) == 4  # the Product news articles only
        page.goto(f"{static_host}/news/search/?q=-valve+ebersfurt")
        page.wait_for_selector("#static-search .result-count")
        assert "0 results" in page.inner_text("#static-search .result-count")
        assert not violations
    finally:
        page.close()


@pytest.fixture
def german_edition(site):  # noqa: F811 (the imported fixture)
    from newscenter.news import services
    from newscenter.news.policy import SYSTEM

    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    german = services.translation_create(acting_user=SYSTEM, source=site[0], language="de")
    services.article_update(
        article=german, acting_user=SYSTEM, headline="Werk verdoppelt die Ventilproduktion"
    )
    services.article_publish(article=german, acting_user=SYSTEM)
    return german


def test_static_search_speaks_the_language_of_its_edition(german_edition, static_host, chromium):
    page = chromium.new_page()
    try:
        page.goto(f"{static_host}/de/news/search/?q=ventilproduktion")
        page.wait_for_selector("#static-search .result-count")
        assert page.inner_text("#static-search .result-count") == (
            "1 Ergebnis für „ventilproduktion“"
        )
        day = german_edition.pub_date.astimezone(dt.UTC)
        months = [
            "Jan.",
            "Feb.",
            "März",
            "Apr.",
            "Mai",
            "Juni",
            "Juli",
            "Aug.",
            "Sept.",
            "Okt.",
            "Nov.",
            "Dez.",
        ]
        assert page.inner_text("#static-search .search-results time") == (
            f"{day.day}. {months[day.month - 1]} {day.year}"
        )
        page.goto(f"{static_host}/de/news/search/?q=zahnrad")
        page.wait_for_selector("#static-search .result-count")
        assert page.inner_text("#static-search .result-count") == "0 Ergebnisse für „zahnrad“"
        assert page.inner_text("#static-search .no-results") == "Nichts passt zu „zahnrad“."
    finally:
        page.close()
