"""The embeds in a real browser, on a host page served from another origin (127.0.0.1 while the
News center is on localhost): the snippets the desk hands out, pasted as they are."""

from __future__ import annotations

import http.server
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from newscenter.embed import snippets
from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.browser.signin import sign_in
from tests.browser.test_accessibility import WCAG_AA
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK_TEXT = "Latest news from Kesselmark"
THEMED = """<style>
news-latest { --newscenter-accent: rgb(200, 0, 100); --newscenter-background: rgb(250, 240, 230); }
news-latest::part(link) { text-transform: uppercase; }
</style>"""


class HostPage(http.server.ThreadingHTTPServer):
    """Another company site: one page, whatever ``html`` holds."""

    html = ""

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = self.server.html.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def host():
    server = HostPage(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser(chromium, http_site):
    """A browser context of the test's own, closed before the live server stops (so that no
    request of it reaches a server thread after the test's database connection is gone)."""
    contexts = []

    def open_context(**options):
        contexts.append(chromium.new_context(**options))
        return contexts[-1]

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def demo(http_site, settings):
    settings.NEWSCENTER_BASE_URL = http_site
    call_command("demo", verbosity=0)


def snippet_page(query_iframe: dict, query_element: dict, head: str = "") -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>{head}'
        f"</head><body><main><h1>Another company site</h1>"
        f"{snippets.iframe(query_iframe, title=LINK_TEXT)}"
        f"{snippets.element(query_element, link_text=LINK_TEXT)}</main></body></html>"
    )


def allow(*origins: str) -> None:
    services.site_settings_update(acting_user=SYSTEM, embed_origins=list(origins))


def test_without_javascript_the_iframe_shows_the_news_and_the_element_its_link(browser, demo, host):
    host.html = snippet_page({"limit": "4"}, {"limit": "3"})
    page = browser(java_script_enabled=False).new_page()
    page.goto(host.origin)
    frame = page.frame_locator("iframe[data-newscenter]")
    frame.locator("li").first.wait_for()
    assert frame.locator("li").count() == 4
    assert frame.locator("li a").first.get_attribute("target") == "_top"
    link = page.locator("news-latest > a")
    assert link.is_visible()
    assert link.text_content() == LINK_TEXT
    assert page.locator("news-latest li").count() == 0


def test_the_custom_element_renders_the_news_in_the_host_pages_colours(browser, demo, host):
    allow(host.origin)
    host.html = snippet_page({"limit": "2"}, {"limit": "3", "layout": "cards"}, head=THEMED)
    page = browser().new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    page.goto(host.origin)
    items = page.locator("news-latest li")  # Playwright's CSS reaches into open shadow roots
    items.first.wait_for()
    assert items.count() == 3
    link = page.locator("news-latest li a").first
    assert link.evaluate("a => getComputedStyle(a).color") == "rgb(200, 0, 100)"
    assert link.evaluate("a => getComputedStyle(a).textTransform") == "uppercase"
    box = page.locator("news-latest .nc")
    assert box.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(250, 240, 230)"
    # The fallback link is not shown once the news is.
    assert not page.locator("news-latest > a").is_visible()
    # Auto-height: the frame grows to its content, told by a checked postMessage.
    frame = page.locator("iframe[data-newscenter]")
    page.wait_for_function(
        "() => document.querySelector('iframe[data-newscenter]').style.height !== ''"
    )
    inner = page.frame_locator("iframe[data-newscenter]").locator("html")
    content = inner.evaluate("html => html.scrollHeight")
    assert abs(frame.evaluate("f => f.getBoundingClientRect().height") - content) <= 2
    assert not errors, errors


def readme_snippet(base_url: str) -> str:
    """The snippet README.md offers, for the site at ``base_url`` instead of make run's."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("## The news on the company's other sites", 1)[1]
    snippet = section.split("```html\n", 1)[1].split("```", 1)[0]
    return snippet.replace("http://127.0.0.1:8000", base_url)


@pytest.mark.parametrize("javascript", [True, False])
def test_the_readme_snippet_on_a_plain_page_shows_the_demo_news(
    browser, demo, host, http_site, javascript
):
    host.html = f"<!doctype html><title>Plain</title>{readme_snippet(http_site)}"
    page = browser(java_script_enabled=javascript).new_page()
    page.goto(host.origin)
    frame = page.frame_locator("iframe[data-newscenter]")
    frame.locator("li").first.wait_for()
    assert frame.locator("li").count() == 3
    newest = Article.objects.published().first()
    assert frame.locator("li a").first.text_content() == newest.headline
    if javascript:
        page.locator("news-latest li").first.wait_for()
        assert page.locator("news-latest li").count() == 3
    else:
        assert page.locator("news-latest > a").text_content() == "Latest news"


def test_a_site_not_listed_can_neither_frame_the_widget_nor_read_the_news(browser, demo, host):
    allow("https://www.example.com")
    host.html = snippet_page({}, {})
    page = browser().new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    page.goto(host.origin)
    page.wait_for_load_state("networkidle")
    frame = page.frame_locator("iframe[data-newscenter]")
    assert frame.locator("li").count() == 0
    assert any("frame-ancestors" in error for error in errors), errors
    assert any("CORS" in error or "Access-Control-Allow-Origin" in error for error in errors)
    # The element falls back to its plain link.
    assert page.locator("news-latest > a").is_visible()
    assert page.locator("news-latest li").count() == 0


def test_axe_finds_no_violations_in_the_widget(browser, demo, host, http_site):
    host.html = snippet_page({}, {"limit": "5"})
    page = browser().new_page()
    axe = Axe()
    problems = {}
    for query in ("", "?layout=cards&theme=dark", "?layout=compact&theme=light", "?accent=0a5c8f"):
        page.goto(f"{http_site}/embed/latest/{query}")
        violations = axe.run(page, options=WCAG_AA).response["violations"]
        problems[query] = [(v["id"], len(v["nodes"])) for v in violations]
    page.goto(host.origin)
    page.locator("news-latest li").first.wait_for()
    violations = axe.run(page, options=WCAG_AA).response["violations"]
    problems["custom element"] = [(v["id"], len(v["nodes"])) for v in violations]
    assert not any(problems.values()), problems


def test_the_desk_builder_previews_and_rewrites_the_snippets(page, demo, http_site, admin_user):
    admin_user.set_password("a-long-test-password")
    admin_user.save()
    sign_in(page, http_site, admin_user.username, "a-long-test-password", next="/admin/")
    page.goto(f"{http_site}/admin/news/sitesettings/embed/")
    preview = page.frame_locator("#embed-preview")
    preview.locator("li").first.wait_for()
    assert preview.locator("li").count() == 5
    page.fill("#id_limit", "2")
    page.select_option("#id_layout", "compact")
    page.wait_for_function("() => document.getElementById('embed-preview').src.includes('limit=2')")
    preview.locator("main.compact").wait_for()
    assert preview.locator("li").count() == 2
    iframe_snippet = page.input_value("#snippet-iframe")
    assert f'src="{http_site}/embed/latest/?limit=2&amp;layout=compact"' in iframe_snippet
    element_snippet = page.input_value("#snippet-element")
    assert '<news-latest limit="2" layout="compact">' in element_snippet
    # What the script writes is what the server writes for the same options.
    page.reload()
    assert page.input_value("#snippet-element") == element_snippet
    assert page.input_value("#snippet-iframe") == iframe_snippet
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
