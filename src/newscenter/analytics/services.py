"""The writes an administrator makes to analytics: counting on or off, raw events deleted.

As every service: keyword-only, ``acting_user`` required, the policy checked, audited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from newscenter.analytics import buffer, rollup
from newscenter.analytics.models import Switch
from newscenter.news import policy
from newscenter.news.audit import audit_record
from newscenter.news.policy import Actor


def counting_set(*, acting_user: Actor, on: bool) -> Switch:
    """Turn counting on or off for the whole site (every process reads it within seconds;
    off, what waits in this process's buffer is dropped, and nothing more is written)."""
    policy.require(acting_user, "analytics.manage")
    with transaction.atomic():
        switch = Switch.objects.select_for_update().first() or Switch()
        switch.counting = on
        switch.changed = timezone.now()
        switch.save()
        audit_record(actor=acting_user, action="analytics.counting", target=switch,
                     counting=on)  # fmt: skip
    buffer.set_counting(on)
    return switch


def raw_events_delete(*, acting_user: Actor) -> int:
    """Delete every raw event now (the daily totals stay); how many were deleted."""
    policy.require(acting_user, "analytics.manage")
    with transaction.atomic():
        rollup.rollup()  # finished days keep their totals; today's views go with the rest
        deleted = rollup.delete_raw_events()
        audit_record(actor=acting_user, action="analytics.delete_raw", deleted=deleted)
    return deleted


def counting_on() -> bool:
    return buffer.switch_on()
