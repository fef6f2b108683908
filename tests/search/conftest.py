"""Search tests commit through the services' on-commit hook, as a real request would."""

from __future__ import annotations

import pytest

from newscenter.news import services
from newscenter.news.policy import SYSTEM
from tests.builders import make_article


@pytest.fixture
def committed(db, django_capture_on_commit_callbacks):
    """Run a write and then its on-commit callbacks (the index update), returning its result."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


@pytest.fixture
def publish(committed):
    """Create a public article and index it: ``publish(headline=..., body=...)``."""

    def make(**fields):
        return committed(make_article, **fields)

    return make


@pytest.fixture
def edit(committed):
    def change(article, **fields):
        return committed(services.article_update, article=article, acting_user=SYSTEM, **fields)

    return change
