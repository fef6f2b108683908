"""news.bulk: insert_many and insert_returning_ids store the rows bulk_create would (the
second giving each its id), update_field the values bulk_update would."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from newscenter.news import services
from newscenter.news.bulk import (
    insert_many,
    insert_returning_ids,
    insert_rows,
    stored_as_is,
    update_field,
)
from newscenter.news.models import Article, AuditEntry
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_user

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def _entries(article: Article, actor) -> list[AuditEntry]:
    return [
        AuditEntry(actor=actor, action="create", article=article, at=AT, detail={"n": n, "é": [n]})
        for n in range(3)
    ] + [AuditEntry(actor=None, action="import", article=None, note="no article")]


def _stored(rows) -> list[tuple]:
    return sorted(
        tuple(sorted((k, repr(v)) for k, v in row.items() if k not in ("id", "at"))) for row in rows
    )


def test_the_rows_are_those_bulk_create_stores():
    article, actor = make_article(), make_user(role="editor")
    AuditEntry.objects.all().delete()
    AuditEntry.objects.bulk_create(_entries(article, actor))
    by_orm = _stored(AuditEntry.objects.values())
    AuditEntry.objects.all().delete()
    insert_many(_entries(article, actor))
    assert _stored(AuditEntry.objects.values()) == by_orm
    assert AuditEntry.objects.filter(at=AT).count() == 3  # a default only where none is given
    tags = Article.tags.through
    insert_many([])  # nothing to do
    with pytest.raises(ValueError, match="has an id"):
        insert_many([tags(id=99, article=article, tag_id=1)])


def _new_articles(count: int) -> list[Article]:
    section = services.section_get_or_create(name="Messen & Märkte", acting_user=SYSTEM)
    return [
        Article(
            headline=f"Pumpe {n} «läuft»",
            slug=f"pumpe-{n}",
            body=f"<p>Ä {n}</p>",
            status=Article.Status.PUBLISHED if n % 3 else Article.Status.DRAFT,
            pub_date=AT + dt.timedelta(hours=n) if n % 3 else None,
            pub_day=(AT + dt.timedelta(hours=n)).date() if n % 3 else None,
            section=section if n % 2 else None,
            labels={"tags": [["pumpen", "Pumpen", {"zh": "泵"}]]} if n % 4 else {},
            import_key=f"test:{n}",
        )
        for n in range(count)
    ]


def _article_rows() -> list[tuple]:
    # Each save's own moment aside (created, updated: the clock's, as bulk_create's).
    return _stored(Article.objects.values(*_FIELDS))


_FIELDS = [f.attname for f in Article._meta.concrete_fields if f.name not in ("created", "updated")]


@pytest.mark.parametrize("count", [1, 100])  # SQLite: 100 articles are three statements
def test_new_articles_are_stored_as_bulk_create_stores_them_and_get_their_ids(count):
    Article.objects.bulk_create(_new_articles(count))
    by_orm = _article_rows()
    Article.objects.all().delete()
    articles = _new_articles(count)
    insert_returning_ids(articles)
    assert _article_rows() == by_orm
    keys = dict(Article.objects.values_list("pk", "import_key"))
    assert {a.pk: a.import_key for a in articles} == keys
    assert not any(a._state.adding for a in articles)
    assert all(a.created == Article.objects.get(pk=a.pk).created for a in articles[:3])
    insert_returning_ids([])  # nothing to do
    with pytest.raises(ValueError, match="has an id"):
        insert_returning_ids(articles[:1])


def _raw_labels(ids: list[int]) -> list[tuple]:
    # The column's text as stored: the same JSON, key order and escapes.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, CAST(labels AS TEXT) FROM news_article WHERE id IN (%s, %s) ORDER BY id",
            ids,
        )
        return cursor.fetchall()


def test_the_values_are_those_bulk_update_stores():
    articles = [make_article(), make_article()]
    ids = [a.pk for a in articles]
    values = [
        {"tags": [["pumpen", "Pumpen", {"en": "Pumps", "zh": "泵"}]], "authors": []},
        {"tags": [], "authors": [["ana", 'Ana "Q" Müller']]},
    ]
    for article, value in zip(articles, values, strict=True):
        article.labels = value
    Article.objects.bulk_update(articles, ["labels"])
    by_orm = _raw_labels(ids)
    Article.objects.filter(pk__in=ids).update(labels={})
    update_field(Article._meta.get_field("labels"), list(zip(ids, values, strict=True)))
    assert _raw_labels(ids) == by_orm
    assert [a.labels for a in Article.objects.filter(pk__in=ids).order_by("pk")] == values
    update_field(Article._meta.get_field("labels"), [])  # nothing to do


class _Shouting(models.CharField):
    def get_prep_value(self, value):
        return str(value).upper()


def test_values_skip_only_djangos_own_preparation():
    db = connections[DEFAULT_DB_ALIAS]
    field = Article._meta.get_field
    assert stored_as_is(field("headline"), db) is str
    assert stored_as_is(field("body"), db) is str  # a TextField
    assert stored_as_is(field("pub_date"), db) is None  # each backend adapts datetimes
    assert stored_as_is(field("id"), db) is None  # an AutoField prepares its own way
    assert stored_as_is(_Shouting(max_length=10), db) is None  # an override is always asked
    # psycopg wraps each int, SQLite takes it as it is.
    number = field("translated_from_revision")
    assert stored_as_is(number, db) is (int if db.vendor == "sqlite" else None)


def test_rows_given_by_field_are_stored_as_model_objects_are():
    article, actor = make_article(), make_user(role="editor")
    AuditEntry.objects.all().delete()
    insert_many(_entries(article, actor))
    by_objects = _stored(AuditEntry.objects.values())
    AuditEntry.objects.all().delete()
    given = [
        {"actor_id": actor.pk, "action": "create", "article_id": article.pk, "at": AT,
         "detail": {"n": n, "é": [n]}}
        for n in range(3)
    ] + [{"action": "import", "note": "no article"}]  # fmt: skip
    insert_rows(AuditEntry, given)
    assert _stored(AuditEntry.objects.values()) == by_objects
    # The defaults, made once: one moment for all the rows that name none.
    assert AuditEntry.objects.filter(at=AT).count() == 3
    insert_rows(AuditEntry, [{"action": "a"}, {"action": "b"}])
    assert AuditEntry.objects.filter(action__in=["a", "b"]).values("at").distinct().count() == 1
    insert_rows(AuditEntry, [])  # nothing to do
    with pytest.raises(ValueError, match=r"no field \['article'\]"):
        insert_rows(AuditEntry, [{"action": "a", "article": article}])  # by attname only
    with pytest.raises(TypeError, match="use insert_many"):
        insert_rows(Article, [{"headline": "Set when saved: created, updated"}])


MOMENTS = [
    AT,
    AT.replace(microsecond=123456),
    dt.datetime(2026, 3, 2, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    dt.datetime(2026, 3, 2, 9, 30, tzinfo=zoneinfo.ZoneInfo("UTC")),  # UTC, not datetime's own
    dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")),
]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_dates_and_times_are_stored_as_bulk_create_stores_them(moment):
    """As the database holds them (SQLite: the text), by each path an import takes."""
    AuditEntry.objects.all().delete()
    AuditEntry.objects.bulk_create([AuditEntry(action="orm", at=moment)])
    insert_many([AuditEntry(action="many", at=moment)])
    insert_rows(AuditEntry, [{"action": "rows", "at": moment}])
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT action, at FROM {table} ORDER BY id")  # noqa: S608 (our table)
        stored = dict(cursor.fetchall())
    assert stored["many"] == stored["orm"]
    assert stored["rows"] == stored["orm"]
