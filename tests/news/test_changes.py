"""One change signal: sent once a transaction commits, once however much it saved, to the
search index before the cached pages, and never for a transaction that rolled back."""

from __future__ import annotations

import pytest
from django.db import transaction

from newscenter.news import services
from newscenter.news.changes import Change, Stage, content_changed
from newscenter.news.policy import SYSTEM
from newscenter.search.searching import SearchRequest, search
from tests.builders import make_article

pytestmark = pytest.mark.django_db(transaction=True)  # real commits, as in use


@pytest.fixture
def heard():
    changes: list[Change] = []
    content_changed.connect(changes.append, stage=Stage.NOTIFY, uid="tests.heard")
    yield changes
    content_changed.disconnect("tests.heard")


def test_a_transaction_is_heard_once_after_it_commits(heard):
    tag = services.tag_get_or_create(name="Turbines", acting_user=SYSTEM)
    heard.clear()
    with transaction.atomic():
        first = make_article(headline="Turbine hall one")
        second = make_article(headline="Turbine hall two", tags=[tag])
        services.article_update(article=first, acting_user=SYSTEM, standfirst="Now open.")
        assert heard == []  # nothing before the commit
    [change] = heard
    assert (change.articles, change.kinds) == ({first.pk, second.pk}, {"article"})
    assert change.events == (
        ("article.create", first.pk),
        ("article.create", second.pk),
        ("article.update", first.pk),
    )


def _saved_then_failed() -> None:
    with transaction.atomic():
        make_article(headline="Never saved")
        raise RuntimeError("the save fails after the article was written")


def test_a_rolled_back_transaction_is_never_heard(heard):
    with pytest.raises(RuntimeError):
        _saved_then_failed()
    assert heard == []


def test_the_kinds_name_what_changed(heard):
    services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    services.site_settings_update(acting_user=SYSTEM, tagline="Valves since 1921")
    assert [change.kinds for change in heard] == [{"section"}, {"site"}]


def test_the_index_holds_a_change_before_the_pages_are_renewed():
    """A page renewed by the change shows search results: the index must have it first."""
    found_when_pages_renewed: list[list[int]] = []

    def pages(change: Change) -> None:
        hits = search(SearchRequest("gearbox")).hits
        found_when_pages_renewed.append([hit.article_id for hit in hits])

    content_changed.connect(pages, stage=Stage.PAGES, uid="tests.pages")
    try:
        article = make_article(headline="A new gearbox line")
    finally:
        content_changed.disconnect("tests.pages")
    assert found_when_pages_renewed == [[article.pk]]


def test_a_failing_listener_does_not_stop_the_others(heard):
    def broken(change: Change) -> None:
        raise RuntimeError("a listener with a bug")

    content_changed.connect(broken, stage=Stage.INDEX, uid="tests.broken")
    try:
        article = make_article(headline="Saved anyway")
    finally:
        content_changed.disconnect("tests.broken")
    assert [change.articles for change in heard] == [{article.pk}]
