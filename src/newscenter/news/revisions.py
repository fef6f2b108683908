"""Revisions: every save of an article keeps what it saved, numbered from 1.

A revision's ``content`` is plain JSON (ids for relations), so an old revision stays
readable after the section it named was renamed or deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Max

from newscenter.news.models import Article, Revision

# What a revision keeps; the first three are the text, the rest its metadata.
TEXT_FIELDS = ("headline", "standfirst", "body")
META_FIELDS = (
    "slug", "status", "pub_date", "section", "tags", "authors", "lead_image", "lead_image_alt",
    "source_name", "source_url", "canonical_url", "language",
)  # fmt: skip


def snapshot(article: Article, *, relations: dict[str, Sequence] | None = None) -> dict[str, Any]:
    """The article's content as JSON: text fields, then metadata with relations as ids.

    ``relations`` gives the tags and authors when the caller has them in hand (bulk imports).
    """
    content: dict[str, Any] = {name: getattr(article, name) for name in TEXT_FIELDS}
    for name in META_FIELDS:
        if relations is not None and name in relations:
            content[name] = sorted(obj.pk for obj in relations[name])
        else:
            content[name] = _value(article, name)
    return content


def revision_record(*, article: Article, acting_user, note: str = "") -> Revision:
    """Keep a new revision of ``article`` as it now stands (call inside the save's transaction)."""
    latest = article.revisions.aggregate(latest=Max("number"))["latest"] or 0
    return Revision.objects.create(
        article=article,
        number=latest + 1,
        author=_actor(acting_user),
        note=note,
        content=snapshot(article),
    )


def revisions_record_new(
    *, articles: Sequence[Article], relations: Sequence[dict[str, Sequence]], acting_user
) -> None:
    """Revision 1 of many newly created articles, in one query."""
    author = _actor(acting_user)
    Revision.objects.bulk_create(
        Revision(article=a, number=1, author=author, content=snapshot(a, relations=r))
        for a, r in zip(articles, relations, strict=True)
    )


def _value(article: Article, name: str) -> Any:
    field = Article._meta.get_field(name)
    if field.many_to_many:
        return sorted(obj.pk for obj in getattr(article, name).all())
    if field.many_to_one:
        return getattr(article, field.attname)  # the id: a rename elsewhere changes nothing here
    value = getattr(article, name)
    if name == "pub_date":
        return value.isoformat() if value else None
    if hasattr(value, "name"):  # a file: its stored name
        return value.name or ""
    return value


def _actor(user):
    return user if user is not None and user.is_authenticated else None
