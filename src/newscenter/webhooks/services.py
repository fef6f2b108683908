"""Managing endpoints: the one write path for the desk, the API and the command line.

Every function checks ``webhook.manage`` (administrators: an endpoint sends article bodies,
drafts' included once scheduled, to a URL outside) and writes an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newscenter import fetching
from newscenter.news import policy
from newscenter.news.audit import audit_record
from newscenter.news.policy import Actor
from newscenter.webhooks import events, signing
from newscenter.webhooks.models import Delivery, Endpoint, Message

ROTATION = dt.timedelta(hours=24)  # the previous secret still signs this long
URL_CHARS = 2000


def checked_url(url: str) -> str:
    url = url.strip()
    if len(url) > URL_CHARS:
        raise ValidationError({"url": f"A URL of at most {URL_CHARS} characters."})
    try:
        fetching.check(url)
    except fetching.FetchError as error:
        raise ValidationError({"url": str(error)}) from None
    return url


def checked_events(names: Iterable[str]) -> list[str]:
    names = list(dict.fromkeys(names))
    unknown = [name for name in names if name not in events.EVENTS]
    if unknown:
        known = ", ".join(events.EVENTS)
        raise ValidationError(
            {"events": f"Unknown events: {', '.join(unknown)}. Known events: {known}."}
        )
    return names


def _checked_secret(secret: str) -> str:
    try:
        return signing.checked_secret(secret)
    except signing.BadSecret as error:
        raise ValidationError({"secret": str(error)}) from None


@transaction.atomic
def endpoint_create(
    *,
    acting_user: Actor,
    url: str,
    events: Iterable[str] = (),
    secret: str = "",
    active: bool = True,
    description: str = "",
    owner: Any = None,
) -> tuple[Endpoint, str]:
    """A new endpoint, and its secret (generated when not given): shown to the caller once."""
    policy.require(acting_user, "webhook.manage")
    secret = _checked_secret(secret) if secret else signing.new_secret()
    endpoint = Endpoint(
        owner=owner if owner is not None else _user_or_none(acting_user),
        url=checked_url(url),
        events=checked_events(events),
        secret=secret,
        active=active,
        description=description.strip()[:200],
    )
    endpoint.full_clean()
    endpoint.save()
    audit_record(actor=acting_user, action="webhook.create", target=endpoint, url=endpoint.url)
    return endpoint, secret


@transaction.atomic
def endpoint_update(*, endpoint: Endpoint, acting_user: Actor, **changes: Any) -> Endpoint:
    """Change url, events, active or description. Turning an endpoint back on clears why it
    was off, and its pending deliveries go out again."""
    policy.require(acting_user, "webhook.manage")
    unknown = set(changes) - {"url", "events", "active", "description"}
    if unknown:
        raise TypeError(f"unknown endpoint fields: {', '.join(sorted(unknown))}")
    if "url" in changes:
        endpoint.url = checked_url(changes["url"])
    if "events" in changes:
        endpoint.events = checked_events(changes["events"])
    if "description" in changes:
        endpoint.description = changes["description"].strip()[:200]
    if "active" in changes:
        if changes["active"] and not endpoint.active:
            endpoint.disabled_reason = ""
            endpoint.failing_since = None
        endpoint.active = bool(changes["active"])
    endpoint.full_clean()
    endpoint.save()
    audit_record(
        actor=acting_user, action="webhook.update", target=endpoint, changed=sorted(changes)
    )
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint, acting_user: Actor) -> None:
    policy.require(acting_user, "webhook.manage")
    audit_record(actor=acting_user, action="webhook.delete", target=endpoint, url=endpoint.url)
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint, acting_user: Actor, secret: str = "") -> str:
    """A new secret at once; the old one signs beside it for 24 hours, so a receiver can
    switch whenever it likes in that time without failing a delivery."""
    policy.require(acting_user, "webhook.manage")
    new = _checked_secret(secret) if secret else signing.new_secret()
    now = timezone.now()
    endpoint.previous_secret, endpoint.previous_until = endpoint.secret, now + ROTATION
    endpoint.secret = new
    endpoint.save(update_fields=["secret", "previous_secret", "previous_until", "updated"])
    audit_record(actor=acting_user, action="webhook.rotate", target=endpoint)
    return new


@transaction.atomic
def endpoint_ping(*, endpoint: Endpoint, acting_user: Actor) -> Message:
    """A ``webhook.ping`` message for this endpoint alone, sent like any other."""
    policy.require(acting_user, "webhook.manage")
    now = timezone.now()
    data = {"endpoint": endpoint.pk, "url": endpoint.url}
    return Message.objects.create(
        msg_id=events.new_msg_id(),
        event=events.PING,
        payload=events.body(events.PING, data, at=now),
        due=now,
        only=endpoint,
    )


def _again(delivery: Delivery, now: dt.datetime) -> None:
    delivery.state = Delivery.State.PENDING
    delivery.attempts = 0
    delivery.next_attempt = now
    delivery.claimed_until = None
    delivery.finished = None


@transaction.atomic
def delivery_redeliver(*, delivery: Delivery, acting_user: Actor) -> Delivery:
    """Send one message again to its endpoint, with the same ``webhook-id``, on a fresh
    schedule."""
    policy.require(acting_user, "webhook.manage")
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    _again(locked, timezone.now())
    locked.save()
    audit_record(
        actor=acting_user, action="webhook.redeliver", target=locked.endpoint,
        message=locked.message.msg_id,
    )  # fmt: skip
    return locked


@transaction.atomic
def endpoint_replay(
    *, endpoint: Endpoint, acting_user: Actor, since: dt.datetime, until: dt.datetime
) -> int:
    """Send again every message of [since, until] the endpoint hears, whether or not it had
    one then (it may have been off). Returns how many are on their way."""
    policy.require(acting_user, "webhook.manage")
    if until < since:
        raise ValidationError({"until": "The end of the range comes before its start."})
    now = timezone.now()
    messages = Message.objects.filter(
        state=Message.State.SENT, created__gte=since, created__lte=until
    ).exclude(event=events.PING)
    wanted = [m for m in messages if endpoint.hears(m.event)]
    existing = {d.message_id: d for d in endpoint.deliveries.filter(message__in=wanted)}
    for delivery in existing.values():
        _again(delivery, now)
    Delivery.objects.bulk_update(
        existing.values(), ["state", "attempts", "next_attempt", "claimed_until", "finished"]
    )
    Delivery.objects.bulk_create(
        Delivery(message=m, endpoint=endpoint, next_attempt=now)
        for m in wanted
        if m.pk not in existing
    )
    audit_record(
        actor=acting_user, action="webhook.replay", target=endpoint,
        since=since.isoformat(), until=until.isoformat(), messages=len(wanted),
    )  # fmt: skip
    return len(wanted)


def _user_or_none(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
