"""Sending: messages handed to endpoints when due, each delivery tried on the spec's schedule.

``run_due`` is one round (the worker calls it every second):

1. messages that are due get their body (one that waited is checked first: see
   ``events.ready_payload``) and a delivery for each active endpoint that hears them;
2. deliveries whose next attempt is due are *claimed* (a lease: ``claimed_until``), one row
   at a time with a conditional update, so two workers never send the same attempt;
3. each claimed delivery is POSTed, a few at once, signed, through ``fetching.post`` (the
   importers' SSRF rules, one 15-second deadline, the first 2 KB of the answer kept);
4. the attempt is logged, and the delivery is done, or due again later, or given up.

A worker killed between 2 and 4 leaves a claimed delivery that nobody finishes: when its lease
ends, the next round sends it again, with the same ``webhook-id``: at most once more.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import random
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newscenter import fetching
from newscenter.news.audit import audit_record
from newscenter.news.policy import SYSTEM
from newscenter.news.services.desk import notify
from newscenter.webhooks import events, signing
from newscenter.webhooks.models import Attempt, Delivery, Endpoint, Message

logger = logging.getLogger(__name__)

# Standard Webhooks' schedule: the delay before each attempt, the first at once.
SCHEDULE = (
    dt.timedelta(0),
    dt.timedelta(seconds=5),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=5),
    dt.timedelta(hours=10),
    dt.timedelta(hours=14),
    dt.timedelta(hours=20),
    dt.timedelta(hours=24),
)
JITTER = 0.1  # each delay is stretched or shrunk by up to this share, so retries spread out
RETRY_AFTER_MAX = dt.timedelta(hours=24)
FAILING_FOR = dt.timedelta(days=5)  # an endpoint failing this long is disabled
KEPT = dt.timedelta(days=30)  # the delivery log
ANSWER_BYTES = 2048
USER_AGENT = "newscenter-webhooks/1"


def timeout() -> float:
    return float(getattr(settings, "NEWSCENTER_WEBHOOK_TIMEOUT", 15))


def lease() -> dt.timedelta:
    # Longer than a send can take, so that a slow answer is never sent twice.
    return dt.timedelta(seconds=timeout() + 15)


@dataclass
class Round:
    """What one round did."""

    handed_out: int = 0
    cancelled: int = 0
    sent: int = 0
    delivered: int = 0
    failed: list[str] = field(default_factory=list)


def run_due(*, now: dt.datetime | None = None, limit: int = 200) -> Round:
    """One round: hand out due messages, then send what is due, ``limit`` at most.

    The requests go out a few at once from a pool of threads; the database is this thread's
    alone (the claimed deliveries read in one query, each attempt recorded as its answer comes
    in), so that the senders never wait on one another for SQLite's write lock nor open a
    connection each."""
    done = Round()
    hand_out(now=now or timezone.now(), done=done)
    claimed = claim(now=now or timezone.now(), limit=limit)
    if not claimed:
        return done
    deliveries = list(
        Delivery.objects.select_related("message", "endpoint")
        .filter(pk__in=claimed)
        .order_by("next_attempt", "id")
    )
    concurrency = max(1, int(getattr(settings, "NEWSCENTER_WEBHOOK_CONCURRENCY", 8)))
    if concurrency == 1 or len(deliveries) == 1:
        for one in deliveries:
            _recorded(one, *_sent(one), done=done)
        return done
    with ThreadPoolExecutor(concurrency, thread_name_prefix="webhook") as pool:
        sending = {pool.submit(_sent, one): one for one in deliveries}
        for answered in as_completed(sending):
            _recorded(sending[answered], *answered.result(), done=done)
    return done


def _sent(
    delivery: Delivery,
) -> tuple[dt.datetime, fetching.PostResult | None, str]:
    """Send one delivery (no database: it may run in a sending thread)."""
    at = timezone.now()
    return (at, *send(delivery, at=at))


def _recorded(
    delivery: Delivery,
    at: dt.datetime,
    result: fetching.PostResult | None,
    error: str,
    *,
    done: Round,
) -> None:
    done.sent += 1
    if record(delivery, result=result, error=error, at=at):
        done.delivered += 1
    else:
        done.failed.append(delivery.endpoint.url)


def hand_out(*, now: dt.datetime, done: Round | None = None, batch: int = 500) -> None:
    """Give each due message its body and a delivery per endpoint that hears it."""
    done = done or Round()
    while True:
        with transaction.atomic():
            due = list(
                Message.objects.select_for_update(skip_locked=True)
                .filter(state=Message.State.WAITING, due__lte=now)
                .order_by("due", "id")[:batch]
            )
            if not due:
                return
            endpoints = list(Endpoint.objects.filter(active=True))
            rows, readied = [], []
            states: dict[str, list[int]] = {Message.State.SENT: [], Message.State.CANCELLED: []}
            for message in due:
                if message.payload is None:
                    message.payload = events.ready_payload(message, now=now)
                    readied.append(message)
                if message.payload is None:
                    states[Message.State.CANCELLED].append(message.pk)
                    done.cancelled += 1
                    continue
                states[Message.State.SENT].append(message.pk)
                done.handed_out += 1
                hearing = (
                    [e for e in endpoints if e.pk == message.only_id]
                    if message.only_id
                    else [e for e in endpoints if e.hears(message.event)]
                )
                rows += [Delivery(message=message, endpoint=e, next_attempt=now) for e in hearing]
            # Most bodies were written with their message: one UPDATE per state, and only the
            # bodies made here rewritten (a bulk_update of every body took a sixth of a round).
            for state, ids in states.items():
                Message.objects.filter(pk__in=ids).update(state=state)
            Message.objects.bulk_update([m for m in readied if m.payload is not None], ["payload"])
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        if len(due) < batch:
            return


def claim(*, now: dt.datetime, limit: int) -> list[int]:
    """Deliveries due now, each taken by this worker alone until its lease ends."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    candidates = list(
        Delivery.objects.filter(
            free, state=Delivery.State.PENDING, next_attempt__lte=now, endpoint__active=True
        )
        .order_by("next_attempt", "id")
        .values_list("id", flat=True)[:limit]
    )
    until = now + lease()
    return [
        pk
        for pk in candidates
        if Delivery.objects.filter(free, pk=pk, state=Delivery.State.PENDING).update(
            claimed_until=until
        )
    ]


