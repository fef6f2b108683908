"""Counts kept after each change, so that no page counts a large table (the ``Tally`` rows).

``timed_articles`` (public, scheduled and embargoed articles) gives :func:`public_count`: the
sitemap index and the first page of the API's article list read it instead of a COUNT over
every article.

``sitemap_page_from:<size>:<page>`` rows name the first article of each page of the articles'
sitemap after the first (oldest first, about ``SITEMAP_PAGE`` a page): a page runs from its mark
to the next one along the listing index, instead of after an OFFSET that walks every article
before it. Only public articles are marked: a scheduled one joins the last page when its time
comes (it is dated after every public one), and the next change walks on from there. Beside
each mark, ``sitemap_page_at:<size>:<page>`` keeps its article's publication date: a page is
read from these places without looking the marked articles up (a thousand at a million
articles); they are checked against the articles after each change, when marks are kept.

Marks are kept incrementally: after a change only the articles past the last mark are walked
(new articles land there), so a change costs the same at a million articles as at a thousand.
Pages between marks shrink when articles leave them and grow when back-dated ones arrive; they
are marked again from the start only when a mark's article is gone or moved, or when the pages
between marks hold ``REMARK_SLACK`` more articles than they were marked with (a back-dated
import), which keeps every page far below the sitemaps.org cap of 50,000 addresses.
"""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

from django.db import connection
from django.db.models import DateTimeField, F, Func, QuerySet, Subquery
from django.utils import timezone

from newscenter.news import summaries
from newscenter.news.changes import Change
from newscenter.news.models import Article, Tally
from newscenter.news.prepared import Prepared

TIMED_TALLY = "timed_articles"
SITEMAP_PAGE = 1_000  # URLs a page of the articles' sitemap (WordPress gives 2,000, Yoast 1,000)
_PAGE_FROM = "sitemap_page_from:"
_PAGE_AT = "sitemap_page_at:"  # each mark's publication date, in microseconds since 1970
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def recount(change: Change) -> None:
    """Listener of the change signal: the count of timed articles, after each change, the
    marks of the articles' sitemap pages, and how many pages the sitemap index lists."""
    if change.articles:
        now = timezone.now()
        timed = Article.objects.filter(status__in=Article.TIMED).count()
        Tally.objects.update_or_create(name=TIMED_TALLY, defaults={"value": timed})
        mark_sitemap_pages(SITEMAP_PAGE, timed=timed)
        summaries.keep_article_pages(_page_count(SITEMAP_PAGE, now, timed=timed), now)


