"""Reading through the API: public articles without a token, unpublished work with one."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.utils import timezone

from newscenter.news import services
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_user

pytestmark = pytest.mark.django_db


def body(response) -> dict:
    return json.loads(response.content)


def test_published_articles_need_no_token_and_page_by_cursor_with_a_total(api):
    now = timezone.now()
    for n in range(5):
        make_article(headline=f"Pump news {n}", pub_date=now - dt.timedelta(hours=n + 1))
    make_article(headline="A draft", status="draft", pub_date=None)
    make_article(headline="Scheduled", pub_date=now + dt.timedelta(days=1))
    first = api.get("/api/v1/articles", {"limit": 2})
    assert first.status_code == 200
    data = body(first)
    assert data["total"] == 5
    assert [a["headline"] for a in data["items"]] == ["Pump news 0", "Pump news 1"]
    assert first["Link"] == f'<{data["next"]}>; rel="next"'
    seen = [a["headline"] for a in data["items"]]
    while data["next"]:
        data = body(api.get(data["next"].removeprefix(settings.NEWSCENTER_BASE_URL)))
        seen += [a["headline"] for a in data["items"]]
        assert data["total"] == 5
    assert seen == [f"Pump news {n}" for n in range(5)]


def test_fields_trim_the_answer_and_unknown_ones_are_named(api):
    make_article(headline="Valve line opens")
    data = body(api.get("/api/v1/articles", {"fields": "headline,url"}))
    assert set(data["items"][0]) == {"headline", "url"}
    wrong = api.get("/api/v1/articles", {"fields": "headline,password"})
    assert wrong.status_code == 400
    assert wrong["Content-Type"] == "application/problem+json"
    problem = body(wrong)
    assert problem["type"].endswith("/api/v1/problems/validation-error")
    assert "password" in problem["detail"]


def test_validators_answer_304_until_something_changes(api):
    article = make_article(headline="Before")
    first = api.get(f"/api/v1/articles/{article.pk}")
    assert first.status_code == 200
    assert first["Last-Modified"]
    again = api.get(f"/api/v1/articles/{article.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    services.article_update(article=article, acting_user=SYSTEM, headline="After")
    changed = api.get(f"/api/v1/articles/{article.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert body(changed)["headline"] == "After"


def test_an_article_by_its_address(api):
    article = make_article(headline="Found by path")
    found = api.get("/api/v1/articles/by-path", {"path": article.get_absolute_url()})
    assert body(found)["id"] == article.pk
    assert api.get("/api/v1/articles/by-path", {"path": "/news/nothing/"}).status_code == 404


def test_an_address_with_a_non_ascii_slug_as_written_or_as_a_browser_sends_it(api):
    article = make_article(headline="Plant Süd", slug="plant-süd")
    given = body(api.get(f"/api/v1/articles/{article.pk}"))["path"]
    assert given.endswith("/plant-s%C3%BCd/")  # as the API and the pages write it
    for path in (given, unquote(given)):  # and as a person would type it
        found = api.get("/api/v1/articles/by-path", {"path": path})
        assert found.status_code == 200, path
        assert body(found)["id"] == article.pk


def test_unpublished_work_is_invisible_without_the_scope(api, token_for):
    draft = make_article(headline="Secret plans", status="draft", pub_date=None)
    assert api.get(f"/api/v1/articles/{draft.pk}").status_code == 404
    assert api.get("/api/v1/articles", {"status": "draft"}).status_code == 401
    _, no_scope = token_for("editor", "articles:write")
    assert (
        api.get("/api/v1/articles", {"status": "draft"}, HTTP_AUTHORIZATION=no_scope).status_code
        == 403
    )
    _, reader = token_for("editor", "articles:read")
    listed = body(api.get("/api/v1/articles", {"status": "draft"}, HTTP_AUTHORIZATION=reader))
    assert [a["headline"] for a in listed["items"]] == ["Secret plans"]
    detail = api.get(f"/api/v1/articles/{draft.pk}", HTTP_AUTHORIZATION=reader)
    assert detail.status_code == 200
    assert detail["Cache-Control"] == "no-store"


def test_a_contributors_token_sees_only_their_own_drafts(api, token_for):
    user, token = token_for("contributor", "articles:read")
    services.article_create(acting_user=user, headline="Mine")
    make_article(headline="Someone else's", status="draft", pub_date=None)
    listed = body(api.get("/api/v1/articles", {"status": "draft"}, HTTP_AUTHORIZATION=token))
    assert [a["headline"] for a in listed["items"]] == ["Mine"]


def test_a_session_never_authenticates_the_api(api, admin_client):
    draft = make_article(status="draft", pub_date=None)
    assert admin_client.get(f"/api/v1/articles/{draft.pk}").status_code == 404
    assert (
        admin_client.post(
            "/api/v1/articles", {"headline": "x"}, content_type="application/json"
        ).status_code
        == 401
    )


def test_wrong_revoked_and_expired_tokens_are_refused(api, token_for):
    from newscenter.api.models import Token

    _, token = token_for("editor", "articles:read")
    assert (
        api.get("/api/v1/articles", HTTP_AUTHORIZATION="Bearer nc_0000000000_wrong").status_code
        == 401
    )
    Token.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert api.get("/api/v1/articles", HTTP_AUTHORIZATION=token).status_code == 401


def test_sections_tags_authors_and_search(api, django_capture_on_commit_callbacks):
    section = services.section_get_or_create(name="Product news", acting_user=SYSTEM)
    with django_capture_on_commit_callbacks(execute=True):  # the index follows commits
        make_article(headline="Gate valves in new sizes", section=section)
    sections = body(api.get("/api/v1/sections"))
    assert [s["slug"] for s in sections["items"]] == ["product-news"]
    found = body(api.get("/api/v1/search", {"q": "valves"}))
    assert found["total"] == 1
    assert found["hits"][0]["article"]["headline"] == "Gate valves in new sizes"
    assert "<mark>" in found["hits"][0]["headline_html"]
    filtered = body(api.get("/api/v1/articles", {"section": "product-news"}))
    assert filtered["total"] == 1
    unknown = api.get("/api/v1/articles", {"section": "nope"})
    assert unknown.status_code == 400
    assert body(unknown)["errors"][0]["field"] == "section"


def test_cors_only_for_configured_origins_on_public_reads(api, settings):
    make_article()
    settings.NEWSCENTER_API_CORS_ORIGINS = ["https://www.kesselmark.example"]
    allowed = api.get("/api/v1/articles", HTTP_ORIGIN="https://www.kesselmark.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://www.kesselmark.example"
    other = api.get("/api/v1/articles", HTTP_ORIGIN="https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in other


def test_rate_limits_answer_429_with_retry_after(api, settings):
    settings.NEWSCENTER_API_ANONYMOUS_RATE_LIMIT = 3
    answers = [api.get("/api/v1/sections") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0]["RateLimit-Limit"] == "3"
    assert answers[2]["RateLimit-Remaining"] == "0"
    assert int(answers[3]["Retry-After"]) > 0
    assert answers[3]["Content-Type"] == "application/problem+json"


def test_hostile_queries_are_400s_with_problem_details(api):
    many = "&".join(f"tag={n}" for n in range(10_000))
    assert api.get(f"/api/v1/articles?{many}").status_code == 400
    for query in (
        {"limit": "lots"},
        {"limit": "-1"},
        {"published_after": "yesterday"},
        {"cursor": "!!!"},
        {"status": "sort-of"},
    ):
        response = api.get("/api/v1/articles", query)
        assert response.status_code == 400, query
        assert response["Content-Type"] == "application/problem+json", query
    assert api.get("/api/v1/articles/99999999999999999999").status_code in (400, 404)


def test_an_openapi_document_that_validates_and_names_security(api):
    from openapi_spec_validator import validate

    document = body(api.get("/api/v1/openapi.json"))
    validate(document)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["security"], (method, path)
            assert "400" in operation["responses"], (method, path)


def test_the_docs_page_is_for_staff(api, admin_client):
    assert api.get("/api/v1/docs").status_code == 302
    page = admin_client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "openapi.json" in page.text
    assert make_user  # the admin fixture made a superuser


def test_related_articles_only_when_asked_for_by_name(api, django_capture_on_commit_callbacks):
    fairs = services.tag_get_or_create(name="Trade fairs", acting_user=SYSTEM)
    with django_capture_on_commit_callbacks(execute=True):  # the lists are stored after commit
        article = make_article(headline="Kesselmark at the exhibition", tags=[fairs])
    with django_capture_on_commit_callbacks(execute=True):
        other = make_article(headline="Calendar of dates", tags=[fairs])
    assert "related" not in body(api.get(f"/api/v1/articles/{article.pk}"))
    data = body(api.get(f"/api/v1/articles/{article.pk}", {"fields": "headline,related"}))
    own = body(api.get(f"/api/v1/articles/{other.pk}", {"fields": "pub_date"}))["pub_date"]
    assert data["related"][0].pop("pub_date") == own  # dated as the API dates articles
    assert data == {
        "headline": "Kesselmark at the exhibition",
        "related": [
            {
                "id": other.pk,
                "headline": "Calendar of dates",
                "url": f"{settings.NEWSCENTER_BASE_URL}{other.get_absolute_url()}",
                "path": other.get_absolute_url(),
            }
        ],
    }
    by_path = api.get(
        "/api/v1/articles/by-path", {"path": other.get_absolute_url(), "fields": "related"}
    )
    assert [a["id"] for a in body(by_path)["related"]] == [article.pk]
    listed = api.get("/api/v1/articles", {"fields": "related"})  # not on lists
    assert listed.status_code == 400
