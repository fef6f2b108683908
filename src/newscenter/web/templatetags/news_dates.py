"""``datetime_attribute``: a ``<time datetime>`` value that HTML accepts.

``|date:'c'`` prints microseconds (``2026-11-16T17:28:43.005700+01:00``), which the HTML
standard's "valid global date and time string" allows only up to three digits: the Nu HTML
Checker reports every such attribute as an error. Every template prints dates for machines
through this one filter, to the second, in the site's time zone.

    {% load news_dates %}<time datetime="{{ article.pub_date|datetime_attribute }}">

``dateline`` writes a teaser's or an article's date and section (for twenty teasers a page,
cheaper than a template included twenty times).

    <p class="meta">{% dateline article %}</p>
"""

from __future__ import annotations

import datetime as dt
import functools

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

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


@register.simple_tag
def dateline(article) -> SafeString:
    """``<time>`` with the date in the page language's format, then `` · `` and a link to the
    section when there is one. The line ends with a newline, as the template it replaces did."""
    when = article.pub_date
    shown = day_shown(timezone.localtime(when).date(), get_language()) if when else ""
    markup = f'<time datetime="{escape(datetime_attribute(when))}">{shown}</time>'
    section = article.section
    if section:
        link, name = escape(section.get_absolute_url()), escape(section.local_name)
        markup += f' · <a href="{link}">{name}</a>'
    return mark_safe(markup + "\n")  # noqa: S308 (every value escaped above)


@functools.lru_cache(maxsize=4096)
def day_shown(day: dt.date, language: str | None) -> str:
    # The day in the active language's DATE_FORMAT, escaped: the same for each article of a
    # day, and date_format's lookups of the format cost more than the rest of the dateline.
    return escape(date_format(day, "DATE_FORMAT"))
