"""The headers of SECURITY.md on public, admin and media responses; CSRF and cookies."""

import pytest

from tests.builders import make_article, make_image
from tests.site_urls import sample_urls

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": "'none'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
}


def csp(response) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return dict(directives)


def assert_baseline_headers(response, referrer: str = "strict-origin-when-cross-origin"):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == referrer
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


@pytest.mark.parametrize("path", ["/news/", "ARTICLE", "/news/section/nope/"])
def test_public_pages_carry_the_security_headers(client, path):
    if path == "ARTICLE":
        path = make_article().get_absolute_url()
    response = client.get(path)
    assert_baseline_headers(response)
    policy = csp(response)
    for name, value in EXPECTED_CSP.items():
        assert policy[name] == value, name
    assert policy["script-src"].startswith("'self'")
    assert "unsafe-inline" not in policy["script-src"]
    assert "unsafe-eval" not in policy["script-src"]
    assert response["X-Frame-Options"] == "DENY"


def test_admin_pages_are_never_stored(admin_client):
    for path in ("/admin/", "/admin/news/article/", "/admin/news/article/add/"):
        response = admin_client.get(path)
        assert response.status_code == 200
        assert_baseline_headers(response)
        assert "no-store" in response["Cache-Control"]
        assert "unsafe-inline" not in csp(response)["script-src"]


def test_editor_import_map_runs_under_the_nonce(admin_client):
    response = admin_client.get("/admin/news/article/add/")
    nonce = csp(response)["script-src"].split("'nonce-")[1].split("'")[0]
    assert f'<script type="importmap" nonce="{nonce}">' in response.text


def test_plain_http_is_redirected_to_https():
    from django.test import Client

    response = Client().get("/news/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/news/"


def test_uploaded_media_is_sandboxed(client, settings):
    banner = make_image(40, 30)
    (settings.MEDIA_ROOT / "site").mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "site" / "note.html").write_text("<script>alert(1)</script>")
    image = client.get(banner.file.url)
    assert image.status_code == 200
    assert image["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert not image.get("Content-Disposition", "").startswith("attachment")
    other = client.get("/media/site/note.html")
    assert other["Content-Disposition"] == "attachment"
    for traversal in ("/media/../secret_key", "/media/%2e%2e/secret_key", "/media//etc/passwd"):
        assert client.get(traversal).status_code in (400, 404), traversal


def test_session_and_csrf_cookies_are_locked_down(client, admin_user):
    login = client.get("/accounts/login/")
    csrf_cookie = login.cookies["__Host-csrftoken"]
    assert csrf_cookie["secure"]
    assert csrf_cookie["samesite"] == "Lax"
    response = client.post(
        "/accounts/login/",
        {
            "username": "admin",
            "password": "password",
            "csrfmiddlewaretoken": csrf_cookie.value,
        },
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    assert session["path"] == "/"


def test_unsafe_methods_without_csrf_token_are_refused(admin_user):
    from tests.conftest import https_client

    client = https_client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post("/admin/news/article/add/", {"headline": "Sneaky"})
    assert response.status_code == 403
    login = client.post("/accounts/login/", {"username": "admin", "password": "x"})
    assert login.status_code == 403


# --- every URL, by its kind -------------------------------------------------------------------

PRIVATE = ("admin:", "accounts:", "news:preview", "news:review")


def kind_of(name: str, response) -> str:
    if name.startswith(PRIVATE):
        return "private"
    if response["Content-Type"].startswith("text/html"):
        return "page"
    return "data"  # feeds, sitemaps, JSON, robots.txt


def test_every_url_carries_the_headers_of_its_kind(admin_client, client):
    """SECURITY.md's headers on every named URL: the baseline everywhere, the page policy on
    pages, no-store on everything for one person only, and correct types on the rest."""
    urls = sample_urls()
    urls |= {"admin:index": "/admin/", "admin:news_article_changelist": "/admin/news/article/"}
    for name, url in urls.items():
        asked = admin_client if name.startswith(("admin:", "news:preview")) else client
        response = asked.get(url)
        assert response.status_code in (200, 302), (name, response.status_code)
        # A review link's token is in its address: it is never sent on as a Referer.
        referrer = "no-referrer" if name == "news:review" else "strict-origin-when-cross-origin"
        assert_baseline_headers(response, referrer)
        kind = kind_of(name, response)
        if kind == "private":
            assert "no-store" in response["Cache-Control"], name
        if kind in ("page", "private") and response.status_code == 200:
            policy = csp(response)
            assert policy["frame-ancestors"] == "'none'", name
            assert "unsafe-inline" not in policy["script-src"], name
            assert response["X-Frame-Options"] == "DENY", name
        if kind == "page":
            assert "no-store" not in response.get("Cache-Control", ""), name  # may be shared
        if kind == "data":
            assert response["Content-Type"].split(";")[0] in {
                "application/rss+xml", "application/atom+xml", "application/feed+json",
                "application/xml", "application/json", "text/plain",
                "image/gif",  # the analytics beacon
                "image/png", "image/x-icon", "application/manifest+json",  # web.icons
                "text/css",  # the print stylesheet's addresses (web.icons)
            }, (name, response["Content-Type"])  # fmt: skip


def test_a_page_that_sets_a_cookie_is_never_stored(client):
    response = client.get("/accounts/password-reset/")
    assert response.status_code == 200
    assert response.cookies  # the form's CSRF cookie
    assert "no-store" in response["Cache-Control"]
