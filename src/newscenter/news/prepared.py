"""Querysets of a fixed shape whose SQL is built once per database connection.

A page that reads one article runs the same two queries on every request with other values.
Django builds each query's SQL again each time (its columns, joins and conditions), which
cost ten times what SQLite took to run it. A ``Prepared`` read is written as an ordinary
queryset, with ``Param`` standing for the values that change (so that it still starts from
``Article.objects.published()``); its SQL, its columns and how its rows become instances
are worked out at its first call on a connection, and each later call only binds the values
and reads the rows::

    by_slug = Prepared(
        lambda p: Article.objects.published(at=p.now).filter(slug=p.slug),
        now=models.DateTimeField(),
        slug=models.CharField(),
    )
    by_slug(now=timezone.now(), slug="plant-opens")  # -> list[Article]

What Django's own iteration of such a queryset does is done: ``select_related`` joins,
deferred fields, annotations, then the prefetches (by ``prefetch_related_objects``, as
Django runs them). ``values()`` is refused when the read is built, so that a read that needs
it fails at once rather than coming back as instances.

Two other forms read what is not instances, with the same binding: ``PreparedValues`` a
queryset's ``values_list()`` (tuples, or single values for ``flat=True``, converted as Django
converts them) and ``PreparedCount`` its ``count()``, as an older page of a listing reads its
anchor's date, the anchor of the page before and its own number.
"""

from __future__ import annotations

import dataclasses
import functools
import weakref
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any, Generic, NamedTuple, TypeVar

from django.db import connections
from django.db.models import Expression, Field, Model, QuerySet, prefetch_related_objects
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor, ImageFileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import (  # type: ignore[attr-defined]  # Django's own, unstubbed
    FlatValuesListIterable,
    ModelIterable,
    RelatedPopulator,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=Model)


class Param(Expression):
    """A value bound at each call: in the SQL a placeholder, in the parameters itself, until
    ``Prepared`` puts the call's value (prepared by ``output_field``) in its place."""

    def __init__(self, name: str, output_field: Field[Any, Any]) -> None:
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [self]


@dataclasses.dataclass(frozen=True)
class _Compiled:
    """One read's SQL on one connection, and how its rows become instances."""

    sql: str
    params: tuple[Any, ...]  # constants, and a Param where a call's value goes
    compiler: Any
    converters: dict[int, Any]  # the columns' (the backend's and the fields'), by position
    model: type[Model]
    start: int
    end: int
    init_list: list[str]
    populators: list[Any]
    annotations: dict[str, int]


