"""The article list at any size: counts that stop, dates found by seeking, no body read.

Django's change list counts every matching row twice per view (the page's total and the
table's), and its date hierarchy reads every row's date (``SELECT DISTINCT`` of the year, a
``MIN`` and ``MAX`` SQLite answers by a scan): at a million articles each costs more than
the whole page may (issue 21: p95 under 150 ms, ``bench/desk.py``). Here a count stops at
:data:`COUNT_CAP` (the list then says "more than"), and the years, months or days on offer
are found by one index seek each, from one to the next.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import cast

from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.sql.where import AND
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal

# Past this many matches the list says "more than 10,000": nobody pages through more, and
# counting them all would read them all.
COUNT_CAP = 10_000
# A period of the date hierarchy is one seek: past this many, the rest are not offered.
MAX_PERIODS = 400


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows; ``capped`` says whether there were more."""

    counted_rows: QuerySet | None = None

    @cached_property
    def _counted(self) -> int:
        matches = cast(QuerySet, self.object_list).values("pk")  # the admin pages a queryset
        if self.counted_rows is not None:
            matches = self.counted_rows
        return matches.order_by()[: COUNT_CAP + 1].count()

    def more_than_cap(self) -> None:
        """Known to match more than COUNT_CAP (by the search's index): not counted again."""
        self._counted = COUNT_CAP + 1

    def count_rows(self, rows: QuerySet) -> None:
        """The matches are as many as these rows (one for each, ``values()`` of the columns
        an index holds): count them instead."""
        self.counted_rows = rows

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._counted > COUNT_CAP


class _Seeking:
    """What Django's date hierarchy asks of the list's queryset, answered by seeks."""

    def __init__(self, queryset: QuerySet, field: str):
        if LOOKUP_SEP in field:
            # A date across a relation, named once: each filter() on a field across a
            # many-valued relation would join its table again.
            queryset, field = queryset.annotate(seek_date=F(field)), "seek_date"
        self.queryset, self.field = queryset, field

    def _dates(self):
        return (
            self.queryset.filter(**{f"{self.field}__isnull": False})
            .order_by(self.field)
            .values_list(self.field, flat=True)
        )

    def aggregate(self, **kwargs):
        # Django asks for first=Min(field) and last=Max(field): one seek from each end.
        first, last = self._ends
        return {"first": first, "last": last}

    @cached_property
    def _ends(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        dates = self._dates()
        return dates.first(), dates.last()

    def datetimes(self, field_name: str, kind: str) -> list[dt.datetime]:
        """The periods between the first and the last date that hold an article, asked in
        one query (a seek per period, each had a round trip: 50 for an archive of 50 years)."""
        first, last = self._ends
        if first is None or last is None:
            return []
        zone = timezone.get_current_timezone()
        starts = [_truncated(timezone.localtime(first, zone), kind)]
        while len(starts) < MAX_PERIODS and _next(starts[-1], kind) <= last:
            starts.append(_next(starts[-1], kind))
        # Each the first date of its period, not EXISTS: SQLite takes one upper bound for its
        # range, and walked down from today's "published" bound to every period's end.
        # The seek is built and compiled once, and each period's bounds put in its
        # parameters: a Subquery built and compiled for each period cost more than the
        # database's answer (20 ms for the 51 years of an archive: half the list's time).
        low, high = _BOUNDS
        dates = self._dates()
        probe = dates.filter(**{f"{self.field}__gte": low, f"{self.field}__lt": high})
        # The period's bounds first in the WHERE: SQLite bounds the index walk by the first
        # it meets, and a list narrowed to a year had each month's seek walk from January
        # (112 ms for the months of a year at a million articles).
        where, before = probe.query.where, len(dates.query.where.children)
        if where.connector == AND and not where.negated:
            where.children = where.children[before:] + where.children[:before]
        connection = connections[self.queryset.db]
        sql, params = probe[:1].query.get_compiler(connection=connection).as_sql()
        field = self.queryset.model._meta.get_field(field_name)
        low, high = (field.get_db_prep_value(bound, connection) for bound in _BOUNDS)
        if params.count(low) != 1 or params.count(high) != 1:
            raise ValueError(f"the seek of {self.field} does not take its bounds as parameters")
        selected, bound = [], []
        for start in starts:
            end = field.get_db_prep_value(_next(start, kind), connection)
            start_value = field.get_db_prep_value(start, connection)
            selected.append(f"({sql})")
            bound += [start_value if p == low else end if p == high else p for p in params]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(selected)}", bound)
            row = cursor.fetchone()
        return [start for start, held in zip(starts, row, strict=True) if held is not None]


