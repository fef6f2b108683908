"""Pages of a listing: keyset cursors, the next page's address, and ``fields=``."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from urllib.parse import urlencode

from django.db.models import Q, QuerySet

from newscenter.api.problems import Problem
from newscenter.news.languages import site_languages
from newscenter.news.representation import ARTICLE_FIELDS, absolute

MAX_FILTER_CHARS = 200


def encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode(cursor: str, parts: int) -> list:
    """The values a cursor of ours holds; a 400 naming the parameter for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != parts:
        raise Problem(
            "validation-error",
            "the cursor is not one this API gave out",
            errors=[{"field": "cursor", "message": "not a cursor of this listing"}],
        )
    return values


def newest_first(queryset: QuerySet, cursor: str | None) -> QuerySet:
    """Ordered newest first (-pub_date, -id), after the cursor's article when given."""
    queryset = queryset.order_by("-pub_date", "-id")
    if cursor is None:
        return queryset
    moment, pk = decode(cursor, 2)
    try:
        when, pk = dt.datetime.fromisoformat(str(moment)), int(pk)
    except (TypeError, ValueError):
        raise Problem(
            "validation-error",
            "the cursor is not one this API gave out",
            errors=[{"field": "cursor", "message": "damaged"}],
        ) from None
    return queryset.filter(Q(pub_date__lt=when) | Q(pub_date=when, pk__lt=pk))


def newest_cursor(article) -> str:
    return encode([article.pub_date.isoformat(), article.pk])


def by_id(queryset: QuerySet, cursor: str | None) -> QuerySet:
    """Ordered by id, descending, after the cursor's row when given (drafts have no date)."""
    queryset = queryset.order_by("-id")
    if cursor is None:
        return queryset
    [pk] = decode(cursor, 1)
    if not isinstance(pk, int):
        raise Problem(
            "validation-error",
            "the cursor is not one this API gave out",
            errors=[{"field": "cursor", "message": "damaged"}],
        )
    return queryset.filter(pk__lt=pk)


def next_url(request, cursor: str) -> str:
    params = request.GET.copy()
    params["cursor"] = cursor
    return absolute(request.path) + "?" + urlencode(sorted(params.items()))


def fields_asked(fields: str | None, *, extra: tuple[str, ...] = ()) -> frozenset[str] | None:
    """``fields=headline,url``: the fields named, checked; None for all of them. ``extra``
    names fields given only when asked for by name (``related`` on one article)."""
    if not fields:
        return None
    names = {name.strip() for name in fields.split(",") if name.strip()}
    known = (*ARTICLE_FIELDS, *extra)
    unknown = sorted(names - set(known))
    if unknown:
        raise Problem(
            "validation-error",
            f"unknown field(s): {', '.join(unknown)}",
            errors=[{"field": "fields", "message": f"known: {', '.join(known)}"}],
        )
    return frozenset(names)


def page_headers(response, next_page: str | None) -> None:
    if next_page:
        response["Link"] = f'<{next_page}>; rel="next"'


def page(request, queryset: QuerySet, cursor: str | None, limit: int, data) -> dict:
    """One page of ``queryset`` by id, newest first: items, the total, the next page's URL
    (also sent as ``Link: rel=next``)."""
    total = queryset.count()
    rows = list(by_id(queryset, cursor)[: limit + 1])
    shown = rows[:limit]
    following = next_url(request, encode([shown[-1].pk])) if len(rows) > limit else None
    request.api_link = following
    return {"items": [data(row) for row in shown], "total": total, "next": following}


def edition_asked(lang: str) -> str:
    """The site language ``lang=`` names (any case), or a problem naming the site's."""
    site = site_languages()
    found = site.find(lang)
    if found is None:
        raise Problem(
            "validation-error",
            f"{lang!r} is not one of the site's languages",
            errors=[{"field": "lang", "message": f"one of: {', '.join(site.all)}"}],
        )
    return found
