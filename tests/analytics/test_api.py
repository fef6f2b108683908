"""``/api/v1/analytics/...``: the same figures as the desk, for ``analytics:read``."""

from __future__ import annotations

import pytest

from tests.analytics.conftest import reader, stored
from tests.api.conftest import api, token_for  # noqa: F401  (fixtures)
from tests.builders import make_article

pytestmark = pytest.mark.django_db


def test_articles_give_path_views_and_visitors(client, api, token_for):  # noqa: F811
    article = make_article()
    reader(client, article.get_absolute_url())
    reader(client, article.get_absolute_url())
    reader(client, article.get_absolute_url(), ip="8.8.8.8")
    stored()
    _, bearer = token_for("editor", "analytics:read")
    response = api.get("/api/v1/analytics/articles/?range=7d", HTTP_AUTHORIZATION=bearer)
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert (item["path"], item["views"], item["visitors"]) == (
        article.get_absolute_url(), 3, 2)  # fmt: skip
    countries = api.get("/api/v1/analytics/countries/", HTTP_AUTHORIZATION=bearer).json()
    assert {row["value"]: row["views"] for row in countries["items"]} == {"GB": 2, "US": 1}
    summary = api.get("/api/v1/analytics/summary?range=today", HTTP_AUTHORIZATION=bearer)
    assert summary.json()["summary"]["views"] == 3
    days = api.get(f"/api/v1/analytics/articles/{article.pk}/days", HTTP_AUTHORIZATION=bearer)
    assert days.json()["days"][-1]["views"] == 3
    live = api.get("/api/v1/analytics/realtime", HTTP_AUTHORIZATION=bearer).json()
    assert (live["visitors"], live["pages"][0]["path"]) == (2, article.get_absolute_url())


def test_the_scope_and_the_role_are_both_needed(api, token_for):  # noqa: F811
    _, no_scope = token_for("editor", "articles:read")
    _, contributor = token_for("contributor", "analytics:read")
    url = "/api/v1/analytics/articles/"
    assert api.get(url).status_code == 401
    assert api.get(url, HTTP_AUTHORIZATION=no_scope).status_code == 403
    assert api.get(url, HTTP_AUTHORIZATION=contributor).status_code == 403


def test_a_bad_range_is_a_400_naming_the_field(api, token_for):  # noqa: F811
    _, bearer = token_for("editor", "analytics:read")
    response = api.get("/api/v1/analytics/articles/?start=yesterday", HTTP_AUTHORIZATION=bearer)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "start"
    unknown = api.get("/api/v1/analytics/nonsense/", HTTP_AUTHORIZATION=bearer)
    assert unknown.status_code == 404