def _page_count(size: int, now: dt.datetime, *, timed: int) -> int:
    """How many pages the articles' sitemap has at ``now``, as the index counts them outside
    a transaction: the marks that hold, or else the public articles ``size`` a page."""
    starts = _marked(size, now)
    if starts is not None:
        return len(starts) + 1
    waiting = Article.objects.filter(status__in=Article.TIMED, pub_date__gt=now).count()
    return max(1, -(-(timed - waiting) // size))


REMARK_SLACK = 40_000  # articles the marked pages may gain before they are marked again


def _from(timed: QuerySet[Article], start: tuple[dt.datetime, int] | None) -> QuerySet[Article]:
    rows = timed.order_by("pub_date", "id")
    if start is None:
        return rows
    pub_date, pk = start
    return rows.filter(pub_date__gte=pub_date).exclude(pub_date=pub_date, id__lt=pk)


def _kept(prefix: str) -> list[tuple[int, int]] | None:
    kept = sorted(
        (int(name[len(prefix) :]), int(pk))
        for name, pk in Tally.objects.filter(name__startswith=prefix).values_list("name", "value")
    )
    if [number for number, _ in kept] != list(range(2, len(kept) + 2)):
        return None
    return kept


def _starts(kept: list[tuple[int, int]]) -> list[tuple[dt.datetime, int]] | None:
    """Each mark's place, or None when a mark's article is no longer timed or the places no
    longer rise (an article moved)."""
    timed = Article.objects.filter(status__in=Article.TIMED, pk__in=[pk for _, pk in kept])
    dates = dict(timed.values_list("pk", "pub_date"))
    starts = [(date, pk) for _, pk in kept if (date := dates.get(pk)) is not None]
    if len(starts) < len(kept) or any(a >= b for a, b in itertools.pairwise(starts)):
        return None
    return starts


def mark_sitemap_pages(size: int, *, timed: int) -> None:
    """Keep the first article of each sitemap page after the first, ``size`` a page: walk on
    from the last mark (rows of the listing index only), or from the start when the marks no
    longer hold. ``timed``: how many timed articles there are (counted once, by the caller)."""
    prefix = f"{_PAGE_FROM}{size}:"
    timed_articles = Article.objects.filter(status__in=Article.TIMED)
    kept = _kept(prefix)
    starts = _starts(kept) if kept else None
    if starts:
        before_last = timed - _from(timed_articles, starts[-1]).count()
        if before_last - len(starts) * size >= REMARK_SLACK:
            starts = None
    if not starts:
        Tally.objects.filter(name__startswith=prefix).delete()
        starts = []
    marks: list[Tally] = []
    start = starts[-1] if starts else None
    public = timed_articles.filter(pub_date__lte=timezone.now())  # one to come marks no page
    while True:
        row = next(iter(_from(public, start).values_list("pub_date", "id")[size : size + 1]), None)
        if row is None or row[0] is None:
            break
        start = (row[0], row[1])
        starts.append(start)
        marks.append(Tally(name=f"{prefix}{len(starts) + 1}", value=row[1]))
    Tally.objects.bulk_create(marks, batch_size=500)
    _keep_places(size, starts, new=len(marks))


def _keep_places(size: int, starts: list[tuple[dt.datetime, int]], *, new: int) -> None:
    """Each mark's publication date beside it, so that a page is read without looking its
    marks up among the articles (a thousand of them at a million articles, every request)."""
    prefix = f"{_PAGE_AT}{size}:"
    kept = Tally.objects.filter(name__startswith=prefix)
    first = len(starts) - new
    if kept.count() != first:  # marked again, or marked before the dates were kept
        kept.delete()
        first = 0
    places = [
        Tally(
            name=f"{prefix}{n + 2}", value=(starts[n][0] - _EPOCH) // dt.timedelta(microseconds=1)
        )
        for n in range(first, len(starts))
    ]
    Tally.objects.bulk_create(places, batch_size=500)


def sitemap_pages(size: int, now: dt.datetime) -> list[tuple[dt.datetime, int]] | None:
    """Where each page after the first that holds public articles starts, as last marked; None
    when not marked, when the marks no longer hold, or inside a transaction that may have
    changed articles since: the pages are then read after OFFSETs."""
    if connection.in_atomic_block:
        return None
    return _marked(size, now)


def _marked(size: int, now: dt.datetime) -> list[tuple[dt.datetime, int]] | None:
    kept = _kept(f"{_PAGE_FROM}{size}:")
    if not kept:
        return None
    starts = _kept_places(size, kept)
    if starts is None:
        starts = _starts(kept)
    if starts is None:
        return None
    return [start for start in starts if start[0] <= now]


def _kept_places(size: int, kept: list[tuple[int, int]]) -> list[tuple[dt.datetime, int]] | None:
    """The marks at the places kept beside them (as they were at the last change: a page
    between two of them is still every article between those places), or None when the
    places are not all kept or do not rise."""
    places = _kept(f"{_PAGE_AT}{size}:")
    if places is None or len(places) != len(kept):
        return None
    starts = [
        (_EPOCH + dt.timedelta(microseconds=at), pk)
        for (_, at), (_, pk) in zip(places, kept, strict=True)
    ]
    if any(a >= b for a, b in itertools.pairwise(starts)):
        return None
    return starts


def public_count() -> int:
    """How many articles are public now, without counting them: the timed articles kept by
    :func:`recount`, less those whose time has not come (few, found by the listing index).

    Inside a transaction that may have changed articles (a test, a write's request) the kept
    count may not be this transaction's: the articles are counted then.
    """
    if connection.in_atomic_block:
        return Article.objects.published().count()
    rows = _timed_tally(now=timezone.now())
    if not rows:  # not counted yet
        return Article.objects.published().count()
    return int(rows[0].value) - int(rows[0].waiting or 0)  # type: ignore[attr-defined]


def _timed_and_waiting(p: SimpleNamespace) -> QuerySet[Tally]:
    """The timed articles' tally, with how many of them wait for their time at ``p.now``."""
    waiting = Article.objects.filter(status__in=Article.TIMED, pub_date__gt=p.now)
    waiting_count = waiting.order_by().values(n=Func(F("pk"), function="COUNT"))
    tally = Tally.objects.filter(name=TIMED_TALLY).order_by()
    return tally.annotate(waiting=Subquery(waiting_count))


# Built once per connection (news.prepared): building it again was a fifth of the API's
# article list.
_timed_tally = Prepared(_timed_and_waiting, now=DateTimeField())
