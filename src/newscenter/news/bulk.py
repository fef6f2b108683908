"""Many new rows of one model in one statement run for each row (``executemany``): imports;
and one field of many rows set the same way (:func:`update_field`).

Django's ``bulk_create`` compiles an INSERT for every batch (on SQLite about 999 values a
statement: 40 revisions, 100 audit entries), and making those statements cost a 2,000-post
import more than SQLite spent running them. Here the statement is made once; each value still
goes through its field's ``pre_save`` and ``get_db_prep_save``, as ``bulk_create``'s do. What
is given up is the rows' new ids: a caller that needs them uses ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def insert_many(objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` (new rows of one model, no ids of their own) as ``bulk_create`` would,
    without setting their ids."""
    if not objs:
        return
    meta = type(objs[0])._meta
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field and not f.generated]
    rows = []
    for obj in objs:
        if meta.auto_field is not None and obj.pk is not None:
            raise ValueError("insert_many makes new rows: this one has an id")
        # What bulk_create checks too: no unsaved related row, foreign keys taken from them.
        obj._prepare_related_fields_for_save(operation_name="insert_many")  # type: ignore[attr-defined]
        values = [f.pre_save(obj, True) for f in fields]
        if any(hasattr(value, "resolve_expression") for value in values):
            raise TypeError("insert_many takes plain values (bulk_create compiles expressions)")
        rows.append(
            [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
        )
    insert_values(type(objs[0]), [f.column for f in fields], rows)


def insert_values(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """``rows`` of values the database takes as they are (ids, numbers, text) into ``columns``
    of ``model``'s table: no model object made per row (an import's thousands of links)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    # Only the model's own table and column names go into the SQL, quoted; values are bound.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def update_field(field: models.Field[Any, Any], values: Sequence[tuple[int, Any]]) -> None:
    """Set ``field`` of each row (by id) to its value, as ``bulk_update`` stores it (each
    value through the field's ``get_db_prep_save``), by one UPDATE run for each row: Django's
    ``bulk_update`` compiles a CASE over every id of a batch, which cost a 2,000-post import
    more than SQLite spent running it."""
    if not values:
        return
    meta = field.model._meta
    quote = connection.ops.quote_name
    # Only the model's own table and column names go into the SQL, quoted; values are bound.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {quote(field.column)} = %s "  # noqa: S608
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    rows = [(field.get_db_prep_save(value, connection), pk) for pk, value in values]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
