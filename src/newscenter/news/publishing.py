"""Pure publishing rules: no database, no clock of their own (callers pass ``at``)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.text import slugify

if TYPE_CHECKING:
    from newscenter.news.models import Article

SLUG_MAX_LENGTH = 200


def is_public(article: Article, *, at: dt.datetime | None = None) -> bool:
    """The rule ``ArticleQuerySet.published()`` expresses in SQL, for one article in memory."""
    at = at or timezone.now()
    return (
        article.status in article.TIMED and article.pub_date is not None and article.pub_date <= at
    )


def is_scheduled(article: Article, *, at: dt.datetime | None = None) -> bool:
    """Waiting for its time: scheduled or embargoed (or published with a future date)."""
    at = at or timezone.now()
    return (
        article.status in article.TIMED and article.pub_date is not None and article.pub_date > at
    )


def state(article: Article, *, at: dt.datetime | None = None) -> str:
    """The state a reader and an editor see at ``at``: a timed article whose time has come
    is published, whatever its stored status says (no worker rewrites it)."""
    if is_public(article, at=at):
        return article.Status.PUBLISHED
    return article.status


def slug_for(headline: str) -> str:
    """A URL slug from a headline; non-Latin headlines keep their letters (unicode slugs)."""
    slug = slugify(headline, allow_unicode=True)[:SLUG_MAX_LENGTH].strip("-")
    return slug or "article"


def local_day(moment: dt.datetime, zone: str) -> dt.date:
    """The calendar day of ``moment`` in the site's time zone, as readers and the URL see it."""
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).date()