# Two moments no article is dated at, that stand for a period's bounds in the compiled seek.
_BOUNDS = (
    dt.datetime(1, 2, 3, 4, 5, 6, 789012, tzinfo=dt.UTC),
    dt.datetime(1, 2, 3, 4, 5, 7, 890123, tzinfo=dt.UTC),
)


def _truncated(moment: dt.datetime, kind: str) -> dt.datetime:
    if kind == "year":
        moment = moment.replace(month=1, day=1)
    elif kind == "month":
        moment = moment.replace(day=1)
    return timezone.make_aware(dt.datetime(moment.year, moment.month, moment.day), moment.tzinfo)


def _next(start: dt.datetime, kind: str) -> dt.datetime:
    naive = start.replace(tzinfo=None)
    if kind == "year":
        naive = naive.replace(year=naive.year + 1)
    elif kind == "month":
        naive = (naive + dt.timedelta(days=32)).replace(day=1)
    else:
        naive = naive + dt.timedelta(days=1)
    return timezone.make_aware(naive, start.tzinfo)


def matches_uncounted(request) -> None:
    """The search has found more than COUNT_CAP matches of this request's list."""
    request.desk_matches_uncounted = True


def uncounted(request) -> bool:
    return getattr(request, "desk_matches_uncounted", False)


def search_terms(search_term: str):
    """The words of a search as Django's admin splits them: by spaces, a quoted phrase
    whole; empty ones dropped."""
    for bit in smart_split(search_term):
        if len(bit) > 1 and bit[0] in "\"'" and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            yield bit


def result_list(cl) -> dict:
    """Django's ``result_list`` (same headers, same template), each row written in one piece
    by the admin's ``list_rows(cl)`` when it has one for these columns: Django's way, a lookup,
    a display function and a ``format_html`` per cell and a template loop over every cell,
    was half the list's time."""
    rows = None if cl.formset else getattr(cl.model_admin, "list_rows", lambda cl: None)(cl)
    if rows is None:
        return admin_list.result_list(cl)
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": [[row] for row in rows],
    }


def change_url(cl) -> Callable[[int | str], str]:
    """The change page's address of a row as Django's list links it (with the list's
    filters kept), made by one ``reverse`` for the page instead of one per row."""
    marker = "0" * 20  # no address of the site holds twenty zeros where the key goes
    template = add_preserved_filters(
        {"preserved_filters": cl.preserved_filters, "opts": cl.opts},
        reverse(
            f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
            args=(marker,),
            current_app=cl.model_admin.admin_site.name,
        ),
    )
    head, tail = template.split(marker, 1)
    return lambda pk: f"{head}{quote(pk)}{tail}"


def date_hierarchy(cl) -> dict | None:
    """Django's own date hierarchy (same links, same template), its dates found by seeking."""
    seeking = copy.copy(cl)
    # The list may name a copy of the date that an index holds in the list's order (a tag's
    # entries: desk.articles.TagFilter); the links are made with the date's own name.
    seeking.queryset = _Seeking(cl.queryset, getattr(cl, "date_seek_field", cl.date_hierarchy))
    return admin_list.date_hierarchy(seeking)
