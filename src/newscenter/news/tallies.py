"""Counts kept after each change, so that no page counts a large table (the ``Tally`` rows).

``timed_articles`` (public, scheduled and embargoed articles) gives :func:`public_count`: the
sitemap index and the first page of the API's article list read it instead of a COUNT over
every article.

``sitemap_page_from:<size>:<page>`` rows name the first article of each page of the articles'
sitemap (oldest first, ``SITEMAP_PAGE`` a page): a page is read from there along the listing
index instead of after an OFFSET that walks every article before it. Timed articles are
marked, not only public ones: a scheduled article is dated after every public one, so the
pages that hold public articles start where they would, and stay right when its time comes.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import F, Func, Subquery, Window
from django.db.models.functions import Mod, RowNumber
from django.utils import timezone

from newscenter.news.changes import Change
from newscenter.news.models import Article, Tally

TIMED_TALLY = "timed_articles"
SITEMAP_PAGE = 1_000  # URLs a page of the articles' sitemap (WordPress gives 2,000, Yoast 1,000)
_PAGE_FROM = "sitemap_page_from:"


def recount(change: Change) -> None:
    """Listener of the change signal: the count of timed articles, after each change."""
    if change.articles:
        timed = Article.objects.filter(status__in=Article.TIMED).count()
        Tally.objects.update_or_create(name=TIMED_TALLY, defaults={"value": timed})
        mark_sitemap_pages(SITEMAP_PAGE)


def mark_sitemap_pages(size: int) -> None:
    """Keep the first article of each sitemap page after the first, ``size`` a page."""
    numbered = (
        Article.objects.filter(status__in=Article.TIMED)
        .annotate(n=Window(RowNumber(), order_by=[F("pub_date").asc(), F("id").asc()]))
        .annotate(k=Mod(F("n") - 1, size))
        .filter(k=0, n__gt=1)
        .values_list("n", "id")
    )
    prefix = f"{_PAGE_FROM}{size}:"
    marks = [Tally(name=f"{prefix}{(n - 1) // size + 1}", value=pk) for n, pk in numbered]
    Tally.objects.filter(name__startswith=prefix).delete()
    Tally.objects.bulk_create(marks, batch_size=500)


def sitemap_page_start(size: int, page: int) -> tuple[dt.datetime, int] | None:
    """The date and id of page ``page``'s first article, as last marked; None when not marked
    (or inside a transaction that may have changed articles since)."""
    if connection.in_atomic_block:
        return None
    mark = Tally.objects.filter(name=f"{_PAGE_FROM}{size}:{page}").values("value")[:1]
    found = Article.objects.filter(pk=Subquery(mark)).values_list("pub_date", "id").first()
    if found is None or found[0] is None:
        return None
    return found[0], found[1]


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
