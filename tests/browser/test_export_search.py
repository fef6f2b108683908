"""The exported search page in a real browser, served by a plain static file server.

The server sends the site's Content-Security-Policy, so the test also proves that the search
needs no inline script and no other origin.
"""

from __future__ import annotations

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
