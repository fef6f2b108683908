"""``datetime_attribute``: a ``<time datetime>`` value that HTML accepts.

``|date:'c'`` prints microseconds (``2026-11-16T17:28:43.005700+01:00``), which the HTML
standard's "valid global date and time string" allows only up to three digits: the Nu HTML
Checker reports every such attribute as an error. Every template prints dates for machines
through this one filter, to the second, in the site's time zone.

    {% load news_dates %}<time datetime="{{ article.pub_date|datetime_attribute }}">

``dateline`` writes a teaser's or an article's date and section (for twenty teasers a page,
cheaper than a template included twenty times); ``Datelines`` writes those of one page.

    <p class="meta">{% dateline article %}</p>
"""

from __future__ import annotations

import datetime as dt
import functools

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from newscenter.news.rendering import escape

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
    return Datelines()(article)


class Datelines:
    """The datelines of one page: its language, its time zone and each section's link looked
    up once, not once per teaser (twenty a page, each cost as much as its teaser's markup)."""

    def __init__(self) -> None:
        self.language = get_language()
        self.zone = timezone.get_current_timezone()
        self.sections: dict[int, str] = {}

    def __call__(self, article) -> SafeString:
        markup = self.time(article.pub_date)
        section = article.section
        if section:
            markup += self._section(section)
        return mark_safe(markup + "\n")  # noqa: S308 (every value escaped)

    def time(self, when: dt.datetime | None) -> str:
        """``<time>`` alone, as related news show it."""
        if not when:
            return '<time datetime=""></time>'
        return time_shown(when, self.zone, self.language)

    def _section(self, section) -> str:
        link = self.sections.get(section.pk)
        if link is None:
            url, name = escape(section.get_absolute_url()), escape(section.local_name)
            link = self.sections[section.pk] = f' · <a href="{url}">{name}</a>'
        return link


@functools.lru_cache(maxsize=4096)
def time_shown(when: dt.datetime, zone: dt.tzinfo, language: str | None) -> str:
    """``<time>`` for the moment ``when`` in ``zone`` and the language's date format: the
    same for each page that shows the article, and cheaper found than written again. Equal
    moments in other zones give the same local time, so the key's ``when`` may be either."""
    local = timezone.localtime(when, zone)
    # datetime_attribute's value, from the local time found once.
    attribute = escape(local.isoformat(timespec="seconds"))
    return f'<time datetime="{attribute}">{day_shown(local.date(), language)}</time>'


@functools.lru_cache(maxsize=4096)
def day_shown(day: dt.date, language: str | None) -> str:
    # The day in the active language's DATE_FORMAT, escaped: the same for each article of a
    # day, and date_format's lookups of the format cost more than the rest of the dateline.
    return escape(date_format(day, "DATE_FORMAT"))
