"""Endpoints, the messages due to them, each delivery to each endpoint, and every attempt."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Endpoint(models.Model):
    """A URL that hears some events, signed with its secret (``whsec_...``).

    During a rotation the previous secret signs too, until ``previous_until``: a receiver
    that has not switched yet still verifies every delivery.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        help_text="Who is told when the endpoint fails and is disabled.",
    )
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, blank=True, help_text="Empty: every event.")
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_until = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=500, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def hears(self, event: str) -> bool:
        return event == "webhook.ping" or not self.events or event in self.events


class Message(models.Model):
    """One event, as every endpoint receives it: the same ``webhook-id`` and the same body on
    every attempt and every redelivery.

    A message for a moment ahead (a scheduled article's "published") waits until ``due`` and
    is checked then (``condition``): an article rescheduled or taken back in the meantime gets
    no message for the moment it no longer has.
    """

    class State(models.TextChoices):
        WAITING = "waiting"  # until due; then checked, given a body and handed out
        SENT = "sent"  # handed to the endpoints that hear it
        CANCELLED = "cancelled"  # no longer true when due

    msg_id = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=50)
    article_id = models.BigIntegerField(null=True, blank=True)
    condition = models.JSONField(default=dict, blank=True)
    payload = models.JSONField(null=True, blank=True)
    due = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    created = models.DateTimeField(default=timezone.now)
    # Only this endpoint hears it (a test ping), else every endpoint that hears the event.
    only = models.ForeignKey(Endpoint, on_delete=models.CASCADE, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "due"])]

    def __str__(self) -> str:
        return f"{self.event} {self.msg_id}"


class Delivery(models.Model):
    """One message to one endpoint, until it is delivered, given up, or cancelled."""

    class State(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"  # every attempt of the schedule failed, or the endpoint said 410
        CANCELLED = "cancelled"  # the endpoint was disabled or deleted first

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)  # attempts in the current round
    next_attempt = models.DateTimeField(default=timezone.now)
    # A worker sending it holds it until then; a worker killed mid-send lets it go by itself.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["message", "endpoint"], name="one_delivery_each")
        ]
        indexes = [models.Index(fields=["state", "next_attempt"])]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.message} to {self.endpoint}"


class Attempt(models.Model):
    """One POST: when, what came back, how long it took, and the start of the answer."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.PositiveIntegerField(null=True, blank=True)  # none: no answer
    duration_ms = models.PositiveIntegerField(default=0)
    response = models.TextField(blank=True)  # the first 2 KB
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.status or self.error} at {self.at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300
