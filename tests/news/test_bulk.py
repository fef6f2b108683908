"""news.bulk: insert_many stores the rows bulk_create would, update_field the values
bulk_update would, each in one executemany."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from newscenter.news.bulk import insert_many, update_field
from newscenter.news.models import Article, AuditEntry
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
