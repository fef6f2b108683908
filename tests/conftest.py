"""Shared fixtures: HTTPS clients (production posture), users, and an article builder; cheap
password hashing, a Redis database per xdist worker, and an empty cache for every test."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import hashers
from django.test import Client, override_settings

from newscenter.news.models import Article
from tests.builders import make_article, make_user


def pytest_configure(config):
    from django.conf import settings

    if settings.DEBUG or not settings.HTTPS:
        raise pytest.UsageError(
            "the tests check production settings: unset DJANGO_DEBUG and NEWSCENTER_HTTPS"
        )
    # Enabled for the whole session: override_settings tells Django's caches and hashers.
    override_settings(
        PASSWORD_HASHERS=[CHEAP_HASHERS.get(path, path) for path in settings.PASSWORD_HASHERS],
        CACHES={**settings.CACHES, "default": worker_cache(settings.CACHES["default"])},
        # The page cache is renewed when a change commits (news.changes), and a test's writes
        # never commit: pages cached earlier in the test would hide them. Off here; the tests
        # of the page cache (tests/web/test_pagecache.py) turn it on and commit as a request does.
        NEWSCENTER_PAGE_CACHE_SECONDS=0,
        # The site's configured address, on which pages, feeds and sitemaps build every URL:
        # the test client's own host, so that links the tests follow resolve.
        NEWSCENTER_BASE_URL="https://testserver",
        # Analytics writes its buffer from a thread of its own, which a test's transaction
        # would not see: tests/analytics/ write it by hand (analytics.buffer.flush).
        NEWSCENTER_ANALYTICS_FLUSH_SECONDS=0,
    ).enable()


DATABASE_FIXTURES = frozenset({"db", "transactional_db", "live_server", "django_db_setup"})


def uses_the_database(item) -> bool:
    """Whether a test reaches the suite's database (pytest-django refuses any other access)."""
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    """Slow tests first: under pytest-xdist the longest one (minutes of kill -9) then runs beside
    the rest of the suite instead of after it. Otherwise the order stays as collected.

    On PostgreSQL (`make test`'s second run) only the tests that reach the database run, and
    those marked ``every_database``: a parser, a validator of settings or a command started in
    a process of its own (on a SQLite file of its own, `tests.test_cli.env_with_data_dir`) does
    the same on both runs, and running it twice cost CI minutes for nothing."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if os.environ.get("NEWSCENTER_TEST_DATABASE") != "postgresql":
        return
    kept, dropped = [], []
    for item in items:
        wanted = uses_the_database(item) or item.get_closest_marker("every_database")
        (kept if wanted else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_header(config):
    """Which database and cache this run uses, so that a log shows what the suite ran on."""
    from django.conf import settings

    database, cache = settings.DATABASES["default"], settings.CACHES["default"]
    where = f"{database.get('HOST') or ''}:{database.get('PORT') or ''}/{database['NAME']}"
    return [
        f"newscenter database: {database['ENGINE'].rsplit('.', 1)[-1]} {where.lstrip(':/')}",
        f"newscenter cache: {cache['BACKEND'].rsplit('.', 1)[-1]} {cache.get('LOCATION', '')}",
    ]


# --- Password hashing ---------------------------------------------------------------
# Production's hashers cost about half a second a password on purpose, and the suite makes
# hundreds of users. Each stand-in below keeps its algorithm's name and encoding, so stored
# hashes still read "argon2$argon2id$..." and upgrades between algorithms still happen; only
# the work factor drops. Production's own settings are checked in a fresh process
# (tests/test_meta.py), which this does not touch.


class CheapArgon2PasswordHasher(hashers.Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: the least argon2 accepts for one lane
    parallelism = 1


class CheapPBKDF2PasswordHasher(hashers.PBKDF2PasswordHasher):
    iterations = 1000


class CheapPBKDF2SHA1PasswordHasher(hashers.PBKDF2SHA1PasswordHasher):
    iterations = 1000


class CheapScryptPasswordHasher(hashers.ScryptPasswordHasher):
    work_factor = 2**4


CHEAP_HASHERS = {
    f"{cls.__base__.__module__}.{cls.__base__.__name__}": f"{cls.__module__}.{cls.__name__}"
    for cls in (
        CheapArgon2PasswordHasher,
        CheapPBKDF2PasswordHasher,
        CheapPBKDF2SHA1PasswordHasher,
        CheapScryptPasswordHasher,
    )
}


# --- The cache ----------------------------------------------------------------------


def worker_cache(cache: dict) -> dict:
    """``cache`` with a Redis database of this xdist worker's own: database N + worker number.

    Each test empties the cache first (below), and Redis empties a whole database at once
    whatever the key prefix, so workers sharing one would empty each other's mid-test.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not cache["BACKEND"].endswith(".RedisCache"):
        return cache
    url = urlsplit(cache["LOCATION"])
    database = int(url.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    location = url._replace(path=f"/{database}").geturl()
    if "CACHE_URL" in os.environ:
        os.environ["CACHE_URL"] = location  # and so for the servers and commands it starts
    return {**cache, "LOCATION": location}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with empty caches: the page cache keeps whole pages there, and one
    test must not be served pages another test rendered."""
    from django.conf import settings
    from django.core.cache import caches

    from newscenter.web import sitecache

    for alias in settings.CACHES:
        caches[alias].clear()
    # Analytics keeps state in the process: which article a path is for (five minutes: another
    # test's article at the same address would take this test's views), the hits waiting, and
    # whether the site counts (a test that switches counting off must not leave it off for the
    # next test in the same worker, a browser test's server thread included).
    from newscenter.analytics import buffer, classify

    classify.page_of.cache_clear()
    classify.forget_cached_secrets()
    buffer._hits.clear()
    buffer.set_counting(True)
    sitecache.forget()  # the settings kept in memory came from another test's database


REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seeds" / "000_954d7fd58fde2234.txt"


STATIC_FILES = "django.contrib.staticfiles.storage.StaticFilesStorage"  # no collectstatic


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path, tmp_path_factory):
    """Uploads and the data folder are the test's own; static files resolve without
    collectstatic. One data folder per test: the page cache's generation is a file there, and
    tests running beside it (xdist workers, another run) would renew it mid-test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path_factory.mktemp("data")  # beside tmp_path: tests list that
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": STATIC_FILES},
    }


