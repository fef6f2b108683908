"""The headers of SECURITY.md on public, admin and media responses; CSRF and cookies."""

import pytest

from tests.builders import make_article, make_image

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


def assert_baseline_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
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
        assert response["Cache-Control"] == "no-store"
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
