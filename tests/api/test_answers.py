"""The article reads write their answers without ninja's check of them against the schema
(``api.http.answer``): each must be, byte for byte, what that check would have given back
(the schema's fields in its order, its date format, the same escaping), and show the tags,
authors and renditions the article's rows have."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from newscenter.api.schemas import ArticleList, ArticleOut, NamedList, SearchResults
from newscenter.news import services
from newscenter.news.models import Author, Rendition
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_image

pytestmark = pytest.mark.django_db


def as_ninja_writes(schema, content: bytes) -> bytes:
    """``content`` checked against ``schema`` and written again, as ninja answers what an
    operation with ``exclude_unset=True`` returns."""
    checked = schema.model_validate(json.loads(content)).model_dump(exclude_unset=True)
    return json.dumps(checked, cls=NinjaJSONEncoder).encode()


TAGS = ("Pumps", "Älter", "zebra")


@pytest.fixture
def articles(django_capture_on_commit_callbacks):
    """Articles with all a reader may see: tags (one translated), authors of one name, a
    lead image as wide as the crops (a whole-picture rendition beside them), a section, a
    published translation, text with quotes, markup and non-ASCII letters."""
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    image = make_image(width=1200, height=800, alt="Die Halle", caption="Ü „quoted“", credit="A&B")
    section = services.section_get_or_create(name="Werke & Höfe", acting_user=SYSTEM)
    now = timezone.now().replace(microsecond=123456)
    with django_capture_on_commit_callbacks(execute=True):
        first = make_article(
            headline='Plant "Süd" opens <today>',
            slug="plant-opens",
            standfirst="Line\nbreak and \u2028 separator",
            tags=[services.tag_get_or_create(name=n, acting_user=SYSTEM) for n in TAGS],
            authors=[
                services.author_get_or_create(name="Jo Smith", acting_user=SYSTEM),
                services.taxonomy_save(obj=Author(name="Jo Smith", slug="jo"), acting_user=SYSTEM),
                services.author_get_or_create(name="Ann Lee", acting_user=SYSTEM),
            ],
            section=section,
            lead_image=image,
            lead_image_alt="The hall at dawn",
            source_name="Wire",
            source_url="https://example.com/a?b=1&c=2",
            pub_date=now - dt.timedelta(hours=2),
        )
        german = services.translation_create(acting_user=SYSTEM, source=first, language="de")
        german = services.article_update(
            article=german, acting_user=SYSTEM, headline="Werk eröffnet", slug="werk"
        )
        services.article_publish(article=german, acting_user=SYSTEM)
        make_article(headline="Plain", pub_date=now - dt.timedelta(hours=3))
        make_article(headline="Ältere Nachricht 中文", pub_date=now - dt.timedelta(hours=4))
    pumps = first.tags.get(name="Pumps")
    services.taxonomy_save(obj=_translated(pumps), acting_user=SYSTEM)
    return first, image


def _translated(tag):
    tag.translations = {"de": "Pumpen"}
    return tag


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"limit": 2},
        {"fields": "id,tags,authors,lead_image,pub_date,modified,translations"},
        {"tag": "pumps"},
        {"lang": "de"},
    ],
)
def test_the_article_list_is_what_ninja_would_have_written(api, articles, query):
    response = api.get("/api/v1/articles", query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content)["items"]
    assert response.content == as_ninja_writes(ArticleList, response.content)


@pytest.mark.parametrize("fields", [None, "headline,related", "related", "lead_image,tags"])
def test_one_article_is_what_ninja_would_have_written(api, articles, fields):
    first, _ = articles
    query = {"fields": fields} if fields else {}
    for path, extra in (
        (f"/api/v1/articles/{first.pk}", {}),
        ("/api/v1/articles/by-path", {"path": first.get_absolute_url()}),
    ):
        response = api.get(path, query | extra)
        assert response.status_code == 200
        assert response.content == as_ninja_writes(ArticleOut, response.content)


def test_tags_authors_and_renditions_are_the_articles_own(api, articles):
    first, image = articles
    shown = json.loads(api.get(f"/api/v1/articles/{first.pk}").content)
    tags = first.tags.order_by("name")
    assert [(t["id"], t["name"], t["slug"]) for t in shown["tags"]] == [
        (t.pk, t.name, t.slug) for t in tags
    ]
    assert shown["tags"][0]["url"] == settings.NEWSCENTER_BASE_URL + tags[0].get_absolute_url()
    authors = first.authors.order_by("name", "pk")
    assert [(a["id"], a["name"], a["slug"]) for a in shown["authors"]] == [
        (a.pk, a.name, a.slug) for a in authors
    ]
    # By format and width, and in the order they were made among those of one width: the
    # whole picture 1200 wide before its crops.
    rows = Rendition.objects.filter(image=image).order_by("format", "width", "pk")
    assert [(r["width"], r["height"], r["format"]) for r in shown["lead_image"]["renditions"]] == [
        (r.width, r.height, r.format) for r in rows
    ]
    assert [r["url"] for r in shown["lead_image"]["renditions"]] == [
        settings.NEWSCENTER_BASE_URL + r.file.url for r in rows
    ]
    assert shown["pub_date"].endswith(".123Z")  # ninja's dates: milliseconds, "Z" for UTC


def test_a_renamed_tag_shows_at_once(api, articles):
    first, _ = articles
    tag = first.tags.get(name="zebra")
    tag.name = "Zebras"
    services.taxonomy_save(obj=tag, acting_user=SYSTEM)
    shown = json.loads(api.get("/api/v1/articles", {"fields": "id,tags"}).content)
    names = {a["id"]: [t["name"] for t in a["tags"]] for a in shown["items"]}
    assert "Zebras" in names[first.pk]
    assert names[first.pk] == list(first.tags.order_by("name").values_list("name", flat=True))


@pytest.mark.parametrize("query", [{"q": "plant"}, {"q": "plant", "fields": "id,tags,lead_image"}])
def test_search_results_are_what_ninja_would_have_written(api, articles, query):
    response = api.get("/api/v1/search", query, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert response["Vary"] == "Accept-Language"
    assert json.loads(response.content)["hits"]
    assert response.content == as_ninja_writes(SearchResults, response.content)


@pytest.mark.parametrize("kind", ["sections", "tags", "authors"])
def test_the_lists_of_names_are_what_ninja_would_have_written(api, articles, kind):
    response = api.get(f"/api/v1/{kind}", {"limit": 2})
    assert response.status_code == 200
    assert json.loads(response.content)["items"]
    assert response.content == as_ninja_writes(NamedList, response.content)
