"""Project-wide promises: migrations, checks, deploy settings, URLs, docs, dependency floor."""

import io
import os
import re
import subprocess
import sys
from importlib import import_module
from importlib.metadata import version
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from tests.conftest import worker_cache
from tests.site_urls import sample_urls
from tests.test_cli import env_with_data_dir

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "newscenter"


@pytest.mark.django_db
def test_no_pending_migrations():
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


def test_system_checks_pass():
    call_command("check", fail_level="WARNING", stdout=io.StringIO())


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = env_with_data_dir(tmp_path, DJANGO_DEBUG="false")
    result = subprocess.run(
        [sys.executable, "-m", "newscenter", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_generated_not_committed(tmp_path):
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [name for name in tracked if "secret" in name.lower()]
    env = env_with_data_dir(tmp_path)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    command = [sys.executable, "-m", "newscenter", "shell", "-c", code]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    second = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    assert first == second
    assert len(first.strip()) >= 50


@pytest.mark.django_db
def test_every_public_url_renders_with_one_h1(admin_client):
    urls = sample_urls()
    assert {"news:index", "news:article", "news:section", "news:tag", "news:preview"} <= set(urls)
    for name, url in urls.items():
        response = admin_client.get(url)
        assert response.status_code == 200, name
        if not response["Content-Type"].startswith("text/html"):
            continue  # feeds, sitemaps, JSON: checked by their own tests
        page = BeautifulSoup(response.content, "html.parser")
        assert len(page.find_all("h1")) == 1, name
        assert page.find("main") is not None, name


def test_every_setting_is_documented():
    source = (SRC / "settings.py").read_text() + (SRC / "conf.py").read_text()
    names = set(re.findall(r"env\.\w+\(\s*\"([A-Z0-9_]+)\"", source))
    names |= set(re.findall(r"os\.environ\.get\(\"([A-Z0-9_]+)\"", _commands_source()))
    assert len(names) > 10
    documented = (REPO / "docs" / "configuration.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert not missing, f"undocumented in docs/configuration.md: {missing}"


def test_every_command_is_documented():
    commands = {p.stem for p in (SRC / "cli" / "management" / "commands").glob("[!_]*.py")}
    assert {"import", "serve", "setup", "demo"} <= commands
    documented = (REPO / "docs" / "cli.md").read_text()
    missing = sorted(c for c in commands if f"newscenter {c}" not in documented)
    assert not missing, f"undocumented in docs/cli.md: {missing}"


def test_production_hashes_passwords_with_argon2_at_full_cost():
    """tests/conftest.py swaps in cheap stand-ins for speed; the settings module keeps Django's."""
    production = import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.PASSWORD_HASHERS[0] == "tests.conftest.CheapArgon2PasswordHasher"


def test_readme_has_the_two_commands():
    readme = (REPO / "README.md").read_text()
    assert "make run" in readme
    assert "make test" in readme


def test_security_floor_of_dependencies():
    major, minor, patch = (int(part) for part in version("django").split(".")[:3])
    assert (major, minor) == (5, 2)
    assert patch >= 19


def _commands_source() -> str:
    folder = SRC / "cli" / "management" / "commands"
    return "".join(path.read_text() for path in folder.glob("*.py"))


def test_ci_runs_make_test():
    assert "make test" in (REPO / ".ci" / "run").read_text()
    assert os.access(REPO / ".ci" / "run", os.X_OK)


@pytest.mark.every_database
def test_the_suite_runs_on_the_database_make_test_names():
    """`make test` names the database of each run, so a PostgreSQL run cannot pass on SQLite."""
    expected = os.environ.get("NEWSCENTER_TEST_DATABASE")
    if not expected:
        pytest.skip("NEWSCENTER_TEST_DATABASE is unset: `make test` sets it for each run")
    assert connection.vendor == expected


CACHE_BACKENDS = {
    "redis": "django.core.cache.backends.redis.RedisCache",
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
}


@pytest.mark.every_database
def test_the_suite_runs_on_the_cache_make_test_names():
    """`make test` names the cache of each run too: the PostgreSQL run must really use Redis."""
    expected = os.environ.get("NEWSCENTER_TEST_CACHE")
    if not expected:
        pytest.skip("NEWSCENTER_TEST_CACHE is unset: `make test` sets it for each run")
    assert settings.CACHES["default"]["BACKEND"] == CACHE_BACKENDS[expected]
    cache.set("meta-round-trip", {"headline": "Plant opens"})
    assert cache.get("meta-round-trip") == {"headline": "Plant opens"}


def test_each_xdist_worker_gets_a_redis_database_of_its_own(monkeypatch):
    """Emptying the cache before each test empties a whole Redis database: workers sharing one
    would empty each other's. Servers and commands a test starts get the worker's database."""
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw2")
    redis_cache = {"BACKEND": CACHE_BACKENDS["redis"], "LOCATION": "redis://127.0.0.1:6379/3"}
    assert worker_cache(redis_cache)["LOCATION"] == "redis://127.0.0.1:6379/5"
    assert os.environ["CACHE_URL"] == "redis://127.0.0.1:6379/5"
    local = {"BACKEND": CACHE_BACKENDS["locmem"], "LOCATION": "newscenter"}
    assert worker_cache(local) == local


@pytest.mark.every_database
def test_commands_the_tests_start_share_the_tests_redis_database():
    if not settings.CACHES["default"]["BACKEND"].endswith(".RedisCache"):
        pytest.skip("the cache is not Redis")
    import redis

    cache.set("meta-worker", "seen")
    server = redis.Redis.from_url(os.environ["CACHE_URL"])
    assert server.get(cache.make_key("meta-worker")) is not None
