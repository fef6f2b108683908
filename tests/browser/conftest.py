"""Playwright driving Debian's chromium against pytest-django's live server.

Playwright cannot download its own browser here, so it launches /usr/bin/chromium. The sync
API runs an event loop in this thread, hence DJANGO_ALLOW_ASYNC_UNSAFE in this conftest only.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def http_site(settings, transactional_db):
    """A live server of its own, started after relaxing the HTTPS-only settings for plain HTTP.

    pytest-django's session-wide live server would load its middleware before any per-test
    setting applies, and so would redirect every request to HTTPS.
    """
    from pytest_django.live_server_helper import LiveServer

    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = "sessionid", "csrftoken"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    server = LiveServer("localhost")
    yield server.url
    _stop(server)


def _stop(server) -> None:
    """Stop the server, letting the browser's last keep-alive requests end first.

    Those run in threads of their own that still use the shared test database connection;
    ending thread sharing under them would raise in each of them.
    """
    server.thread.terminate()
    for thread in threading.enumerate():
        target = getattr(thread, "_target", None)
        if getattr(target, "__name__", "") == "process_request_thread":
            thread.join(timeout=5)
    for connection in server.thread.connections_override.values():
        connection.dec_thread_sharing()


@pytest.fixture
def page(chromium, http_site):
    # Depends on http_site so that the browser closes before the server stops.
    context = chromium.new_context(base_url=http_site)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture
def artifacts() -> Path:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
