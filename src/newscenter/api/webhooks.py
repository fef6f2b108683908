"""``/api/v1/webhooks``: endpoints, their secrets, their delivery log, and sending again.

Everything here needs the ``webhooks:manage`` scope and a user who may manage webhooks
(administrators): an endpoint receives article bodies at an address outside.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from newscenter.api import listing
from newscenter.api.auth import Caller, TokenAuth
from newscenter.api.schemas import (
    DeliveryList,
    DeliveryOut,
    EndpointCreated,
    EndpointIn,
    EndpointList,
    EndpointOut,
    EndpointPatch,
    MessageQueued,
    ReplayIn,
    ReplayOut,
    SecretIn,
    SecretOut,
)
from newscenter.news import policy
from newscenter.webhooks import services
from newscenter.webhooks.events import EVENTS
from newscenter.webhooks.models import Delivery, Endpoint

router = Router(tags=["webhooks"])
TOKEN = TokenAuth()


def _caller(request) -> Caller:
    caller: Caller = request.auth
    caller.require("webhooks:manage")
    policy.require(caller.user, "webhook.manage")
    return caller


def endpoint_data(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "active": endpoint.active,
        "disabled_reason": endpoint.disabled_reason,
        "failing_since": endpoint.failing_since,
        "previous_secret_until": endpoint.previous_until,
        "created": endpoint.created,
    }


def delivery_data(delivery: Delivery) -> dict[str, Any]:
    pending = delivery.state == Delivery.State.PENDING
    return {
        "id": delivery.pk,
        "message_id": delivery.message.msg_id,
        "event": delivery.message.event,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "next_attempt": delivery.next_attempt if pending else None,
        "created": delivery.created,
        "finished": delivery.finished,
        "log": [
            {
                "at": attempt.at,
                "status": attempt.status,
                "duration_ms": attempt.duration_ms,
                "response": attempt.response,
                "error": attempt.error,
            }
            for attempt in delivery.log.all()
        ],
    }


def _endpoint(endpoint_id: int) -> Endpoint:
    return get_object_or_404(Endpoint, pk=endpoint_id)


@router.get("/webhooks/events", response=dict[str, str], auth=TOKEN,
            summary="The events an endpoint may ask for, with what each means")  # fmt: skip
def event_list(request):
    _caller(request)
    return EVENTS


@router.get("/webhooks", response=EndpointList, auth=TOKEN, summary="Webhook endpoints")
def endpoint_list(request, limit: int = Query(100, ge=1, le=1000), cursor: str | None = None):
    _caller(request)
    return listing.page(request, Endpoint.objects.all(), cursor, limit, endpoint_data)


@router.post("/webhooks", response={201: EndpointCreated}, auth=TOKEN,
             summary="Add an endpoint; its secret is in the answer, this once")  # fmt: skip
def endpoint_create(request, data: EndpointIn):
    caller = _caller(request)
    endpoint, secret = services.endpoint_create(
        acting_user=caller.user,
        url=data.url,
        events=data.events,
        secret=data.secret or "",
        active=data.active,
        description=data.description,
    )
    return Status(201, {**endpoint_data(endpoint), "secret": secret})


@router.get("/webhooks/{endpoint_id}", response=EndpointOut, auth=TOKEN,
            summary="One endpoint (its secret is never shown again)")  # fmt: skip
def endpoint_detail(request, endpoint_id: int):
    _caller(request)
    return endpoint_data(_endpoint(endpoint_id))


@router.patch("/webhooks/{endpoint_id}", response=EndpointOut, auth=TOKEN,
              summary="Change an endpoint; active: true turns a disabled one back on")  # fmt: skip
def endpoint_update(request, endpoint_id: int, data: EndpointPatch):
    caller = _caller(request)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    endpoint = services.endpoint_update(
        endpoint=_endpoint(endpoint_id), acting_user=caller.user, **changes
    )
    return endpoint_data(endpoint)


@router.delete("/webhooks/{endpoint_id}", response={204: None}, auth=TOKEN,
               summary="Delete an endpoint and its delivery log")  # fmt: skip
def endpoint_delete(request, endpoint_id: int):
    caller = _caller(request)
    services.endpoint_delete(endpoint=_endpoint(endpoint_id), acting_user=caller.user)
    return Status(204, None)


@router.post("/webhooks/{endpoint_id}/rotate-secret", response=SecretOut, auth=TOKEN,
             summary="A new secret; the previous one signs too for 24 hours")  # fmt: skip
def endpoint_rotate(request, endpoint_id: int, data: SecretIn | None = None):
    caller = _caller(request)
    endpoint = _endpoint(endpoint_id)
    secret = services.endpoint_rotate_secret(
        endpoint=endpoint, acting_user=caller.user, secret=(data.secret if data else None) or ""
    )
    return {"secret": secret, "previous_secret_until": endpoint.previous_until}


@router.post("/webhooks/{endpoint_id}/ping", response={202: MessageQueued}, auth=TOKEN,
             summary="Send a webhook.ping message to this endpoint")  # fmt: skip
def endpoint_ping(request, endpoint_id: int):
    caller = _caller(request)
    message = services.endpoint_ping(endpoint=_endpoint(endpoint_id), acting_user=caller.user)
    return Status(202, {"message_id": message.msg_id})


@router.get("/webhooks/{endpoint_id}/deliveries", response=DeliveryList, auth=TOKEN,
            summary="The delivery log: each message, each attempt (kept 30 days)")  # fmt: skip
def delivery_list(
    request,
    endpoint_id: int,
    state: str | None = Query(None, pattern="^(pending|delivered|failed|cancelled)$"),
    limit: int = Query(50, ge=1, le=500),
    cursor: str | None = None,
):
    _caller(request)
    deliveries = (
        _endpoint(endpoint_id)
        .deliveries.select_related("message")
        .prefetch_related("log")
        .order_by("-id")
    )
    if state:
        deliveries = deliveries.filter(state=state)
    return listing.page(request, deliveries, cursor, limit, delivery_data)


@router.post("/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver",
             response={202: DeliveryOut}, auth=TOKEN,
             summary="Send one message again, with the same webhook-id")  # fmt: skip
def delivery_redeliver(request, endpoint_id: int, delivery_id: int):
    caller = _caller(request)
    delivery = get_object_or_404(Delivery, pk=delivery_id, endpoint_id=endpoint_id)
    redone = services.delivery_redeliver(delivery=delivery, acting_user=caller.user)
    return Status(202, delivery_data(redone))


@router.post("/webhooks/{endpoint_id}/replay", response={202: ReplayOut}, auth=TOKEN,
             summary="Send again every message of a time range the endpoint hears")  # fmt: skip
def endpoint_replay(request, endpoint_id: int, data: ReplayIn):
    caller = _caller(request)
    count = services.endpoint_replay(
        endpoint=_endpoint(endpoint_id), acting_user=caller.user, since=data.since,
        until=data.until,
    )  # fmt: skip
    return Status(202, {"messages": count})
