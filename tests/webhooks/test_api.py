"""Managing webhooks through ``/api/v1/webhooks``: administrators only, with the scope."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from newscenter.news.policy import SYSTEM
from newscenter.news.services import articles as article_services
from newscenter.webhooks import delivery
from newscenter.webhooks.models import Delivery, Endpoint
from tests.builders import make_article

pytestmark = pytest.mark.django_db


def send(api, method: str, url: str, token: str, data: dict | None = None):
    call = getattr(api, method)
    if data is None:
        return call(url, HTTP_AUTHORIZATION=token)
    return call(url, json.dumps(data), content_type="application/json", HTTP_AUTHORIZATION=token)


def test_an_administrator_adds_an_endpoint_sees_its_secret_once_and_its_log(
    api, token_for, receiver, committed
):
    _, token = token_for("administrator", "webhooks:manage")
    made = send(
        api,
        "post",
        "/api/v1/webhooks",
        token,
        {"url": receiver.url, "events": ["article.published"], "description": "CRM"},
    )
    assert made.status_code == 201, made.content
    created = json.loads(made.content)
    assert created["secret"].startswith("whsec_")
    detail = json.loads(send(api, "get", f"/api/v1/webhooks/{created['id']}", token).content)
    assert "secret" not in detail
    assert detail["events"] == ["article.published"]

    committed(make_article)
    delivery.run_due()
    assert receiver.received[0].verified(created["secret"])["type"] == "article.published"

    log = json.loads(
        send(api, "get", f"/api/v1/webhooks/{created['id']}/deliveries", token).content
    )
    assert log["total"] == 1
    only = log["items"][0]
    assert only["state"] == "delivered"
    assert only["log"][0]["status"] == 204
    assert only["message_id"] == receiver.received[0].id

    again = send(
        api, "post", f"/api/v1/webhooks/{created['id']}/deliveries/{only['id']}/redeliver", token
    )
    assert again.status_code == 202
    delivery.run_due()
    assert [r.id for r in receiver.received] == [only["message_id"]] * 2  # same webhook-id

    rotated = json.loads(
        send(api, "post", f"/api/v1/webhooks/{created['id']}/rotate-secret", token).content
    )
    assert rotated["secret"] != created["secret"]
    assert rotated["previous_secret_until"]

    ping = send(api, "post", f"/api/v1/webhooks/{created['id']}/ping", token)
    assert ping.status_code == 202
    delivery.run_due()
    assert json.loads(receiver.received[-1].body)["type"] == "webhook.ping"

    off = send(api, "patch", f"/api/v1/webhooks/{created['id']}", token, {"active": False})
    assert json.loads(off.content)["active"] is False
    gone = send(api, "delete", f"/api/v1/webhooks/{created['id']}", token)
    assert gone.status_code == 204
    assert not Endpoint.objects.exists()
    assert not Delivery.objects.exists()


def test_only_administrators_with_the_scope_manage_webhooks(api, token_for, receiver):
    _, editor = token_for("editor", "webhooks:manage", username="ed")
    refused = send(api, "post", "/api/v1/webhooks", editor, {"url": receiver.url})
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")
    _, narrow = token_for("administrator", "articles:read", username="admin2")
    assert send(api, "get", "/api/v1/webhooks", narrow).status_code == 403
    assert api.get("/api/v1/webhooks").status_code == 401
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "http://169.254.169.254/latest"}, "url"),
        ({"url": "https://example.com/h", "events": ["article.eaten"]}, "events"),
        ({"url": "https://example.com/h", "secret": "not-a-secret"}, "secret"),
        ({"url": "https://example.com/h", "colour": "red"}, "colour"),
        ({"url": 12}, "url"),
    ],
)
def test_bad_endpoints_are_refused_with_the_field_named(api, token_for, data, field):
    _, token = token_for("administrator", "webhooks:manage")
    answer = send(api, "post", "/api/v1/webhooks", token, data)
    assert answer.status_code == 400, answer.content
    problem = json.loads(answer.content)
    assert answer["Content-Type"].startswith("application/problem+json")
    assert field in json.dumps(problem)
    assert not Endpoint.objects.exists()


def test_replay_sends_a_time_range_again_to_one_endpoint(
    api, token_for, endpoint, receiver, committed
):
    made, _ = endpoint
    _, token = token_for("administrator", "webhooks:manage")
    first = committed(make_article)
    committed(
        article_services.article_update, article=first, acting_user=SYSTEM, headline="Now corrected"
    )
    delivery.run_due()
    assert len(receiver.received) == 2
    now = timezone.now()
    answer = send(
        api,
        "post",
        f"/api/v1/webhooks/{made.pk}/replay",
        token,
        {
            "since": (now - dt.timedelta(hours=1)).isoformat(),
            "until": (now + dt.timedelta(minutes=1)).isoformat(),
        },
    )
    assert answer.status_code == 202
    assert json.loads(answer.content)["messages"] == 2
    delivery.run_due()
    assert [r.id for r in receiver.received[2:]] == [r.id for r in receiver.received[:2]]
