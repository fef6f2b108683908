"""API tests: a client without a session, and tokens made by the real service."""

from __future__ import annotations

import pytest
from django.test import Client

from newscenter.api import tokens
from newscenter.news.policy import SYSTEM
from tests.builders import make_user
from tests.conftest import https_client


@pytest.fixture
def api() -> Client:
    """An HTTPS client, as the production settings want, with no cookies at all."""
    return https_client()


@pytest.fixture
def token_for(db):
    """``token_for("editor", "articles:read")`` -> (user, "Bearer nc_...") header value."""

    def make(role: str, *scopes: str, username: str | None = None):
        user = make_user(role=role, username=username)
        _, secret = tokens.token_create(
            user=user, acting_user=SYSTEM, label="test", scopes=list(scopes)
        )
        return user, f"Bearer {secret}"

    return make
