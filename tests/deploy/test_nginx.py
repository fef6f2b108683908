"""deploy/nginx/newscenter.conf.template, run for real: nginx in front of a live server.

Skipped only when nginx is not installed (`make test` installs nginx-light).
"""

from __future__ import annotations

import gzip
import http.client
import importlib.util
import json
import re
import shutil
import subprocess
import threading
import urllib.request
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from pytest_django.live_server_helper import LiveServer

from tests.builders import make_article
from tests.deploy import probe_urls
from tests.deploy.nginx import PLACEHOLDERS, TEMPLATE, Nginx, nginx_binary, render

pytestmark = pytest.mark.skipif(
    nginx_binary() is None, reason="nginx is not installed (Debian: nginx-light)"
)

HTTPS = {"X-Forwarded-Proto": "https"}  # as a TLS-terminating load balancer in front says
HASHED = "newscenter/site.0123456789ab.css"
RELAY = TEMPLATE.parent / "purge_relay.py"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Cache-Status")


@dataclass
class Site:
    nginx: Nginx

    def get(self, path: str, *, source: str = "127.0.0.1", **headers: str) -> Answer:
        """GET ``path`` through nginx, from the loopback address ``source``."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.nginx.port, timeout=10, source_address=(source, 0)
        )
        try:
            connection.request("GET", path, headers={**HTTPS, **headers})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return Answer(response.status, response.headers, body.decode(errors="replace"))


@pytest.fixture
def static_root(tmp_path) -> Path:
    """Static files as collectstatic leaves them: hashed names with gzip copies beside."""
    root = tmp_path / "static"
    (root / "newscenter").mkdir(parents=True)
    css = b"body { color: #222; }\n" * 50
    (root / HASHED).write_bytes(css)
    (root / f"{HASHED}.gz").write_bytes(gzip.compress(css))
    (root / "newscenter" / "site.css").write_bytes(css)
    return root


@pytest.fixture
def site(settings, transactional_db, tmp_path, static_root):
    """nginx on a free loopback port in front of a live server of our own."""
    # The server behind a proxy that terminates TLS, as DJANGO_BEHIND_PROXY configures it.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ROOT_URLCONF = "tests.deploy.probe_urls"
    probe_urls.calls.clear()
    app = LiveServer("127.0.0.1")
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    nginx = Nginx(prefix, upstream=app.url.removeprefix("http://"), static_root=static_root)
    nginx.start()
    yield Site(nginx)
    nginx.stop()
    app.stop()


# --- the template -------------------------------------------------------------------------


def test_the_template_renders_and_nginx_accepts_it(tmp_path, static_root):
    values = {
        "NEWSCENTER_LISTEN": "127.0.0.1:8080",
        "NEWSCENTER_UPSTREAM": "127.0.0.1:8000",
        "NEWSCENTER_STATIC_ROOT": "/var/lib/newscenter/static",
        "NEWSCENTER_CACHE_DIR": "/var/cache/nginx/newscenter",
    }
    text = TEMPLATE.read_text()
    assert {f"${{{name}}}" for name in PLACEHOLDERS} <= set(_placeholders(text))
    rendered = render(values)
    assert "${NEWSCENTER_" not in rendered
    assert "$http_cookie" in rendered
    assert "$upstream_cache_status" in rendered
    envsubst = shutil.which("envsubst")
    if envsubst:  # the documented command gives the same file
        shell_format = " ".join(f"${{{name}}}" for name in PLACEHOLDERS)
        result = subprocess.run(
            [envsubst, shell_format], input=text, env=values, capture_output=True, text=True
        )
        assert result.stdout == rendered
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    nginx = Nginx(prefix, upstream="127.0.0.1:8000", static_root=static_root)
    checked = nginx.test_config()
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def _placeholders(text: str) -> list[str]:
    return re.findall(r"\$\{[A-Z_]+\}", text)


# --- pages ----------------------------------------------------------------------------------


def test_a_public_page_is_served_from_the_cache_on_the_second_request(site):
    first = site.get("/probe/")
    second = site.get("/probe/")
    assert (first.cache, first.text) == ("MISS", "call 1")
    assert (second.cache, second.text) == ("HIT", "call 1")
    assert second.headers["ETag"] == first.headers["ETag"] == '"probe-1"'
    assert second.headers["Cache-Control"] == probe_urls.PUBLIC  # passed on to browsers
    # A browser revalidating its copy gets a 304 from nginx alone.
    revalidated = site.get("/probe/", **{"If-None-Match": '"probe-1"'})
    assert (revalidated.status, revalidated.cache) == (304, "HIT")


def test_the_article_page_is_cached_as_its_cache_control_allows(site):
    article = make_article(headline="Furnace three is lit")
    first = site.get(article.get_absolute_url())
    second = site.get(article.get_absolute_url())
    assert first.status == second.status == 200
    assert "Furnace three is lit" in second.text
    if "s-maxage" in first.headers.get("Cache-Control", ""):
        # The page cache's headers: the second reader gets nginx's copy, the app's ETag kept.
        assert second.cache == "HIT"
        assert second.headers["ETag"] == first.headers["ETag"]
        assert second.text == first.text
    else:
        assert second.cache != "HIT"  # nothing is stored that the app did not allow


@pytest.mark.parametrize(
    "cookie", ["__Host-sessionid={key}", "sessionid={key}", "theme=dark; __Host-sessionid={key}"]
)
def test_a_signed_in_request_is_never_served_from_or_stored_in_the_cache(site, cookie):
    # A live session, so that the app answers without a Set-Cookie (which nginx would refuse
    # to store anyway): what keeps the answer out of the cache is nginx's own rule.
    session = import_module(django_settings.SESSION_ENGINE).SessionStore()
    session["signed_in"] = True
    session.create()
    cookie = cookie.format(key=session.session_key)
    assert site.get("/probe/").text == "call 1"
    signed_in = [site.get("/probe/", Cookie=cookie) for _ in range(2)]
    assert [(a.cache, a.text) for a in signed_in] == [("BYPASS", "call 2"), ("BYPASS", "call 3")]
    assert (site.get("/probe/").cache, site.get("/probe/").text) == ("HIT", "call 1")


def test_other_cookies_do_not_bypass_the_cache(site):
    site.get("/probe/")
    answer = site.get("/probe/", Cookie="notsessionid=1; csrftoken=abc")
    assert (answer.cache, answer.text) == ("HIT", "call 1")


@pytest.mark.parametrize(
    "path", ["/admin/probe/", "/accounts/probe/", "/news/preview/probe/", "/news/review/probe/"]
)
def test_private_paths_are_never_cached_whatever_the_app_says(site, path):
    answers = [site.get(path) for _ in range(3)]
    assert [a.text for a in answers] == ["call 1", "call 2", "call 3"]
    assert all(a.cache is None for a in answers)


def test_the_admin_is_never_cached(site):
    for _ in range(2):
        answer = site.get("/admin/")
        assert answer.status == 302  # to the sign-in page, from the app each time
        assert answer.cache is None


def test_the_app_learns_the_readers_address_and_scheme(site):
    answer = site.get("/probe/echo/")
    assert answer.status == 200
    assert '"secure": true' in answer.text
    assert '"forwarded_for": "127.0.0.1"' in answer.text
    plain = site.get("/news/", **{"X-Forwarded-Proto": "http"})
    assert plain.status == 301  # production settings send plain HTTP to HTTPS
    assert site.get("/news/").status == 200  # and that redirect is not what HTTPS readers get


# --- refreshing a page (the purge hook) -------------------------------------------------------


def test_a_refresh_from_an_allowed_address_replaces_the_cached_copy(site):
    site.get("/probe/")
    refreshed = site.get("/probe/", **{"X-Newscenter-Refresh": "1"})
    assert (refreshed.cache, refreshed.text) == ("BYPASS", "call 2")
    assert (site.get("/probe/").cache, site.get("/probe/").text) == ("HIT", "call 2")


def test_a_refresh_from_elsewhere_is_ignored(site):
    site.get("/probe/")
    # 127.0.0.2 is loopback too, but not in the template's list of allowed addresses.
    answer = site.get("/probe/", source="127.0.0.2", **{"X-Newscenter-Refresh": "1"})
    assert (answer.cache, answer.text) == ("HIT", "call 1")


# --- static files ------------------------------------------------------------------------------


def test_static_files_come_from_disk_hashed_ones_immutable(site, static_root):
    hashed = site.get(f"/static/{HASHED}", **{"Accept-Encoding": "gzip"})
    assert hashed.status == 200
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hashed.headers["Content-Encoding"] == "gzip"  # the .gz copy, sent as it is
    assert hashed.text == (static_root / HASHED).read_text()
    assert hashed.cache is None  # never went near the app or the page cache
    plain = site.get("/static/newscenter/site.css")
    assert plain.headers["Cache-Control"] == "public, max-age=3600"
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["X-Content-Type-Options"] == "nosniff"


def test_a_static_file_missing_on_disk_is_asked_of_the_app(site):
    answer = site.get("/static/newscenter/missing.0123456789ab.js")
    assert answer.status == 404
    assert "nginx" not in answer.text  # the app's 404 page, not nginx's


@pytest.fixture
def relay(site):
    """deploy/nginx/purge_relay.py in a thread, refreshing /probe/ when everything changed."""
    spec = importlib.util.spec_from_file_location("purge_relay", RELAY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    target = module.Relay(site.nginx.url, "https://127.0.0.1", ["/probe/"])
    server = module.make_server("127.0.0.1:0", target)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def post_hook(url: str, payload) -> int:
    """What the app's purge hook sends (NEWSCENTER_PURGE_URL)."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def test_the_purge_relay_refreshes_the_pages_read_most_when_everything_changed(site, relay):
    site.get("/probe/")
    assert post_hook(relay, {"paths": None, "reason": "article", "generation": 7}) == 204
    assert (site.get("/probe/").cache, site.get("/probe/").text) == ("HIT", "call 2")


def test_the_purge_relay_refreshes_named_paths_on_this_site_only(site, relay):
    site.get("/probe/")
    site.get("/admin/probe/")
    payload = {"paths": ["/probe/", "https://elsewhere.example/", 42], "generation": 8}
    assert post_hook(relay, payload) == 204
    assert site.get("/probe/").text == "call 2"
