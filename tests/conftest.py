"""Shared fixtures: HTTPS clients (production posture), users, and an article builder."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from newscenter.news.models import Article
from tests.builders import make_article, make_user


def pytest_configure(config):
    from django.conf import settings

    if settings.DEBUG or not settings.HTTPS:
        raise pytest.UsageError(
            "the tests check production settings: unset DJANGO_DEBUG and NEWSCENTER_HTTPS"
        )


REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seeds" / "000_954d7fd58fde2234.txt"


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    """Uploads go to a temporary folder; static files resolve without collectstatic."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
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
    # session marked as verified by it (news/admin_site.py checks that).
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