class _Read:
    """What every prepared read shares: its queryset built once from a ``Param`` for each of
    ``fields``, its SQL per connection, and a call's values bound in the Params' places."""

    def __init__(self, build: Callable[[SimpleNamespace], Any], **fields: Field[Any, Any]) -> None:
        self.build = build
        self.fields = fields
        # Per connection: each thread has its own, and the converters are the backend's.
        self._compiled: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()

    def _queryset(self) -> QuerySet[Any]:
        queryset: QuerySet[Any] | None = getattr(self, "_built", None)
        if queryset is None:
            params = SimpleNamespace(**{n: Param(n, f) for n, f in self.fields.items()})
            queryset = self.build(params)
            self._check(queryset)
            self._built = queryset
        return queryset

    def _check(self, queryset: QuerySet[Any]) -> None:
        """Refuses, when the read is built, a queryset this kind of read cannot give."""

    def _compile(self, queryset: QuerySet[Any], connection: Any) -> Any:
        raise NotImplementedError

    def _rows(self, values: dict[str, Any]) -> tuple[QuerySet[Any], Any, list[Any]]:
        """The queryset, its compiled form on its connection, and the rows of this call."""
        if values.keys() != self.fields.keys():
            raise TypeError(f"Prepared read wants {sorted(self.fields)}, got {sorted(values)}")
        queryset = self._queryset()
        connection = connections[queryset.db]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(queryset, connection)
        params = [
            p.output_field.get_db_prep_value(values[p.name], connection, prepared=False)
            if isinstance(p, Param)
            else p
            for p in compiled.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return queryset, compiled, rows


class Prepared(_Read, Generic[M]):
    """A read built by ``build`` from a ``Param`` for each of ``fields`` (name: the field whose
    column the value is compared with); called with those values, it gives a list."""

    def __init__(
        self, build: Callable[[SimpleNamespace], QuerySet[M]], **fields: Field[Any, Any]
    ) -> None:
        super().__init__(build, **fields)

    def __call__(self, **values: Any) -> list[M]:
        queryset, compiled, rows = self._rows(values)
        found = _instances(compiled, queryset.db, rows)
        lookups = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        if lookups:
            prefetch_related_objects(found, *lookups)
        return found

    def _check(self, queryset: QuerySet[Any]) -> None:
        known = queryset._known_related_objects  # type: ignore[attr-defined]
        if queryset._iterable_class is not ModelIterable or known:
            raise ValueError("A prepared read gives model instances, read by itself")

    def _compile(self, queryset: QuerySet[Any], connection: Any) -> _Compiled:
        return _compile(queryset, connection)


class PreparedValues(_Read):
    """A read whose ``build`` ends in ``values_list()``: called, it gives the list of tuples,
    or of single values for ``flat=True``, that the queryset gives (the fields' conversions
    from the database's values included)."""

    def __call__(self, **values: Any) -> list[Any]:
        queryset, compiled, rows = self._rows(values)
        width = compiled.width
        rows = [row[:width] for row in rows]  # a column the database only sorts by goes
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        if queryset._iterable_class is FlatValuesListIterable:
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]

    def _check(self, queryset: QuerySet[Any]) -> None:
        iterable = queryset._iterable_class
        if iterable not in (ValuesListIterable, FlatValuesListIterable):
            raise ValueError("A prepared read of values ends in values_list()")
        if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise ValueError("A prepared read of values prefetches nothing")

    def _compile(self, queryset: QuerySet[Any], connection: Any) -> _CompiledValues:
        compiler = queryset.query.chain().get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        columns = [s[0] for s in compiler.select[: compiler.col_count]]
        return _CompiledValues(
            sql, tuple(params), compiler, compiler.get_converters(columns), compiler.col_count
        )


class PreparedCount(_Read):
    """A read whose ``build`` gives a queryset; called, it gives that queryset's ``count()``.

    The SQL is the one ``count()`` runs (Django makes it in ``Query.get_aggregation``, which
    runs it at once): caught at its first run on a connection, as it goes to the database,
    with the Params still in it."""

    def __call__(self, **values: Any) -> int:
        _queryset, _compiled, rows = self._rows(values)
        return int(rows[0][0])

    def _compile(self, queryset: QuerySet[Any], connection: Any) -> _CompiledValues:
        sql, params = _caught(lambda: queryset.using(connection.alias).count(), connection)
        return _CompiledValues(sql, params, None, {}, 1)


class _CompiledValues(NamedTuple):
    sql: str
    params: tuple[Any, ...]
    compiler: Any
    converters: dict[int, Any]
    width: int  # the columns asked for


class _Caught(Exception):
    def __init__(self, sql: str, params: Sequence[Any]) -> None:
        super().__init__(sql)
        self.sql, self.params = sql, tuple(params)


class _Catcher:
    """A cursor that sends nothing: it stops the query given to it (execute_sql closes it)."""

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        raise _Caught(sql, params or ())

    def close(self) -> None:
        pass


def _caught(run: Callable[[], Any], connection: Any) -> tuple[str, tuple[Any, ...]]:
    """The SQL and parameters of the one query ``run`` sends, stopped before it is sent.

    The connection's cursor is, for ``run`` alone, one that only catches: no query is logged
    or seen by execute wrappers (a debug cursor would quote the Params for its log), and
    the connection is this thread's own."""
    connection.cursor = _Catcher
    try:
        run()
    except _Caught as caught:
        return caught.sql, caught.params
    finally:
        del connection.cursor
    raise ValueError("A prepared count sends one query, and this one sent none")


