"""The API in a site of several languages: each article's language and translations, and the
``lang=`` filter on the article list and the search."""

from __future__ import annotations

import json

import pytest

from newscenter.conf import site_url
from newscenter.news import services
from newscenter.news.policy import SYSTEM
from tests.builders import make_article

pytestmark = pytest.mark.django_db


def body(response) -> dict:
    assert response.status_code in (200, 400), response.content
    return json.loads(response.content)


@pytest.fixture
def group(django_capture_on_commit_callbacks):
    """An English article, its published German translation (a de-AT one under "de") and a
    Chinese draft; indexed, as after their commits."""
    services.site_settings_update(acting_user=SYSTEM, languages=["de", "zh-Hans"])
    with django_capture_on_commit_callbacks(execute=True):
        english = make_article(headline="Plant opens in Ebersfurt")
        german = services.translation_create(acting_user=SYSTEM, source=english, language="de")
        german = services.article_update(
            article=german,
            acting_user=SYSTEM,
            headline="Werk in Ebersfurt eröffnet",
            slug="werk-eroeffnet",
        )
        german = services.article_publish(article=german, acting_user=SYSTEM)
        chinese = services.translation_create(
            acting_user=SYSTEM, source=english, language="zh-Hans"
        )
        austrian = make_article(headline="Werk in Linz", language="de-AT")
    return english, german, chinese, austrian


def test_each_article_names_its_language_and_its_published_translations(api, group):
    english, german, _chinese, austrian = group
    items = {a["id"]: a for a in body(api.get("/api/v1/articles"))["items"]}
    assert set(items) == {english.pk, german.pk, austrian.pk}  # the Chinese draft is not public
    assert items[english.pk]["language"] == "en"  # left empty: the site's default
    assert items[german.pk]["language"] == "de"
    assert items[english.pk]["translations"] == {
        "de": {
            "id": german.pk,
            "url": site_url(german.get_absolute_url()),
            "path": german.get_absolute_url(),
        }
    }
    assert german.get_absolute_url().startswith("/de/news/")
    assert items[german.pk]["translations"]["en"]["id"] == english.pk
    assert items[austrian.pk]["translations"] == {}
    one = body(api.get(f"/api/v1/articles/{german.pk}", {"fields": "id,translations"}))
    assert one == {"id": german.pk, "translations": {"en": items[german.pk]["translations"]["en"]}}


def test_a_page_of_articles_reads_translations_in_one_query(
    api, group, django_assert_max_num_queries
):
    # Without the page-wide read, every article would cost a query of its own.
    for n in range(10):
        make_article(headline=f"More news {n}")
    with django_assert_max_num_queries(12):
        assert len(body(api.get("/api/v1/articles", {"limit": 20}))["items"]) == 13


def test_lang_keeps_one_edition_of_the_list(api, group):
    english, german, _chinese, austrian = group
    ids = lambda params: {a["id"] for a in body(api.get("/api/v1/articles", params))["items"]}  # noqa: E731
    assert ids({"lang": "de"}) == {german.pk, austrian.pk}  # de-AT is in the German edition
    assert ids({"lang": "en"}) == {english.pk}
    assert ids({"lang": "ZH-hans"}) == set()  # any case; its only article is a draft
    assert ids({"language": "de"}) == {german.pk}  # the exact tag, as before


def test_lang_narrows_the_search(api, group):
    english, german, _chinese, _austrian = group
    hits = lambda params: [  # noqa: E731
        h["article"]["id"] for h in body(api.get("/api/v1/search", params))["hits"]
    ]
    assert set(hits({"q": "Ebersfurt"})) == {english.pk, german.pk}
    assert hits({"q": "Ebersfurt", "lang": "de"}) == [german.pk]
    assert hits({"q": "Ebersfurt", "lang": "en"}) == [english.pk]
    found = body(api.get("/api/v1/search", {"q": "Ebersfurt", "lang": "de"}))
    assert found["hits"][0]["article"]["translations"]["en"]["id"] == english.pk


@pytest.mark.parametrize(
    ("accept_language", "first"),
    [("de-CH, de;q=0.9, en;q=0.5", "de"), ("en-GB,en;q=0.9", "en"), ("fr, en;q=0.1", "en")],
)
def test_without_lang_the_readers_language_comes_first(api, group, accept_language, first):
    english, german, _chinese, _austrian = group
    response = api.get("/api/v1/search", {"q": "Ebersfurt"}, HTTP_ACCEPT_LANGUAGE=accept_language)
    hits = [h["article"]["id"] for h in body(response)["hits"]]
    assert hits == ([german.pk, english.pk] if first == "de" else [english.pk, german.pk])
    # A shared cache must not hand a German reader's order to an English one.
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("path", ["/api/v1/articles", "/api/v1/search"])
def test_a_language_the_site_lacks_is_a_400_naming_the_site_languages(api, group, path):
    response = api.get(path, {"q": "plant", "lang": "fr"})
    assert response.status_code == 400
    problem = body(response)
    assert problem["errors"] == [{"field": "lang", "message": "one of: en, de, zh-Hans"}]
    assert "'fr' is not one of the site's languages" in problem["detail"]


def test_an_article_of_another_edition_by_its_address(api, group):
    _english, german, _chinese, _austrian = group
    found = body(api.get("/api/v1/articles/by-path", {"path": german.get_absolute_url()}))
    assert found["id"] == german.pk
