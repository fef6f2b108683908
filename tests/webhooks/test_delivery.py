"""Webhooks as a receiver meets them: every message signed and verified by the official
Standard Webhooks library, sent when it becomes true (a scheduled article's "published" at its
moment), retried on the spec's schedule through an outage, and logged."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
import time_machine
from django.utils import timezone

from newscenter.importers.run import ImportOptions, Source, import_sources
from newscenter.news import services
from newscenter.news.models import Article, AuditEntry
from newscenter.news.policy import SYSTEM
from newscenter.webhooks import delivery
from newscenter.webhooks import services as webhooks
from newscenter.webhooks.models import Attempt, Delivery, Endpoint, Message
from tests.builders import make_article
from tests.webhooks.conftest import failing_for_five_days

pytestmark = pytest.mark.django_db


def test_a_published_article_reaches_the_receiver_signed_and_verified(
    receiver, endpoint, committed
):
    _, secret = endpoint
    article = committed(make_article, headline="Kesselmark opens a plant in Leeds")
    done = delivery.run_due()
    assert (done.sent, done.delivered) == (1, 1)
    [got] = receiver.received
    payload = got.verified(secret)
    assert payload["type"] == "article.published"
    assert payload["data"]["id"] == article.pk
    assert payload["data"]["headline"] == "Kesselmark opens a plant in Leeds"
    assert payload["data"]["url"].startswith("http")
    assert got.id.startswith("msg_")
    assert got.headers["content-type"] == "application/json"
    # Nothing more to send: the message went once.
    assert delivery.run_due().sent == 0
    [row] = Delivery.objects.all()
    assert row.state == Delivery.State.DELIVERED
    assert row.log.get().status == 204


def test_drafts_say_nothing_and_each_public_change_has_its_event(receiver, endpoint, committed):
    _, secret = endpoint
    draft = committed(make_article, status=Article.Status.DRAFT, pub_date=None)
    committed(services.article_update, article=draft, acting_user=SYSTEM, headline="Still a draft")
    assert delivery.run_due().sent == 0
    public = committed(make_article)
    committed(services.article_update, article=public, acting_user=SYSTEM, headline="Corrected")
    committed(services.article_unpublish, article=public, acting_user=SYSTEM)
    committed(services.article_delete, article=public, acting_user=SYSTEM)
    delivery.run_due()
    assert receiver.events() == [
        "article.published", "article.updated", "article.unpublished",
    ]  # fmt: skip
    gone = make_article()
    gone_id = gone.pk
    committed(services.article_delete, article=gone, acting_user=SYSTEM)
    delivery.run_due()
    deleted = receiver.received[-1].verified(secret)
    assert deleted["type"] == "article.deleted"
    assert deleted["data"]["id"] == gone_id
    assert deleted["data"]["url"].endswith(gone.get_absolute_url())


def test_a_batch_shows_each_article_as_the_api_does(receiver, endpoint, committed, api):
    """A batch's sections, tags and authors are made once and shared: each message still holds
    its own article's, in the API's order and form."""
    _, secret = endpoint
    section = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    tags = [services.tag_get_or_create(name=n, acting_user=SYSTEM) for n in ("Valves", "Leeds")]
    people = [services.author_get_or_create(name=n, acting_user=SYSTEM) for n in ("Zoe", "Anna")]

    def both():
        return (
            make_article(section=section, tags=tags, authors=people),
            make_article(tags=tags[:1], authors=people[1:]),
        )

    first, second = committed(both)
    delivery.run_due()
    sent = {p["data"]["id"]: p["data"] for p in (r.verified(secret) for r in receiver.received)}
    assert [t["name"] for t in sent[first.pk]["tags"]] == ["Leeds", "Valves"]
    assert [a["name"] for a in sent[first.pk]["authors"]] == ["Anna", "Zoe"]
    assert sent[first.pk]["section"]["name"] == "Plants"
    assert (sent[second.pk]["section"], len(sent[second.pk]["tags"])) == (None, 1)
    dates = ("pub_date", "modified")  # the API writes them in its own (equal) form
    for article in (first, second):
        shown = json.loads(api.get(f"/api/v1/articles/{article.pk}").content)
        assert {k: v for k, v in sent[article.pk].items() if k not in dates} == {
            k: v for k, v in shown.items() if k not in dates
        }


def test_an_endpoint_hears_only_the_events_it_asked_for(receiver, committed):
    webhooks.endpoint_create(acting_user=SYSTEM, url=receiver.url, events=["article.unpublished"])
    article = committed(make_article)
    committed(services.article_unpublish, article=article, acting_user=SYSTEM)
    delivery.run_due()
    assert receiver.events() == ["article.unpublished"]


def test_a_scheduled_article_gets_its_published_event_at_its_moment(receiver, endpoint, committed):
    _, secret = endpoint
    nine = timezone.now().replace(microsecond=0) + dt.timedelta(hours=3)
    article = committed(make_article, status=Article.Status.DRAFT, pub_date=None)
    committed(services.article_schedule, article=article, acting_user=SYSTEM, at=nine)
    delivery.run_due()
    assert receiver.events() == ["article.scheduled"]
    with time_machine.travel(nine - dt.timedelta(seconds=1), tick=False):
        assert delivery.run_due().sent == 0  # not a second early
    with time_machine.travel(nine + dt.timedelta(seconds=1), tick=False):
        delivery.run_due()
        published = receiver.received[-1].verified(secret)
    assert published["type"] == "article.published"
    assert published["data"]["id"] == article.pk
    assert dt.datetime.fromisoformat(published["timestamp"]) == nine


def test_a_rescheduled_or_withdrawn_article_gets_no_event_for_the_moment_it_lost(
    receiver, endpoint, committed
):
    first = timezone.now() + dt.timedelta(hours=1)
    later = timezone.now() + dt.timedelta(hours=5)
    moved = committed(make_article, status=Article.Status.DRAFT, pub_date=None)
    committed(services.article_schedule, article=moved, acting_user=SYSTEM, at=first)
    committed(services.article_reopen, article=moved, acting_user=SYSTEM)
    committed(services.article_schedule, article=moved, acting_user=SYSTEM, at=later)
    withdrawn = committed(make_article, status=Article.Status.DRAFT, pub_date=None)
    committed(services.article_schedule, article=withdrawn, acting_user=SYSTEM, at=first)
    committed(services.article_reopen, article=withdrawn, acting_user=SYSTEM)
    delivery.run_due()
    receiver.received.clear()
    with time_machine.travel(first + dt.timedelta(minutes=1), tick=False):
        assert delivery.run_due().delivered == 0
    with time_machine.travel(later + dt.timedelta(minutes=1), tick=False):
        delivery.run_due()
    assert [json.loads(r.body)["data"]["id"] for r in receiver.received] == [moved.pk]
    assert receiver.events() == ["article.published"]
    assert Message.objects.filter(state=Message.State.CANCELLED).count() == 2


def test_an_embargo_lifted_says_so_and_says_published(receiver, endpoint, committed):
    until = timezone.now() + dt.timedelta(hours=2)
    article = committed(make_article, status=Article.Status.DRAFT, pub_date=None)
    committed(services.article_embargo, article=article, acting_user=SYSTEM, until=until)
    delivery.run_due()
    assert receiver.events() == []
    with time_machine.travel(until + dt.timedelta(seconds=5), tick=False):
        delivery.run_due()
    assert sorted(receiver.events()) == ["article.embargo_lifted", "article.published"]


def test_an_import_run_says_what_it_did(receiver, endpoint, committed):
    _, secret = endpoint
    text = "# Kesselmark adds a night shift\n\nThe plant in Leeds now runs around the clock.\n"
    report = committed(
        import_sources,
        [Source(name="shift.md", data=text.encode())],
        options=ImportOptions(format="markdown"),
        acting_user=SYSTEM,
    )
    assert report.created
    delivery.run_due()
    finished = [r.verified(secret) for r in receiver.received if b"import.finished" in r.body]
    assert len(finished) == 1
    data = finished[0]["data"]
    assert data["counts"] == {"created": 1, "updated": 0, "skipped": 0, "failed": 0}
    assert data["sources"] == ["shift.md"]


def test_a_receiver_down_for_48_hours_gets_every_event_with_the_same_ids(
    receiver, endpoint, committed
):
    _, secret = endpoint
    receiver.answering(503)
    articles = [committed(make_article) for _ in range(3)]
    committed(services.article_unpublish, article=articles[0], acting_user=SYSTEM)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        delivery.run_due()
        while timezone.now() < start + dt.timedelta(hours=48):
            _run_next_due(clock)
        refused = {r.id for r in receiver.received}
        assert receiver.delivered() == []
        assert len(refused) == 4
        receiver.answering(200)
        while Delivery.objects.filter(state=Delivery.State.PENDING).exists():
            _run_next_due(clock)
        delivered = receiver.delivered()
        for got in delivered:  # signed afresh at the time of each attempt
            sent = int(got.headers["webhook-timestamp"])
            clock.move_to(dt.datetime.fromtimestamp(sent, dt.UTC))
            got.verified(secret)
    assert {r.id for r in delivered} == refused  # every event, each under its own id
    assert len(delivered) == 4  # and each once
    by_type = sorted(json.loads(r.body)["type"] for r in delivered)
    assert by_type == ["article.published"] * 3 + ["article.unpublished"]
    # The attempts followed the schedule.
    row = Delivery.objects.first()
    times = list(row.log.values_list("at", flat=True))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    for gap, planned in zip(gaps, delivery.SCHEDULE[1:], strict=False):
        assert planned * 0.9 <= gap <= planned * 1.1 + dt.timedelta(seconds=1)
    # Eight or nine attempts fall within the 48 hours (the jitter may bring the ninth, planned
    # at 51.6 hours, to 46.4), then the first after the receiver is back succeeds.
    assert len(times) in (9, 10)


def _run_next_due(clock) -> None:
    due = (
        Delivery.objects.filter(state=Delivery.State.PENDING)
        .order_by("next_attempt")
        .values_list("next_attempt", flat=True)
        .first()
    )
    if due is not None and due > timezone.now():
        clock.move_to(due)
    delivery.run_due()


def test_every_attempt_failing_gives_the_delivery_up_after_the_tenth(receiver, endpoint, committed):
    receiver.answering(500, answer=b"x" * 5000)
    committed(make_article)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(12):
            _run_next_due(clock)
    row = Delivery.objects.get()
    assert row.state == Delivery.State.FAILED
    assert row.log.count() == len(delivery.SCHEDULE) == 10
    assert len(row.log.first().response) == 2048  # the first 2 KB of the answer


def test_410_gone_disables_the_endpoint_and_says_why(receiver, endpoint, committed):
    made, _ = endpoint
    receiver.answering(410)
    committed(make_article)
    delivery.run_due()
    made.refresh_from_db()
    assert not made.active
    assert "410" in made.disabled_reason
    assert AuditEntry.objects.filter(action="webhook.disabled").exists()
    committed(make_article)
    delivery.run_due()
    assert len(receiver.received) == 1  # nothing more to a gone endpoint


def test_429_with_retry_after_waits_as_long_as_asked(receiver, endpoint, committed):
    receiver.answering(429, headers={"Retry-After": "3600"})
    committed(make_article)
    now = timezone.now()
    delivery.run_due()
    row = Delivery.objects.get()
    assert row.next_attempt >= now + dt.timedelta(seconds=3600)  # not the 5 s of the schedule
    assert row.next_attempt <= now + dt.timedelta(seconds=3700)


def test_an_endpoint_failing_for_five_days_is_disabled(receiver, endpoint, committed):
    made, _ = endpoint
    receiver.answering(502)
    failing_for_five_days(committed)
    made.refresh_from_db()
    assert not made.active
    assert "5 days" in made.disabled_reason
    # Turned back on, it starts with a clean record and gets what waited.
    receiver.answering(204)
    webhooks.endpoint_update(endpoint=made, acting_user=SYSTEM, active=True)
    made.refresh_from_db()
    assert made.failing_since is None


def test_a_rotated_secret_signs_beside_the_old_one_for_24_hours(receiver, endpoint, committed):
    made, old = endpoint
    new = webhooks.endpoint_rotate_secret(endpoint=made, acting_user=SYSTEM)
    assert new != old
    committed(make_article)
    delivery.run_due()
    got = receiver.received[-1]
    assert got.verified(old)["type"] == "article.published"  # a receiver not yet switched
    assert got.verified(new)["type"] == "article.published"
    assert len(got.headers["webhook-signature"].split()) == 2
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25), tick=False):
        committed(make_article)
        delivery.run_due()
        later = receiver.received[-1]
        assert later.verified(new)
        assert len(later.headers["webhook-signature"].split()) == 1


def test_a_slow_receiver_is_cut_off_at_the_timeout(receiver, endpoint, committed, settings):
    settings.NEWSCENTER_WEBHOOK_TIMEOUT = 1
    receiver.delay = 3
    committed(make_article)
    delivery.run_due()
    attempt = Attempt.objects.get()
    assert attempt.status is None
    assert "did not answer within 1 seconds" in attempt.error


def test_private_addresses_are_refused_unless_allowed(settings, db):
    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = False
    from django.core.exceptions import ValidationError

    for url in ("http://127.0.0.1:9/hooks", "http://169.254.169.254/latest", "ftp://example.org/"):
        with pytest.raises(ValidationError) as refused:
            webhooks.endpoint_create(acting_user=SYSTEM, url=url)
        assert "url" in refused.value.message_dict


def test_a_bad_secret_is_refused_with_the_reason(db, settings):
    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = True
    from django.core.exceptions import ValidationError

    for secret, reason in (("abc", "starts with"), ("whsec_???", "base64"),
                           ("whsec_YWJj", "24 to 64 bytes")):  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            webhooks.endpoint_create(acting_user=SYSTEM, url="http://127.0.0.1/", secret=secret)
        assert reason in refused.value.message_dict["secret"][0]


def test_redeliver_replay_and_ping_reuse_or_make_ids_as_they_should(receiver, endpoint, committed):
    made, secret = endpoint
    start = timezone.now()
    committed(make_article)
    committed(make_article)
    delivery.run_due()
    first_ids = [r.id for r in receiver.received]
    one = Delivery.objects.order_by("id").first()
    webhooks.delivery_redeliver(delivery=one, acting_user=SYSTEM)
    delivery.run_due()
    assert receiver.received[-1].id == first_ids[0]  # the same message, the same id
    count = webhooks.endpoint_replay(
        endpoint=made, acting_user=SYSTEM, since=start, until=timezone.now()
    )
    assert count == 2
    delivery.run_due()
    assert [r.id for r in receiver.received[-2:]] == first_ids
    message = webhooks.endpoint_ping(endpoint=made, acting_user=SYSTEM)
    delivery.run_due()
    ping = receiver.received[-1]
    assert ping.id == message.msg_id not in first_ids
    assert ping.verified(secret)["type"] == "webhook.ping"


def test_an_endpoint_added_later_hears_only_what_happens_after(receiver, committed):
    committed(make_article)
    delivery.run_due()
    webhooks.endpoint_create(acting_user=SYSTEM, url=receiver.url)
    delivery.run_due()
    assert receiver.received == []


def test_the_log_is_kept_thirty_days(receiver, endpoint, committed):
    committed(make_article)
    delivery.run_due()
    assert Attempt.objects.count() == 1
    delivery.prune(now=timezone.now() + dt.timedelta(days=29))
    assert Attempt.objects.count() == 1
    delivery.prune(now=timezone.now() + dt.timedelta(days=31))
    assert (Attempt.objects.count(), Delivery.objects.count(), Message.objects.count()) == (0, 0, 0)
    assert Endpoint.objects.count() == 1
