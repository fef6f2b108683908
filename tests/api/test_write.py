"""Writing through the API: the same services and policy as the desk, answered as JSON."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image as Pillow

from newscenter.news.models import Article, Image
from tests.builders import make_article
from tests.conftest import SEED

pytestmark = pytest.mark.django_db


def body(response) -> dict:
    return json.loads(response.content)


def post(api, url: str, data: dict, token: str, method: str = "post"):
    send = getattr(api, method)
    return send(url, json.dumps(data), content_type="application/json", HTTP_AUTHORIZATION=token)


def test_a_script_writes_a_draft_then_schedules_and_publishes_it(api, token_for):
    _, token = token_for("editor", "articles:write", "articles:publish")
    created = post(api, "/api/v1/articles", {
        "headline": "New pumping station", "body": "<p>Built <script>x()</script>in 2026.</p>",
        "section": "Company news", "tags": ["Pumps"], "authors": ["Jana Oster"],
    }, token)  # fmt: skip
    assert created.status_code == 201, created.content
    article = body(created)
    assert article["status"] == "draft"
    assert article["body"] == "<p>Built in 2026.</p>"  # the one allow-list
    assert article["section"]["name"] == "Company news"
    tomorrow = (timezone.now() + dt.timedelta(days=1)).isoformat()
    moved = post(api, f"/api/v1/articles/{article['id']}/transitions",
                 {"transition": "schedule", "at": tomorrow}, token)  # fmt: skip
    assert moved.status_code == 200, moved.content
    assert body(moved)["state"] == "scheduled"
    published = post(api, f"/api/v1/articles/{article['id']}/transitions",
                     {"transition": "publish"}, token)  # fmt: skip
    assert body(published)["state"] == "published"
    edited = post(api, f"/api/v1/articles/{article['id']}", {"standfirst": "Opened today."},
                  token, method="patch")  # fmt: skip
    assert body(edited)["standfirst"] == "Opened today."


def test_a_contributor_token_submits_but_cannot_publish(api, token_for):
    user, token = token_for("contributor", "articles:write", "articles:publish")
    article = body(post(api, "/api/v1/articles", {"headline": "My piece"}, token))
    submitted = post(api, f"/api/v1/articles/{article['id']}/transitions",
                     {"transition": "submit"}, token)  # fmt: skip
    assert body(submitted)["status"] == "review"
    refused = post(api, f"/api/v1/articles/{article['id']}/transitions",
                   {"transition": "publish"}, token)  # fmt: skip
    assert refused.status_code == 403
    assert "contributor cannot publish" in body(refused)["detail"]
    assert Article.objects.get(pk=article["id"]).created_by == user


def test_scopes_narrow_what_a_token_may_do(api, token_for):
    _, reader = token_for("administrator", "articles:read")
    refused = post(api, "/api/v1/articles", {"headline": "Nope"}, reader)
    assert refused.status_code == 403
    assert "articles:write" in body(refused)["detail"]
    assert not Article.objects.exists()


def test_bad_input_names_the_field(api, token_for):
    _, token = token_for("editor", "articles:write")
    for data, field in (
        ({}, "headline"),
        ({"headline": ""}, "headline"),
        ({"headline": "x", "colour": "red"}, "colour"),
        ({"headline": 42}, "headline"),
        ({"headline": "x", "tags": "not a list"}, "tags"),
        ({"headline": "x", "source_url": "javascript:alert(1)"}, "source_url"),
        ({"headline": "x", "lead_image": 999}, "lead_image"),
    ):
        response = post(api, "/api/v1/articles", data, token)
        assert response.status_code == 400, data
        assert response["Content-Type"] == "application/problem+json"
        assert any(field in e["field"] for e in body(response)["errors"]), (data, body(response))
    broken = api.post("/api/v1/articles", "{not json", content_type="application/json",
                      HTTP_AUTHORIZATION=token)  # fmt: skip
    assert broken.status_code == 400
    huge = post(api, "/api/v1/articles", {"headline": "x", "body": "a" * (3 * 1024 * 1024)}, token)
    assert huge.status_code == 413
    assert huge["Content-Type"] == "application/problem+json"
    assert not Article.objects.exists()


def test_review_links_and_images(api, token_for):
    _, token = token_for("editor", "articles:write", "media:write")
    draft = make_article(status="draft", pub_date=None)
    link = post(api, f"/api/v1/articles/{draft.pk}/review-links",
                {"expires_in_hours": 2, "label": "Legal"}, token)  # fmt: skip
    assert link.status_code == 201
    assert "/news/review/" in body(link)["url"]
    picture = io.BytesIO()
    Pillow.new("RGB", (800, 600), "teal").save(picture, format="PNG")
    picture.seek(0)
    picture.name = "press.png"
    uploaded = api.post("/api/v1/images", {"file": picture, "alt": "The press shop"},
                        HTTP_AUTHORIZATION=token)  # fmt: skip
    assert uploaded.status_code == 201, uploaded.content
    image = body(uploaded)
    assert image["alt"] == "The press shop"
    assert image["renditions"]
    hostile = io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>')
    hostile.name = "logo.png"
    refused = api.post("/api/v1/images", {"file": hostile, "alt": "logo"}, HTTP_AUTHORIZATION=token)
    assert refused.status_code == 400
    assert "SVG" in body(refused)["detail"]
    assert Image.objects.count() == 1


def test_an_import_runs_the_same_pipeline_with_its_report(api, token_for):
    _, token = token_for("editor", "imports:run")
    text = SEED.read_text()
    dry = body(post(api, "/api/v1/imports", {"text": text, "dry_run": True}, token))
    assert len(dry["articles"]) == 1
    assert not Article.objects.exists()
    real = body(post(api, "/api/v1/imports", {"text": text}, token))
    assert len(real["created"]) == 1
    assert Article.objects.get().status == "draft"  # the API's default: nothing goes live unasked


def test_token_command_makes_lists_and_revokes(api, token_for):
    from io import StringIO

    from tests.builders import make_user

    make_user(role="editor", username="alice")
    out, err = StringIO(), StringIO()
    call_command("token", "create", "--user", "alice", "--scope", "articles:read",
                 "--expires", "90d", stdout=out, stderr=err)  # fmt: skip
    secret = out.getvalue().strip()
    assert secret.startswith("nc_")
    assert "shown only now" in err.getvalue()
    assert api.get("/api/v1/articles", {"status": "draft"},
                   HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200  # fmt: skip
    listed = StringIO()
    call_command("token", "list", stdout=listed)
    assert "alice" in listed.getvalue()
    assert secret.split("_", 2)[2] not in listed.getvalue()
    call_command("token", "revoke", secret, stdout=StringIO())
    assert api.get("/api/v1/articles", {"status": "draft"},
                   HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401  # fmt: skip
