"""news.bulk.insert_many: the rows bulk_create would store, in one executemany."""

from __future__ import annotations

import datetime as dt

import pytest

from newscenter.news.bulk import insert_many
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