def payload_bytes(message: Message) -> bytes:
    return json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode()


def secrets_in_use(endpoint: Endpoint, *, at: dt.datetime) -> list[str]:
    in_use = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_until and at < endpoint.previous_until:
        in_use.append(endpoint.previous_secret)
    return in_use


def send(delivery: Delivery, *, at: dt.datetime) -> tuple[fetching.PostResult | None, str]:
    """POST the message, signed: the answer, or None and why there was none."""
    body = payload_bytes(delivery.message)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signing.headers(
            msg_id=delivery.message.msg_id,
            at=at,
            body=body,
            secrets_in_use=secrets_in_use(delivery.endpoint, at=at),
        ),
    }
    try:
        return (
            fetching.post(
                delivery.endpoint.url,
                body,
                headers,
                timeout=timeout(),
                answer_bytes=ANSWER_BYTES,
            ),
            "",
        )
    except fetching.FetchError as error:
        return None, str(error)[:500]


def record(
    delivery: Delivery, *, result: fetching.PostResult | None, error: str, at: dt.datetime
) -> bool:
    """Log the attempt and decide what follows it; True when it was delivered."""
    status = result.status if result is not None else None
    ok = status is not None and 200 <= status < 300
    with transaction.atomic():
        Attempt.objects.create(
            delivery=delivery,
            at=at,
            status=status,
            duration_ms=int(result.seconds * 1000) if result is not None else 0,
            response=result.head.decode("utf-8", "replace") if result is not None else "",
            error=error,
        )
        delivery.attempts += 1
        delivery.claimed_until = None
        endpoint = delivery.endpoint
        if ok:
            delivery.state = Delivery.State.DELIVERED
            delivery.finished = at
            if endpoint.failing_since is not None:
                Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        elif status == 410:
            delivery.state = Delivery.State.FAILED
            delivery.finished = at
            _disable(endpoint, f"It answered 410 Gone on {at:%Y-%m-%d %H:%M} UTC.", at=at)
        else:
            if delivery.attempts >= len(SCHEDULE):
                delivery.state = Delivery.State.FAILED
                delivery.finished = at
            else:
                delivery.next_attempt = at + _later(delivery.attempts, result, at)
            _failing(endpoint, at=at)
        delivery.save(update_fields=["attempts", "claimed_until", "state", "finished",
                                     "next_attempt"])  # fmt: skip
    return ok


def _later(attempts: int, result: fetching.PostResult | None, at: dt.datetime) -> dt.timedelta:
    delay = SCHEDULE[attempts] * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 (spread)
    asked = retry_after(result.headers.get("retry-after", ""), at) if result is not None else None
    if asked is not None and result is not None and result.status in (429, 503):
        delay = max(delay, min(asked, RETRY_AFTER_MAX))
    return delay


def retry_after(value: str, at: dt.datetime) -> dt.timedelta | None:
    """``Retry-After`` as seconds or an HTTP date; None when absent or unreadable."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return dt.timedelta(seconds=int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(dt.timedelta(0), when - at)


def _failing(endpoint: Endpoint, *, at: dt.datetime) -> None:
    since = Endpoint.objects.filter(pk=endpoint.pk).values_list("failing_since", flat=True).first()
    if since is None:
        Endpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=at)
    elif at - since >= FAILING_FOR:
        days = FAILING_FOR.days
        _disable(endpoint, f"Every delivery failed for {days} days, since {since:%Y-%m-%d}.",
                 at=at)  # fmt: skip


def _disable(endpoint: Endpoint, reason: str, *, at: dt.datetime) -> None:
    """Stop delivering to ``endpoint``, say why (the desk shows it to its owner), audit it."""
    changed = Endpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_reason=reason
    )
    if changed:
        endpoint.active, endpoint.disabled_reason = False, reason
        audit_record(actor=SYSTEM, action="webhook.disabled", target=endpoint, reason=reason)
        owner = Endpoint.objects.filter(pk=endpoint.pk).values_list("owner", flat=True).first()
        if owner is not None:
            notify(
                users=[get_user_model()(pk=owner)],
                text=f"Webhook endpoint {endpoint.url} was turned off. {reason} "
                "Its deliveries wait until it is turned on again.",
            )
        logger.warning("webhook endpoint %s disabled: %s", endpoint.url, reason)


def prune(*, now: dt.datetime | None = None) -> int:
    """Forget finished deliveries, their attempts and spent messages older than 30 days."""
    cutoff = (now or timezone.now()) - KEPT
    deleted, _ = Attempt.objects.filter(at__lt=cutoff, delivery__finished__lt=cutoff).delete()
    gone, _ = Delivery.objects.filter(finished__lt=cutoff).delete()
    spent, _ = (
        Message.objects.filter(created__lt=cutoff)
        .exclude(state=Message.State.WAITING)
        .filter(deliveries__isnull=True)
        .delete()
    )
    return deleted + gone + spent
