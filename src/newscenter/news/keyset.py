"""``RowBefore``: "older than the anchor" in a newest-first listing, as one row value."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, DateTimeField, Expression, F, Func, IntegerField, Value


class RowBefore(Func):
    """``(pub_date, id) < (%s, %s)``: one row value, "older than the anchor" in the listing's
    order. SQLite and PostgreSQL both start the index walk at the anchor for it, where the
    spelt-out ``pub_date < %s OR (pub_date = %s AND id < %s)`` made SQLite walk from the newest
    article down to the anchor (page N cost N pages). Django compares row values only on
    PostgreSQL (``supports_tuple_lookups`` is off for SQLite), hence this expression.

    The anchor's date and id are values, or expressions such as a prepared read's ``Param``
    (news.prepared); ``keys`` name the two fields compared (a tag's or author's entries'
    copies: selectors.listing_keys)."""

    output_field = BooleanField()

    def __init__(
        self,
        pub_date: dt.datetime | Expression,
        pk: int | Expression,
        keys: tuple[str, str] = ("pub_date", "pk"),
    ) -> None:
        date, key = keys
        super().__init__(
            F(date), F(key), _value(pub_date, DateTimeField()), _value(pk, IntegerField())
        )

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        compiled = [compiler.compile(part) for part in self.get_source_expressions()]
        (date, pk, date_value, pk_value) = (sql for sql, _ in compiled)
        params = [param for _, part in compiled for param in part]
        return f"({date}, {pk}) < ({date_value}, {pk_value})", params


def _value(value: Any, field: Any) -> Expression:
    return value if isinstance(value, Expression) else Value(value, output_field=field)
