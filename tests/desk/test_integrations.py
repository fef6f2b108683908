"""The desk's screens for integrators: API tokens and webhook endpoints, over HTTP as a person
uses them, with what they do read back through the API, the database and a real receiver."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from newscenter.api import tokens
from newscenter.api.models import Token
from newscenter.news.models import AuditEntry, Notification
from newscenter.news.policy import SYSTEM
from newscenter.webhooks import delivery
from newscenter.webhooks import services as webhooks
from newscenter.webhooks.models import Delivery, Endpoint, Message
from tests.builders import make_article, make_user
from tests.conftest import https_client, staff_login
from tests.webhooks.conftest import committed, failing_for_five_days, one_at_a_time, receiver

pytestmark = pytest.mark.django_db

TOKENS = "/admin/api/token/"
ENDPOINTS = "/admin/webhooks/endpoint/"


def _secret(response, prefix: str) -> str:
    assert response.status_code == 200, response.status_code
    field = BeautifulSoup(response.content, "html.parser").select_one("#secret")
    assert field is not None, response.content[:2000]
    assert field["value"].startswith(prefix)
    return field["value"]


def _api(token: str, path: str = "/api/v1/articles?status=draft"):
    return https_client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


# --- API tokens ---------------------------------------------------------------------------------


def test_a_token_made_in_the_desk_is_shown_once_works_and_is_revoked(admin_client, admin_user):
    made = admin_client.post(f"{TOKENS}add/", {
        "user": admin_user.pk, "label": "Main site", "scopes": ["articles:read"],
        "expires_in_days": "90",
    })  # fmt: skip
    secret = _secret(made, "nc_")
    token = Token.objects.get(label="Main site")
    assert token.scopes == ["articles:read"]
    assert token.expires is not None
    assert token.expires > timezone.now() + dt.timedelta(days=89)
    assert secret not in admin_client.get(f"{TOKENS}{token.pk}/change/").text  # never again
    assert _api(secret).status_code == 200
    listing = admin_client.get(TOKENS).text
    assert "Main site" in listing
    assert f"nc_{token.prefix}_" in listing
    token.refresh_from_db()
    assert token.last_used is not None  # shown in the list's "Last used" column
    revoked = admin_client.post(TOKENS, {
        "action": "revoke", "_selected_action": [token.pk], "index": 0,
    })  # fmt: skip
    assert revoked.status_code == 302
    assert _api(secret).status_code == 401
    assert AuditEntry.objects.filter(action="token.revoke").exists()


def test_people_see_and_make_only_their_own_tokens():
    editor = make_user(role="editor")
    editor_client = staff_login(https_client(), editor)
    other = make_user(role="administrator")
    tokens.token_create(
        user=other, acting_user=SYSTEM, label="Admin's own", scopes=["articles:read"]
    )
    listing = editor_client.get(TOKENS)
    assert listing.status_code == 200
    assert (
        "own"
        not in BeautifulSoup(listing.content, "html.parser")
        .select_one("#result_list, p.paginator")
        .text
    )
    refused = editor_client.post(
        f"{TOKENS}add/", {"user": other.pk, "label": "Stolen", "scopes": ["articles:read"]}
    )
    assert refused.status_code == 200  # the form again, with the user refused
    assert not Token.objects.filter(label="Stolen").exists()
    form = BeautifulSoup(editor_client.get(f"{TOKENS}add/").content, "html.parser")
    choices = [o["value"] for o in form.select("select[name=user] option") if o["value"]]
    assert choices == [str(editor.pk)]
    own = editor_client.post(
        f"{TOKENS}add/", {"user": choices[0], "label": "Mine", "scopes": ["articles:read"]}
    )
    assert _secret(own, "nc_")
    assert Token.objects.get(label="Mine").user == editor


# --- webhook endpoints --------------------------------------------------------------------------


def _endpoint_made(admin_client, url: str) -> tuple[Endpoint, str]:
    made = admin_client.post(f"{ENDPOINTS}add/", {
        "url": url, "description": "CRM", "events": ["article.published"], "signing_secret": "",
        "active": "on",
    })  # fmt: skip
    secret = _secret(made, "whsec_")
    return Endpoint.objects.get(url=url), secret


def test_an_endpoint_is_made_edited_rotated_and_pinged_in_the_desk(
    admin_client, admin_user, receiver
):
    endpoint, secret = _endpoint_made(admin_client, receiver.url)
    assert endpoint.owner == admin_user
    assert endpoint.events == ["article.published"]
    assert secret not in admin_client.get(f"{ENDPOINTS}{endpoint.pk}/change/").text
    changed = admin_client.post(f"{ENDPOINTS}{endpoint.pk}/change/", {
        "url": receiver.url, "description": "CRM", "active": "on",
        "events": ["article.published", "article.unpublished"],
    })  # fmt: skip
    assert changed.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["article.published", "article.unpublished"]
    new = _secret(admin_client.post(f"{ENDPOINTS}{endpoint.pk}/rotate/"), "whsec_")
    assert new != secret
    endpoint.refresh_from_db()
    assert endpoint.previous_until is not None
    admin_client.post(f"{ENDPOINTS}{endpoint.pk}/ping/")
    delivery.run_due()
    [ping] = receiver.received
    assert ping.verified(new)["type"] == "webhook.ping"
    assert ping.verified(secret)["type"] == "webhook.ping"  # the old one, for 24 hours


def test_a_refused_address_is_a_form_error(admin_client):
    response = admin_client.post(f"{ENDPOINTS}add/", {
        "url": "http://169.254.169.254/latest/", "events": [], "active": "on",
    })  # fmt: skip
    assert response.status_code == 200
    assert "errornote" in response.text
    assert not Endpoint.objects.exists()


def test_the_delivery_log_redelivers_and_replays(admin_client, receiver, committed):
    endpoint, secret = _endpoint_made(admin_client, receiver.url)
    receiver.answering(500, answer=b"the CRM is down")
    committed(make_article, headline="Kesselmark opens a plant in Leeds")
    delivery.run_due()
    log = admin_client.get(f"{ENDPOINTS}{endpoint.pk}/deliveries/")
    assert log.status_code == 200
    [message] = Message.objects.filter(event="article.published")
    assert message.msg_id in log.text
    assert "the CRM is down" in log.text
    assert re.search(r"500, \d+ ms", log.text)
    receiver.answering(204)
    row = Delivery.objects.get(message=message)
    admin_client.post(f"{ENDPOINTS}{endpoint.pk}/deliveries/", {"redeliver": row.pk})
    delivery.run_due()
    assert [r.id for r in receiver.received] == [message.msg_id, message.msg_id]
    row.refresh_from_db()
    assert row.state == Delivery.State.DELIVERED
    since = timezone.localtime(message.created - dt.timedelta(minutes=1))
    until = timezone.localtime(message.created + dt.timedelta(minutes=1))
    admin_client.post(f"{ENDPOINTS}{endpoint.pk}/deliveries/", {
        "replay": "Replay", "since": f"{since:%Y-%m-%d %H:%M}", "until": f"{until:%Y-%m-%d %H:%M}",
    })  # fmt: skip
    delivery.run_due()
    assert [r.id for r in receiver.received] == [message.msg_id] * 3
    assert receiver.received[-1].verified(secret)["data"]["headline"].endswith("Leeds")
    bad = admin_client.post(f"{ENDPOINTS}{endpoint.pk}/deliveries/", {"redeliver": "9" * 40})
    assert bad.status_code == 302


def test_an_endpoint_off_after_five_failing_days_shows_why_and_tells_its_owner(
    admin_client, admin_user, receiver, committed
):
    endpoint, _ = _endpoint_made(admin_client, receiver.url)
    receiver.answering(502)
    failing_for_five_days(committed)
    endpoint.refresh_from_db()
    assert not endpoint.active
    [note] = Notification.objects.filter(user=admin_user)
    assert endpoint.url in note.text
    assert "5 days" in note.text
    index = admin_client.get("/admin/")
    assert (
        endpoint.url
        in BeautifulSoup(index.content, "html.parser").select_one("#notifications").text
    )
    page = admin_client.get(f"{ENDPOINTS}{endpoint.pk}/change/")
    reason = BeautifulSoup(page.content, "html.parser").select_one("#disabled-reason")
    assert "5 days" in reason.text
    admin_client.post("/admin/notifications/read/")
    assert not Notification.objects.filter(user=admin_user, read=False).exists()


def test_only_administrators_manage_webhooks_in_the_desk(role_client):
    editor = role_client("editor")
    assert editor.get(ENDPOINTS).status_code == 403
    endpoint, secret = webhooks.endpoint_create(
        acting_user=SYSTEM, url="https://hooks.example.com/x"
    )
    assert editor.post(f"{ENDPOINTS}{endpoint.pk}/rotate/").status_code == 403
    assert editor.post(f"{ENDPOINTS}{endpoint.pk}/ping/").status_code == 403
    assert editor.get(f"{ENDPOINTS}{endpoint.pk}/deliveries/").status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.secret == secret
    assert not Message.objects.exists()


def test_every_integrator_page_renders_with_one_heading(admin_client, admin_user):
    token, _ = tokens.token_create(user=admin_user, acting_user=SYSTEM, label="Feed",
                                   scopes=["articles:read"])  # fmt: skip
    endpoint, _ = webhooks.endpoint_create(acting_user=SYSTEM, url="https://hooks.example.com/")
    for path in (
        TOKENS, f"{TOKENS}add/", f"{TOKENS}{token.pk}/change/",
        ENDPOINTS, f"{ENDPOINTS}add/", f"{ENDPOINTS}{endpoint.pk}/change/",
        f"{ENDPOINTS}{endpoint.pk}/deliveries/",
    ):  # fmt: skip
        page = admin_client.get(path)
        assert page.status_code == 200, path
        assert len(BeautifulSoup(page.content, "html.parser").select("h1")) == 1, path


__all__ = ["committed", "one_at_a_time", "receiver"]
