"""``/api/v1/analytics/...``: the desk's Analytics figures, for the ``analytics:read`` scope and
a user who may read them (editors and administrators)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from newscenter.analytics import reports
from newscenter.api.auth import Caller, TokenAuth
from newscenter.api.problems import Problem
from newscenter.news import policy
from newscenter.news.models import Article

router = Router(tags=["analytics"])
TOKEN = TokenAuth()
BREAKDOWNS = {
    "channels": "channel", "referrers": "referrer", "campaigns": "campaign",
    "sources": "source", "media": "medium", "countries": "country", "devices": "device",
    "browsers": "browser", "systems": "os", "languages": "language", "searches": "search",
    "searches-empty": "search-empty", "embeds": "embed", "kinds": "kind", "paths": "path",
}  # fmt: skip


class Summary(Schema):
    start: dt.date
    end: dt.date
    views: int
    visitors: int
    previous_views: int
    previous_visitors: int
    views_change: float | None
    visitors_change: float | None


class Day(Schema):
    day: dt.date
    views: int
    visitors: int


class SummaryOut(Schema):
    summary: Summary
    series: list[Day]


class ArticleFigures(Schema):
    id: int
    title: str
    path: str
    views: int
    visitors: int


class ArticleFiguresList(Schema):
    start: dt.date
    end: dt.date
    items: list[ArticleFigures]


class Row(Schema):
    value: str
    views: int
    visitors: int


class Breakdown(Schema):
    start: dt.date
    end: dt.date
    name: str
    items: list[Row]


class Feed(Schema):
    feed: str
    subscribers: int
    day: dt.date


class ArticleDays(Schema):
    id: int
    path: str
    days: list[Day]


class Page(Schema):
    path: str
    views: int
    visitors: int


class Realtime(Schema):
    minutes: int
    views: int
    visitors: int
    pages: list[Page]


def _caller(request) -> Caller:
    caller: Caller = request.auth
    caller.require("analytics:read")
    policy.require(caller.user, "analytics.view")
    return caller


def _span(range_: str | None, start: str | None, end: str | None) -> reports.Period:
    try:
        return reports.period(range_, start, end)
    except reports.RangeError as exc:
        field = str(exc).split(":", 1)[0]
        raise Problem("validation-error", str(exc),
                      errors=[{"field": field, "message": str(exc)}]) from None  # fmt: skip


RANGE = Query(None, alias="range", description="today, 7d, 30d (default) or 12m")
START = Query(None, description="first day, YYYY-MM-DD (with end: a custom range)")
END = Query(None, description="last day, YYYY-MM-DD")


@router.get("/analytics/summary", response=SummaryOut, auth=TOKEN,
            summary="Views and visitors of a period, the previous one, and each day")  # fmt: skip
def summary(request, range_: str | None = RANGE, start: str | None = START,
            end: str | None = END):  # fmt: skip
    _caller(request)
    span = _span(range_, start, end)
    return {"summary": reports.summary(span), "series": reports.series(span)}


@router.get("/analytics/articles/", response=ArticleFiguresList, auth=TOKEN,
            summary="The most read articles: path, views, visitors")  # fmt: skip
def articles(request, range_: str | None = RANGE, start: str | None = START,
             end: str | None = END, limit: int = Query(50, ge=1, le=1000)):  # fmt: skip
    _caller(request)
    span = _span(range_, start, end)
    return {"start": span.start, "end": span.end, "items": reports.articles(span, limit)}


@router.get("/analytics/articles/{article_id}/days", response=ArticleDays, auth=TOKEN,
            summary="One article's views and visitors on each day since publication")  # fmt: skip
def article_days(request, article_id: int):
    _caller(request)
    article = get_object_or_404(Article, pk=article_id)
    since = (article.pub_date or article.created).date()
    return {"id": article.pk, "path": article.get_absolute_url(),
            "days": reports.article_days(article.pk, since=since)}  # fmt: skip


@router.get("/analytics/subscribers", response=list[Feed], auth=TOKEN,
            summary="Feed subscribers, as feed readers last reported them")  # fmt: skip
def subscribers(request, range_: str | None = RANGE, start: str | None = START,
                end: str | None = END):  # fmt: skip
    _caller(request)
    return reports.subscribers(_span(range_, start, end))


@router.get("/analytics/realtime", response=Realtime, auth=TOKEN,
            summary="Visitors in the last 30 minutes and the pages they read")  # fmt: skip
def realtime(request):
    _caller(request)
    return reports.realtime()


@router.get("/analytics/{name}/", response=Breakdown, auth=TOKEN,
            summary="One breakdown: channels, referrers, countries, ...")  # fmt: skip
def breakdown(request, name: str, range_: str | None = RANGE, start: str | None = START,
              end: str | None = END, limit: int = Query(50, ge=1, le=1000)):  # fmt: skip
    _caller(request)
    if name not in BREAKDOWNS:
        raise Problem("not-found", f"no breakdown {name!r}; known: {', '.join(BREAKDOWNS)}")
    span = _span(range_, start, end)
    return {"start": span.start, "end": span.end, "name": name,
            "items": reports.top(BREAKDOWNS[name], span, limit)}  # fmt: skip
