"""``NEWSCENTER_BASE_URL``: by default the address ``make run`` serves, and the desk's warning
to administrators when they reach it at another address."""

import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from tests.test_cli import env_with_data_dir

pytestmark = pytest.mark.django_db
SHOW = "from django.conf import settings; print(settings.NEWSCENTER_BASE_URL)"


def configured_base_url(tmp_path, **env) -> str:
    environment = env_with_data_dir(tmp_path)
    environment.pop("PORT", None)
    environment.pop("HOST", None)
    result = subprocess.run(
        [sys.executable, "-m", "newscenter", "shell", "-c", SHOW],
        env=environment | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_the_default_follows_the_port_make_run_serves(tmp_path):
    assert configured_base_url(tmp_path) == "http://127.0.0.1:8000"
    assert configured_base_url(tmp_path, PORT="8123") == "http://127.0.0.1:8123"
    anywhere = configured_base_url(tmp_path, PORT="9000", HOST="0.0.0.0")  # noqa: S104
    assert anywhere == "http://127.0.0.1:9000"
    assert configured_base_url(tmp_path, PORT="9000", HOST="::1") == "http://[::1]:9000"
    chosen = configured_base_url(tmp_path, PORT="9000", NEWSCENTER_BASE_URL="https://news.example/")
    assert chosen == "https://news.example"


def warning(response) -> str:
    banner = BeautifulSoup(response.content, "html.parser").select_one(".address-warning")
    return banner.get_text(" ", strip=True) if banner else ""


def test_administrators_are_told_what_to_set_when_the_address_differs(role_client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example.com"]
    settings.NEWSCENTER_BASE_URL = "http://127.0.0.1:8000"
    admin = role_client("administrator")
    text = warning(admin.get("/admin/", HTTP_HOST="news.example.com"))
    assert "This site's address is set to http://127.0.0.1:8000" in text
    assert "you opened the desk at https://news.example.com" in text
    assert "NEWSCENTER_BASE_URL=https://news.example.com" in text
    # On other desk pages too.
    assert "NEWSCENTER_BASE_URL=" in warning(admin.get("/admin/news/article/"))


def test_no_warning_when_the_address_matches_or_for_other_roles(role_client, settings):
    settings.NEWSCENTER_BASE_URL = "https://testserver:443"  # the default port is the same
    assert warning(role_client("administrator").get("/admin/")) == ""
    settings.NEWSCENTER_BASE_URL = "http://127.0.0.1:8000"
    editor = role_client("editor").get("/admin/")
    assert editor.status_code == 200
    assert warning(editor) == ""


def test_behind_a_proxy_that_only_changes_the_scheme_the_proxy_setting_is_named(
    role_client, settings
):
    settings.NEWSCENTER_BASE_URL = "http://testserver"
    text = warning(role_client("administrator").get("/admin/"))
    assert "DJANGO_BEHIND_PROXY=true" in text