def _compile(queryset: QuerySet[Any], connection: Any) -> _Compiled:
    compiler = queryset.query.chain().get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    select, klass_info = compiler.select, compiler.klass_info
    if compiler.has_composite_fields([s[0] for s in select]):
        raise ValueError("A prepared read reads no composite primary keys")
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    return _Compiled(
        sql=sql,
        params=tuple(params),
        compiler=compiler,
        converters=compiler.get_converters([s[0] for s in select[: compiler.col_count]]),
        model=klass_info["model"],
        start=start,
        end=end,
        init_list=[f[0].target.attname for f in select[start:end]],
        populators=get_related_populators(klass_info, select, queryset.db),
        annotations=dict(compiler.annotation_col_map or {}),
    )


def _instances(compiled: _Compiled, db: str, rows: Sequence[Any]) -> list[Any]:
    """What ModelIterable makes of the rows (results_iter's conversions first)."""
    found = []
    start, end = compiled.start, compiled.end
    if compiled.converters:
        rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
    make = _maker(compiled.model, compiled.init_list)
    related = _related(compiled.populators)
    for row in rows:
        obj = make(db, row[start:end])
        for populator in related:
            populator.populate(row, obj)
        for name, position in compiled.annotations.items():
            setattr(obj, name, row[position])
        found.append(obj)
    return found


class _Related:
    """RelatedPopulator.populate (a select_related() row's instance), made by _maker."""

    def __init__(self, populator: RelatedPopulator) -> None:
        self.of = populator
        self.make = _maker(populator.model_cls, populator.init_list)
        self.related = _related(populator.related_populators)

    def populate(self, row: Sequence[Any], from_obj: Model) -> None:
        of = self.of
        data = of.reorder_for_init(row) if of.reorder_for_init else row[of.cols_start : of.cols_end]
        obj = None
        if data[of.pk_idx] is not None:
            obj = self.make(of.db, data)
            for related in self.related:
                related.populate(row, obj)
        of.local_setter(from_obj, obj)
        if obj is not None:
            of.remote_setter(obj, from_obj)


def _related(populators: list[RelatedPopulator]) -> list[_Related]:
    return [_Related(populator) for populator in populators]


def _maker(model: type[Model], attnames: list[str]) -> Callable[[str, Sequence[Any]], Model]:
    """``model.from_db`` for rows of these columns; where that is sure to give the same
    instance, one that fills the instance's ``__dict__`` at once.

    Model.__init__ sets each field through its descriptor, one call each, and takes twice as
    long again when fields are deferred (as a listing's bodies are): it was a fifth of a
    listing's read. Its work comes to the same ``__dict__`` when the model keeps Django's own
    ``__init__`` and ``from_db``, nobody listens to ``pre_init`` or ``post_init`` for it, and
    each field's descriptor stores the value as it is (a new instance has no cached related
    object, and an image field's dimensions are only read again when a file is replaced).
    """
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return functools.partial(_from_db, model, attnames)
    return _made(model, tuple(attnames))


def _from_db(model: type[Model], attnames: list[str], db: str, values: Sequence[Any]) -> Model:
    return model.from_db(db, attnames, values)


@functools.lru_cache(maxsize=256)
def _made(model: type[Model], attnames: tuple[str, ...]) -> Callable[[str, Sequence[Any]], Model]:
    plain = (
        model.__init__ is Model.__init__
        and model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]
        and all(type(getattr(model, name, None)) in _PLAIN_SETTERS for name in attnames)
    )
    if not plain:
        return functools.partial(_from_db, model, list(attnames))
    new = model.__new__

    def make(db: str, values: Sequence[Any]) -> Model:
        state = ModelState()
        state.adding = False
        state.db = db
        obj = new(model)
        fields = {"_state": state}
        fields.update(zip(attnames, values, strict=True))
        obj.__dict__ = fields
        return obj

    return make


# The descriptors whose __set__ on a new instance only puts the value in its __dict__.
_PLAIN_SETTERS = frozenset(
    {DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor, ImageFileDescriptor}
)
