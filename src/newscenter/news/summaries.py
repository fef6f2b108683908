"""What the sitemap index says of each sitemap, kept with the listing rows (``news.listings``)
after each change, so that the index reads one small set of ``Tally`` rows instead of some
twenty queries (each small; their ORM work was the index's cost):

- for sections, tags and authors: how many listing rows (listing, article language) there are
  of listings that exist, and the latest of their moments;
- the latest change of the public articles as the pages' sitemap dates the front pages
  (Max(Greatest(updated, pub_date))) and as the articles' sitemap dates its pages (the newest
  ``publishing.last_change``).

The summary is of the articles public at the moment the rows were kept (``sitemap_summary:kept``,
the ``listing_changes_until`` of the same transaction). A scheduled article goes live without a
write: :func:`read` gives no summary once one has (readers then work everything out as before),
and the next change keeps it again.

Beside it, ``news.tallies`` keeps how many pages the articles' sitemap has, counted with the
marks the pages run between, after each change to articles (with its own moment: the summary
holds while no article has gone live since the earlier of the two).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.db import connection
from django.db.models import Count, Max, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from newscenter.news.models import Article, Tally

PREFIX = "sitemap_summary:"
_KEPT = f"{PREFIX}kept"  # the moment of the summary, in microseconds since 1970
KINDS = ("section", "tag", "author")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_LISTING_MODELS = {"section": "Section", "tag": "Tag", "author": "Author"}


_ARTICLE_PAGES = f"{PREFIX}articles:pages"  # kept by news.tallies with the pages' marks
_ARTICLE_PAGES_AT = f"{PREFIX}articles:pages_at"  # and when


@dataclass(frozen=True)
class Summary:
    """``rows``: listing rows of listings that exist, by kind; ``latest``: by kind, and for
    "pages" and "articles" (None where no article is public); ``article_pages``: the pages of
    the articles' sitemap (None when not kept yet)."""

    rows: dict[str, int]
    latest: dict[str, dt.datetime | None]
    article_pages: int | None = None


def keep(moment: dt.datetime, *, apps: Apps = django_apps) -> None:
    """The summary of the listing rows as they are now, kept for the articles public at
    ``moment`` (when the rows were kept). Run in the rows' transaction."""
    article = apps.get_model("news", "Article")
    listing_changes = apps.get_model("news", "ListingChange")
    tally = apps.get_model("news", "Tally")
    values = {_KEPT: _microseconds(moment)}
    for kind in KINDS:
        listings = apps.get_model("news", _LISTING_MODELS[kind])._default_manager.values("pk")
        found = (
            listing_changes.objects.filter(kind=kind, listing__in=listings)
            .order_by()
            .aggregate(rows=Count("pk"), latest=Max("last_change"))
        )
        values[f"{PREFIX}{kind}:rows"] = found["rows"]
        if found["latest"] is not None:
            values[f"{PREFIX}{kind}:latest"] = _microseconds(found["latest"])
    public = article._default_manager.filter(status__in=Article.TIMED, pub_date__lte=moment)
    for name, latest in (("pages", last_change(public)), ("articles", latest_lastmod(public))):
        if latest is not None:
            values[f"{PREFIX}{name}:latest"] = _microseconds(latest)
    kept = tally.objects.filter(name__startswith=PREFIX).exclude(
        name__in=(_ARTICLE_PAGES, _ARTICLE_PAGES_AT)
    )
    kept.delete()
    tally.objects.bulk_create([tally(name=name, value=value) for name, value in values.items()])


def keep_article_pages(pages: int, moment: dt.datetime) -> None:
    """How many pages the articles' sitemap has at ``moment`` (``news.tallies``, which keeps
    the marks the pages run between, counts them after each change)."""
    for name, value in ((_ARTICLE_PAGES, pages), (_ARTICLE_PAGES_AT, _microseconds(moment))):
        Tally.objects.update_or_create(name=name, defaults={"value": value})


def read(now: dt.datetime | None = None) -> Summary | None:
    """The kept summary, or None when there is none, when an article has gone live since it
    was kept, or inside a transaction that may have changed articles since."""
    if connection.in_atomic_block:
        return None
    values = dict(Tally.objects.filter(name__startswith=PREFIX).values_list("name", "value"))
    kept = values.get(_KEPT)
    if kept is None:
        return None
    pages_at = values.get(_ARTICLE_PAGES_AT)
    moment = _from_microseconds(kept if pages_at is None else min(kept, pages_at))
    now = now or timezone.now()
    if now > moment and Article.objects.published(at=now).filter(pub_date__gt=moment).exists():
        return None
    return Summary(
        rows={kind: values.get(f"{PREFIX}{kind}:rows", 0) for kind in KINDS},
        latest={
            name: None if at is None else _from_microseconds(at)
            for name in (*KINDS, "pages", "articles")
            for at in [values.get(f"{PREFIX}{name}:latest")]
        },
        article_pages=values.get(_ARTICLE_PAGES),
    )


# --- the articles' latest changes, without an aggregate over every article --------------------


def latest(articles: QuerySet[Any], field: str) -> dt.datetime | None:
    """The newest ``field`` among ``articles``: an index walked newest first, not a MAX()."""
    found: dt.datetime | None = articles.order_by(f"-{field}").values_list(field, flat=True).first()
    return found


def last_change(articles: QuerySet[Any]) -> dt.datetime | None:
    """Max(Greatest(updated, pub_date)) over ``articles``, as the greater of two index walks
    (the newest ``updated`` and the newest ``pub_date``) in one query."""
    newest_pub = articles.order_by("-pub_date").values("pub_date")[:1]
    row = (
        articles.order_by("-updated")
        .annotate(newest_pub=Subquery(newest_pub))
        .values_list("updated", "newest_pub")
        .first()
    )
    return max(row) if row is not None else None


def latest_lastmod(public: QuerySet[Any]) -> dt.datetime | None:
    """The newest ``publishing.last_change`` of the ``public`` articles without reading every
    article: an article's own change is never later than its ``updated``, so only those
    updated after the newest publication date (a range of the index on ``updated``, few rows)
    can beat that date."""
    newest_pub = latest(public, "pub_date")
    if newest_pub is None:
        return None
    later = latest_own_change(public.filter(updated__gt=newest_pub))
    return max(newest_pub, later) if later is not None else newest_pub


_WALK = 200


def latest_own_change(articles: QuerySet[Any]) -> dt.datetime | None:
    """Max(Coalesce(modified, updated)) over ``articles``, walking the index on ``updated``
    newest first: no article's own change is later than its ``updated``, so the walk stops at
    the first row whose ``updated`` is no later than the best found. After an import every
    article may be updated after the newest publication date; the aggregate then read them
    all (11 s at a million), the walk reads one. Past ``_WALK`` rows, the aggregate, once."""
    best: dt.datetime | None = None
    rows = articles.order_by("-updated").values_list("updated", "modified")[:_WALK]
    for n, (updated, modified) in enumerate(rows, start=1):
        if best is not None and updated <= best:
            return best
        own = modified or updated
        best = own if best is None else max(best, own)
        if n == _WALK:
            found: dt.datetime | None = articles.aggregate(
                latest=Max(Coalesce("modified", "updated"))
            )["latest"]
            return found
    return best


def _microseconds(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


def _from_microseconds(value: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=value)
