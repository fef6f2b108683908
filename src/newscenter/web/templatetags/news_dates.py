"""``datetime_attribute``: a ``<time datetime>`` value that HTML accepts.

``|date:'c'`` prints microseconds (``2026-11-16T17:28:43.005700+01:00``), which the HTML
standard's "valid global date and time string" allows only up to three digits: the Nu HTML
Checker reports every such attribute as an error. Every template prints dates for machines
through this one filter, to the second, in the site's time zone.

    {% load news_dates %}<time datetime="{{ article.pub_date|datetime_attribute }}">
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def datetime_attribute(value: dt.datetime | dt.date | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""
