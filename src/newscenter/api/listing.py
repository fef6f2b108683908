"""Pages of a listing: keyset cursors, the next page's address, and ``fields=``."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
from urllib.parse import urlencode

from django.db.models import QuerySet

from newscenter.api.problems import Problem
from newscenter.news.keyset import RowBefore
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
        raise _not_ours("not a cursor of this listing")
    return values


def _not_ours(why: str) -> Problem:
    return Problem(
        "validation-error",
        "the cursor is not one this API gave out",
        errors=[{"field": "cursor", "message": why}],
    )


@dataclasses.dataclass(frozen=True)
class Anchor:
    """Where a newest-first page starts: after the article at (``pub_date``, ``pk``). The
    listing's total rides along, counted once for its first page (see :func:`total_of`)."""

    pub_date: dt.datetime
    pk: int
    total: int

    def encode(self) -> str:
        return encode([self.pub_date.isoformat(), self.pk, self.total])


def newest_anchor(cursor: str | None) -> Anchor | None:
    """The anchor a newest-first cursor names, None for the first page."""
    if cursor is None:
        return None
    moment, pk, total = decode(cursor, 3)
    try:
        when = dt.datetime.fromisoformat(str(moment))
    except ValueError:
        raise _not_ours("damaged") from None
    if when.tzinfo is None or not _count(pk) or not _count(total) or not _in_utc(when):
        raise _not_ours("damaged")
    return Anchor(when, pk, total)


def _in_utc(when: dt.datetime) -> bool:
    """Whether the moment has a UTC date (the database's): 9999-12-31T23:59-05:00 has none,
    and binding it failed with a 500."""
    try:
        when.astimezone(dt.UTC)
    except OverflowError:
        return False
    return True


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def newest_first(
    queryset: QuerySet, anchor: Anchor | None, keys: tuple[str, str] = ("pub_date", "id")
) -> QuerySet:
    """Ordered newest first (-pub_date, -id), after the anchor's article when given; ``keys``
    name the two fields (selectors.listing_keys: a tag's or author's entries' copies)."""
    date, pk = keys
    queryset = queryset.order_by(f"-{date}", f"-{pk}")
    return (
        queryset if anchor is None else queryset.filter(RowBefore(anchor.pub_date, anchor.pk, keys))
    )


def by_id(queryset: QuerySet, cursor: str | None) -> tuple[QuerySet, int | None]:
    """Ordered by id, descending, after the cursor's row when given (drafts have no date);
    and the total the cursor carries (None on the first page)."""
    queryset = queryset.order_by("-id")
    if cursor is None:
        return queryset, None
    pk, total = decode(cursor, 2)
    if not _count(pk) or not _count(total):
        raise _not_ours("damaged")
    return queryset.filter(pk__lt=pk), total


def by_id_cursor(pk: int, total: int) -> str:
    return encode([pk, total])


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


def page(request, queryset: QuerySet, cursor: str | None, limit: int, data) -> dict:
    """One page of ``queryset`` by id, newest first: items, the total (counted for the first
    page, then carried by the cursor), the next page's URL (also sent as ``Link: rel=next``)."""
    ordered, total = by_id(queryset, cursor)
    if total is None:
        total = queryset.count()
    rows = list(ordered[: limit + 1])
    shown = rows[:limit]
    following = next_url(request, by_id_cursor(shown[-1].pk, total)) if len(rows) > limit else None
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
