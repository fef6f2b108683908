"""Translation groups: drafting a translation from its source, and each status's rule."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError

from newscenter.news import services, translations
from newscenter.news.models import Article, AuditEntry, Notification
from newscenter.news.policy import SYSTEM, PolicyDenied
from newscenter.news.translations import Status
from tests.builders import make_article, make_user
from tests.conftest import https_client, staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def several(db):
    services.site_settings_update(acting_user=SYSTEM, languages=["de", "zh-Hans"])


def test_a_translation_starts_as_a_draft_prefilled_from_its_source():
    editor = make_user(role="editor")
    source = make_article(headline="Plant opens", body="<p>The plant opens.</p>")
    german = services.translation_create(acting_user=editor, source=source, language="de")
    german.refresh_from_db()
    source.refresh_from_db()
    assert german.status == Article.Status.DRAFT
    assert (german.headline, german.body, german.language) == (source.headline, source.body, "de")
    assert german.translation_group == source.translation_group is not None
    assert german.translated_from == source
    assert german.translated_from_revision == translations.latest_revision_number(source)
    entry = AuditEntry.objects.filter(action="translate").get()
    assert (entry.actor, entry.article, entry.detail["source"]) == (editor, german, source.pk)
    assert translations.status(german) == Status.DRAFT


def test_one_article_per_language_in_a_group():
    source = make_article()
    services.translation_create(acting_user=SYSTEM, source=source, language="de")
    with pytest.raises(ValidationError, match="already has a de version"):
        services.translation_create(acting_user=SYSTEM, source=source, language="DE")
    with pytest.raises(ValidationError, match="not one of the site's languages"):
        services.translation_create(acting_user=SYSTEM, source=source, language="fr")
    with pytest.raises(ValidationError, match="already has a en version"):
        services.translation_create(acting_user=SYSTEM, source=source, language="en")


def test_people_without_the_right_cannot_translate():
    reader = make_user()
    with pytest.raises(PolicyDenied):
        services.translation_create(acting_user=reader, source=make_article(), language="de")
    assert not Article.objects.filter(language="de").exists()


def test_a_published_translation_goes_outdated_when_its_source_text_changes():
    source = make_article(headline="Plant opens")
    german = services.translation_create(acting_user=SYSTEM, source=source, language="de")
    german = services.article_update(article=german, acting_user=SYSTEM, headline="Werk eröffnet")
    german = services.article_publish(article=german, acting_user=SYSTEM)
    assert translations.status(german) == Status.CURRENT

    # A save that changes no text (a new section, a workflow step) keeps it current.
    services.article_update(article=source, acting_user=SYSTEM, canonical_url="")
    german.refresh_from_db()
    assert translations.status(german) == Status.CURRENT

    services.article_update(article=source, acting_user=SYSTEM, body="<p>Now 300 jobs.</p>")
    german.refresh_from_db()
    assert translations.status(german) == Status.OUTDATED
    source.refresh_from_db()
    [row] = translations.matrix([source])
    assert [(c.language, c.status) for c in row.cells] == [
        ("en", Status.CURRENT),
        ("de", Status.OUTDATED),
        ("zh-Hans", Status.MISSING),
    ]

    services.translation_mark_current(acting_user=SYSTEM, translation=german)
    german.refresh_from_db()
    assert translations.status(german) == Status.CURRENT
    assert AuditEntry.objects.filter(action="translation.current", article=german).exists()


@pytest.mark.parametrize(
    ("exists", "public", "changed"), list(itertools.product([False, True], repeat=3))
)
def test_status_truth_table(exists, public, changed):
    article = Article(headline="x") if exists else None
    expected = (
        Status.MISSING
        if not exists
        else Status.DRAFT
        if not public
        else Status.OUTDATED
        if changed
        else Status.CURRENT
    )
    assert translations.status_of(article, public=public, source_changed=changed) == expected


def test_status_through_the_workflow():
    """The same table walked through the real services, article by article."""
    source = make_article()
    german = services.translation_create(acting_user=SYSTEM, source=source, language="de")
    rows = [("created", translations.status(german))]
    german = services.article_submit(article=german, acting_user=SYSTEM)
    rows.append(("submitted", translations.status(german)))
    german = services.article_publish(article=german, acting_user=SYSTEM)
    rows.append(("published", translations.status(german)))
    services.article_update(article=source, acting_user=SYSTEM, headline="New headline")
    german.refresh_from_db()
    rows.append(("source edited", translations.status(german)))
    german = services.article_unpublish(article=german, acting_user=SYSTEM)
    rows.append(("unpublished", translations.status(german)))
    assert rows == [
        ("created", Status.DRAFT),
        ("submitted", Status.DRAFT),
        ("published", Status.CURRENT),
        ("source edited", Status.OUTDATED),
        ("unpublished", Status.DRAFT),
    ]


def test_the_translators_and_editors_are_told_once_when_a_translation_goes_outdated():
    translator = make_user(role="contributor", username="translator")
    editor = make_user(role="editor", username="editor")
    writer = make_user(role="editor", username="writer")
    source = make_article(headline="Plant opens")
    german = services.translation_create(acting_user=SYSTEM, source=source, language="de")
    german.created_by = translator
    german.save(update_fields=["created_by"])  # as if the translator had made it
    german = services.article_update(article=german, acting_user=SYSTEM, headline="Werk eröffnet")
    german = services.article_publish(article=german, acting_user=SYSTEM)
    chinese = services.translation_create(acting_user=SYSTEM, source=source, language="zh-Hans")
    Notification.objects.all().delete()  # "published": not what this test is about

    def inbox(user) -> list[tuple[str, int | None]]:
        return list(Notification.objects.filter(user=user).values_list("text", "article_id"))

    services.article_update(article=source, acting_user=writer, canonical_url="")
    assert inbox(translator) == []  # no text changed
    services.article_update(article=source, acting_user=writer, body="<p>Now 300 jobs.</p>")
    told = [(
        "writer changed “Plant opens”: its translation into de, “Werk eröffnet”, is outdated.",
        german.pk,
    )]  # fmt: skip
    assert inbox(translator) == told
    assert inbox(editor) == told
    assert inbox(writer) == []  # not the person who changed it
    assert not Notification.objects.filter(article=chinese).exists()  # a draft: not outdated
    # Outdated already: a further edit tells nobody again.
    services.article_update(article=source, acting_user=writer, body="<p>Now 301 jobs.</p>")
    assert len(inbox(translator)) == 1
    # Caught up, then outdated again: told again.
    services.translation_mark_current(acting_user=SYSTEM, translation=german)
    services.article_update(article=source, acting_user=writer, headline="Plant opened")
    assert len(inbox(translator)) == 2
    # The desk shows it on the translator's dashboard.
    page = staff_login(https_client(), translator).get("/admin/").content.decode()
    assert "its translation into de, “Werk eröffnet”, is outdated." in page
