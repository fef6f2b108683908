"""Hostile input to the API: huge bodies, wrong types, unknown fields, thousands of filters,
broken encodings. Each answer is a 4xx as problem+json naming what was wrong; never a 500,
and nothing written."""

from __future__ import annotations

import io
import json

import pytest

from newscenter.news.models import Article, Image
from newscenter.webhooks.models import Endpoint
from tests.builders import make_article

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
WRITE_SCOPES = ("articles:write", "articles:publish", "media:write", "webhooks:manage",
                "imports:run")  # fmt: skip


@pytest.fixture
def token(token_for) -> str:
    _, header = token_for("administrator", *WRITE_SCOPES)
    return header


def _problem(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == PROBLEM
    found = json.loads(response.content)
    assert found["status"] == status
    assert found["type"].endswith("/api/v1/problems/" + found["type"].rsplit("/", 1)[-1])
    assert found["detail"]
    return found


def _send(api, method: str, url: str, raw: bytes | str, token: str, **extra):
    return getattr(api, method)(
        url, raw, content_type=extra.pop("content_type", "application/json"),
        HTTP_AUTHORIZATION=token, **extra,
    )  # fmt: skip


# --- huge bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/articles"),
        ("post", "/api/v1/imports"),
        ("post", "/api/v1/webhooks"),
        ("patch", "/api/v1/articles/1"),
    ],
)
def test_a_huge_json_body_is_413(api, token, method, url):
    make_article()
    huge = json.dumps({"headline": "x", "body": "a" * (8 * 1024 * 1024)})
    _problem(_send(api, method, url, huge, token), 413)
    assert Article.objects.count() == 1


def test_a_huge_upload_is_413_before_it_is_read(api, token, settings):
    """An image past the library's cap is refused by its declared length: nothing parsed,
    nothing spooled to disk."""
    from newscenter.news.services.images import MAX_BYTES

    boundary = "x" * 20
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\nBig\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    payload = head + b"\0" * (MAX_BYTES + 2 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    response = api.generic(
        "POST", "/api/v1/images", payload,
        content_type=f"multipart/form-data; boundary={boundary}", HTTP_AUTHORIZATION=token,
    )  # fmt: skip
    _problem(response, 413)
    assert not Image.objects.exists()


def test_ten_thousand_multipart_parts_are_refused(api, token):
    parts = {f"field{n}": "x" for n in range(10_000)}
    parts["alt"] = "A picture"
    picture = io.BytesIO(b"\x89PNG\r\n\x1a\n")
    picture.name = "p.png"
    response = api.post("/api/v1/images", {**parts, "file": picture}, HTTP_AUTHORIZATION=token)
    _problem(response, 400)
    assert not Image.objects.exists()


# --- wrong types, unknown fields, broken encodings -------------------------------------------


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"headline": ["a", "list"]}, "headline"),
        ({"headline": None}, "headline"),
        ({"headline": {"nested": True}}, "headline"),
        ({"headline": "x", "tags": [1, 2, {"a": 1}]}, "tags"),
        ({"headline": "x", "tags": ["t"] * 51}, "tags"),
        ({"headline": "x", "authors": "one"}, "authors"),
        ({"headline": "x", "lead_image": "7; drop table"}, "lead_image"),
        ({"headline": "x", "lead_image": 2**70}, "lead_image"),
        ({"headline": "x", "is_staff": True, "created_by": 1}, "is_staff"),
        ({"headline": "x", "headline2": "y"}, "headline2"),
        ({"headline": "x" * 301}, "headline"),
        ({"headline": "x", "language": "x" * 36}, "language"),
    ],
)
def test_wrong_types_and_unknown_fields_name_the_field(api, token, raw, field):
    found = _problem(_send(api, "post", "/api/v1/articles", json.dumps(raw), token), 400)
    assert any(field in error["field"] for error in found["errors"]), found
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"[]",
        b'"a string"',
        b"42",
        b"null",
        b'{"headline": "x"',
        b'{"headline": NaN}',
        b"\xff\xfe\x00{",
        b'{"headline": "\\ud800"}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"headline": "x", "headline": "y"' + b', "a": 1' * 10 + b"}",
    ],
)
def test_bodies_that_are_not_an_object_are_400(api, token, raw):
    response = _send(api, "post", "/api/v1/articles", raw, token)
    assert response.status_code in (400, 413), (raw[:40], response.status_code)
    assert response["Content-Type"] == PROBLEM
    assert Article.objects.count() <= 1  # the duplicate key's "last one wins" is JSON's own