class HttpsClient(Client):
    """Production settings redirect plain HTTP to HTTPS, so tests speak HTTPS as browsers do."""

    def request(self, **request):
        request.update({"wsgi.url_scheme": "https", "SERVER_PORT": "443"})
        return super().request(**request)


def https_client(**kwargs) -> Client:
    return HttpsClient(**kwargs)


@pytest.fixture
def client() -> Client:
    return https_client()


def staff_login(client: Client, user) -> Client:
    """Log ``user`` into ``client`` as the admin requires of staff; returns the client.

    The one place tests log staff in, so that what the admin demands of a login (a second
    factor, say) is met in one place.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    # The second factor, as the code step leaves it: a confirmed authenticator, and the
    # session marked as verified by it (desk/site.py checks that).
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(admin_user) -> Client:
    return staff_login(https_client(), admin_user)


@pytest.fixture
def role_client(db):
    """``role_client("editor")``: a logged-in HTTPS client for a new user holding that role."""

    def make(role: str, **fields) -> Client:
        return staff_login(https_client(), make_user(role=role, **fields))

    return make


@pytest.fixture
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"the seed page is not at {SEED}")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def article(db) -> Article:
    return make_article()


@contextlib.contextmanager
def module_data(django_db_blocker, folder: Path, **overrides):
    """Data a module's tests share, built once (in a module-scoped fixture) inside a
    transaction rolled back after the module's last test: each test's own changes roll back
    to it as usual. Media and the data folder are the module's own, like a test's."""
    from django.conf import settings
    from django.db import transaction

    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_FILES}}
    own = override_settings(
        MEDIA_ROOT=folder / "media", DATA_DIR=folder, STORAGES=storages, **overrides
    )
    with django_db_blocker.unblock(), own, transaction.atomic():
        yield
        transaction.set_rollback(True)
