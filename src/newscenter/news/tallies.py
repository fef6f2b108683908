"""Counts kept after each change, so that no page counts a large table (the ``Tally`` rows).

``timed_articles`` (public, scheduled and embargoed articles) gives :func:`public_count`: the
sitemap index and the first page of the API's article list read it instead of a COUNT over
every article.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, Func, Subquery
from django.utils import timezone

from newscenter.news.changes import Change
from newscenter.news.models import Article, Tally

TIMED_TALLY = "timed_articles"


def recount(change: Change) -> None:
    """Listener of the change signal: the count of timed articles, after each change."""
    if change.articles:
        timed = Article.objects.filter(status__in=Article.TIMED).count()
        Tally.objects.update_or_create(name=TIMED_TALLY, defaults={"value": timed})


def public_count() -> int:
    """How many articles are public now, without counting them: the timed articles kept by
    :func:`recount`, less those whose time has not come (few, found by the listing index).

    Inside a transaction that may have changed articles (a test, a write's request) the kept
    count may not be this transaction's: the articles are counted then.
    """
    if connection.in_atomic_block:
        return Article.objects.published().count()
    waiting = Article.objects.filter(status__in=Article.TIMED, pub_date__gt=timezone.now())
    waiting_count = waiting.order_by().values(n=Func(F("pk"), function="COUNT"))
    row = (
        Tally.objects.filter(name=TIMED_TALLY)
        .annotate(waiting=Subquery(waiting_count))
        .values_list("value", "waiting")
        .first()
    )
    if row is None:  # not counted yet
        return Article.objects.published().count()
    timed, waiting_now = row
    return int(timed) - int(waiting_now or 0)
