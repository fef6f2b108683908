"""Many new rows of one model in one statement run for each row (``executemany``): imports;
and one field of many rows set the same way (:func:`update_field`).

Django's ``bulk_create`` compiles an INSERT for every batch (on SQLite about 999 values a
statement: 40 revisions, 100 audit entries), and making those statements cost a 2,000-post
import more than SQLite spent running them. Here the statement is made once; each value still
goes through its field's ``pre_save`` and ``get_db_prep_save``, as ``bulk_create``'s do. What
is given up is the rows' new ids: a caller that needs them uses :func:`insert_returning_ids`,
which makes one statement of many rows for each batch, as ``bulk_create`` does, but compiles it
once for every batch of the same size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.operations import BaseDatabaseOperations


def insert_many(objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` (new rows of one model, no ids of their own) as ``bulk_create`` would,
    without setting their ids."""
    if not objs:
        return
    fields = _inserted_fields(type(objs[0]))
    rows = _rows(objs, fields, "insert_many")
    insert_values(type(objs[0]), [f.column for f in fields], rows)


def insert_returning_ids(objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` (new rows of one model, no ids of their own) as ``bulk_create`` does,
    in batches of as many rows as it puts in one statement, and give each its new id.

    Django's compiler made each batch's placeholders value by value (45 articles a statement
    on SQLite), which cost a 2,000-post import more than SQLite spent on the inserts."""
    if not objs:
        return
    model = type(objs[0])
    fields = _inserted_fields(model)
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: see _rows
    if not db.features.can_return_rows_from_bulk_insert:  # no RETURNING: Django's way
        model._default_manager.bulk_create(objs)
        return
    rows = _rows(objs, fields, "bulk_create")
    size = max(min(db.ops.bulk_batch_size(fields, objs), _MAX_PARAMS // len(fields)), 1)
    statements: dict[int, str] = {}
    with db.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            if len(batch) not in statements:
                statements[len(batch)] = _insert_returning_sql(db, model, fields, len(batch))
            cursor.execute(statements[len(batch)], [value for row in batch for value in row])
            ids = cursor.fetchall()
            for obj, (pk, *_) in zip(objs[start : start + size], ids, strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = db.alias


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """New rows of ``model``, each given as values by attname (``article_id``, not
    ``article``), stored as :func:`insert_many` stores model objects, but with no object made
    for each row (an import's thousands of revisions, audit entries and webhook messages: a
    tenth of its time went on making them). A field a row does not name takes its default,
    made once for all the rows: one moment for a default of ``timezone.now``."""
    if not rows:
        return
    fields = _inserted_fields(model)
    if any(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields):
        raise TypeError(f"{model.__name__} sets fields when saved: use insert_many")
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: see _rows
    names = {f.attname for f in fields}
    columns = [_Column.of(f, db) for f in fields]
    values = []
    for row in rows:
        if unknown := row.keys() - names:
            raise ValueError(f"{model.__name__} has no field {sorted(unknown)}")
        values.append([column.value(row, db) for column in columns])
    insert_values(model, [f.column for f in fields], values)


_ABSENT = object()


@dataclass(frozen=True)
class _Column:
    """A field of :func:`insert_rows`: how a row's value is stored, and what its default is."""

    name: str
    prepare: Callable[[Any, Any], Any]
    kind: type | None  # a value of this type is stored as it is
    default: Any  # as stored

    @classmethod
    def of(cls, field: models.Field[Any, Any], db: Any) -> _Column:
        default = field.get_db_prep_save(field.get_default(), db)
        return cls(field.attname, preparing(field, db), stored_as_is(field, db), default)

    def value(self, row: Mapping[str, Any], db: Any) -> Any:
        value = row.get(self.name, _ABSENT)
        if value is _ABSENT:
            return self.default
        return value if type(value) is self.kind else self.prepare(value, db)


# PostgreSQL's protocol takes at most 65,535 parameters a statement.
_MAX_PARAMS = 65_535


def _inserted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    meta = model._meta
    return [f for f in meta.concrete_fields if f is not meta.auto_field and not f.generated]


def _rows(
    objs: Sequence[models.Model], fields: list[models.Field[Any, Any]], operation: str
) -> list[list[Any]]:
    """Each object's values as the database takes them, as ``bulk_create`` makes them."""
    meta = type(objs[0])._meta
    # The connection itself, not django.db.connection: each attribute read through that proxy
    # is a lookup in asgiref's Local, and the fields read it several times for each value.
    db = connections[DEFAULT_DB_ALIAS]
    prepared = [(preparing(f, db), stored_as_is(f, db)) for f in fields]
    rows = []
    for obj in objs:
        if meta.auto_field is not None and obj.pk is not None:
            raise ValueError("new rows only: this one has an id")
        # What bulk_create checks too: no unsaved related row, foreign keys taken from them.
        obj._prepare_related_fields_for_save(operation_name=operation)  # type: ignore[attr-defined]
        values = [f.pre_save(obj, True) for f in fields]
        if any(hasattr(value, "resolve_expression") for value in values):
            raise TypeError(f"{operation} takes plain values (bulk_create compiles expressions)")
        rows.append(
            [
                v if type(v) is kind else prepare(v, db)
                for (prepare, kind), v in zip(prepared, values, strict=True)
            ]
        )
    return rows


# Fields whose preparation gives a value of this exact type back unchanged: a text field's
# string, a flag's bool, a number field's int where the backend adapts none (SQLite's; not
# psycopg's, which wraps each int). Each value of an import's rows went through three to five
# calls of the field's to get itself back: a fifth of the rows' making.
_AS_IS: tuple[tuple[type[models.Field[Any, Any]], type], ...] = (
    (models.CharField, str),
    (models.TextField, str),
    (models.BooleanField, bool),
    (models.IntegerField, int),
)
_PREPARING = ("get_db_prep_save", "get_db_prep_value", "get_prep_value", "to_python")


def stored_as_is(field: models.Field[Any, Any], db: Any) -> type | None:
    """The type of value ``field`` stores on ``db`` exactly as given, or None: only for a
    field whose preparing methods are Django's own for its kind, so that a field overriding
    any of them (a subclass of ours, a third party's) is always asked."""
    for base, kind in _AS_IS:
        if isinstance(field, base) and all(
            getattr(type(field), name) is getattr(base, name) for name in _PREPARING
        ):
            if base is models.IntegerField and (
                type(db.ops).adapt_integerfield_value
                is not BaseDatabaseOperations.adapt_integerfield_value
            ):
                return None
            return kind
    return None


def preparing(field: models.Field[Any, Any], db: Any) -> Callable[[Any, Any], Any]:
    """``field.get_db_prep_save``, or for a date and time on SQLite (Django's own field and
    operations, time zone support on, the connection in UTC) a shortcut for the value an
    import gives nearly every time, an aware datetime in UTC: the text Django's adapter makes
    of it, without the four calls it takes to get there (an import stores five a post)."""
    save = field.get_db_prep_save
    if db.vendor != "sqlite" or not isinstance(field, models.DateTimeField):
        return save
    # Imported here: importing SQLite's backend by name before Django loads the database's
    # own is a circular import (and a PostgreSQL site never needs it).
    from django.db.backends.sqlite3.operations import DatabaseOperations

    if not (
        all(
            getattr(type(field), name) is getattr(models.DateTimeField, name) for name in _PREPARING
        )
        and type(db.ops).adapt_datetimefield_value is DatabaseOperations.adapt_datetimefield_value
        and settings.USE_TZ
        and db.timezone is dt.UTC
    ):
        return save

    def prepare(value: Any, db: Any) -> Any:
        if type(value) is dt.datetime and value.tzinfo is dt.UTC:
            return str(value.replace(tzinfo=None))  # make_naive in UTC, then str(), as Django
        return save(value, db)

    return prepare


def _insert_returning_sql(
    db: Any, model: type[models.Model], fields: list[models.Field[Any, Any]], count: int
) -> str:
    quote = db.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning, _ = db.ops.return_insert_columns([model._meta.pk])
    # Only the model's own table and column names go into the SQL, quoted; values are bound.
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({names}) "  # noqa: S608
        f"VALUES {', '.join([row] * count)} {returning}"
    )


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
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: see _rows
    rows = [(field.get_db_prep_save(value, db), pk) for pk, value in values]
    with db.cursor() as cursor:
        cursor.executemany(sql, rows)