def test_a_body_that_is_not_json_is_415(api, token):
    """A JSON body says so: text/plain is what a cross-site form may send without asking."""
    for content_type in ("text/plain", "application/xml", "application/x-www-form-urlencoded",
                         "application/octet-stream"):  # fmt: skip
        response = _send(api, "post", "/api/v1/articles", b'{"headline": "x"}', token,
                         content_type=content_type)  # fmt: skip
        _problem(response, 415)
    form = _send(api, "post", "/api/v1/articles", b'{"headline": "x"}', token,
                 content_type="multipart/form-data; boundary=x")  # fmt: skip
    _problem(form, 400)  # a form where JSON is wanted: unreadable
    assert not Article.objects.exists()
    fine = _send(api, "post", "/api/v1/articles", b'{"headline": "x"}', token,
                 content_type="application/json; charset=utf-8")  # fmt: skip
    assert fine.status_code == 201


def test_webhook_bodies_of_the_wrong_shape(api, token):
    for raw, field in (
        ({"url": "https://hooks.example.com/a", "events": ["article.exploded"]}, "events"),
        ({"url": "https://hooks.example.com/a", "events": "article.published"}, "events"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "url"),
        ({"url": "https://hooks.example.com/a", "secret": "not-a-secret"}, "secret"),
        ({"url": "https://hooks.example.com/a", "active": "sometimes"}, "active"),
        ({"url": "https://hooks.example.com/a", "owner": 1}, "owner"),
    ):
        found = _problem(_send(api, "post", "/api/v1/webhooks", json.dumps(raw), token), 400)
        assert any(field in error["field"] for error in found["errors"]), (raw, found)
    assert not Endpoint.objects.exists()


# --- thousands of filters and odd parameters -------------------------------------------------


MANY = {
    "tags": "&".join(f"tag=t{n}" for n in range(10_000)),
    "sections": "&".join(f"section=s{n}" for n in range(10_000)),
    "unknown": "&".join(f"f{n}=1" for n in range(10_000)),
    "fields": "fields=" + ",".join(f"f{n}" for n in range(10_000)),
}


@pytest.mark.parametrize(
    "query",
    [
        *[f"/api/v1/articles?{many}" for many in MANY.values()],
        *[f"/api/v1/search?q=valves&{many}" for many in MANY.values()],
        "/api/v1/articles?limit=1e9",
        "/api/v1/articles?limit=99999999999999999999999",
        "/api/v1/articles?published_after=2026-13-45",
        "/api/v1/articles?updated_since=%00",
        "/api/v1/articles?cursor=" + "A" * 10_000,
        "/api/v1/search?q=" + "a" * 100_000,
        "/api/v1/search?q=valves&page=99999999999",
        "/api/v1/search?q=valves&per_page=-5",
        "/api/v1/sections?limit=0",
    ],
)
def test_thousands_of_filters_and_odd_parameters_are_400(api, token, query):
    _problem(api.get(query), 400)
    _problem(api.get(query, HTTP_AUTHORIZATION=token), 400)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/99999999999999999999999",
        "/api/v1/articles/-1",
        "/api/v1/articles/1e3",
        "/api/v1/articles/0x10",
        "/api/v1/images/99999999999999999999999",
        "/api/v1/webhooks/99999999999999999999999",
        "/api/v1/webhooks/1/deliveries/99999999999999999999999/redeliver",
    ],
)
def test_ids_that_are_not_ours_are_4xx(api, token, path):
    for method in ("get", "post", "patch", "delete"):
        if method in ("get", "delete"):
            response = getattr(api, method)(path, HTTP_AUTHORIZATION=token)
        else:
            response = _send(api, method, path, b"{}", token)
        assert 400 <= response.status_code < 500, (method, path, response.status_code)
        if response.status_code != 405:
            assert response["Content-Type"] == PROBLEM, (method, path)
