"""Revisions as data: what a revision keeps of an article, and what restoring one gives back.

A revision's ``content`` is plain JSON (ids for relations), so an old revision stays
readable after the section it named was renamed or deleted. The services record revisions
(``services.saving``) and restore them (``services.revisions``); the desk compares them
(``desk.diff``).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from django.db.models import Field, Model

from newscenter.news import publishing
from newscenter.news.models import Article, Revision

# What a revision keeps; the first three are the text, the rest its metadata.
TEXT_FIELDS = ("headline", "standfirst", "body")
META_FIELDS = (
    "slug", "status", "pub_date", "section", "tags", "authors", "lead_image", "lead_image_alt",
    "source_name", "source_url", "canonical_url", "language",
)  # fmt: skip
LABELS = {
    "headline": "Headline", "standfirst": "Standfirst", "body": "Body", "slug": "Slug",
    "status": "Status", "pub_date": "Publication date", "section": "Section", "tags": "Tags",
    "authors": "Authors", "lead_image": "Lead image",
    "lead_image_alt": "Lead image alternative text", "source_name": "Source name",
    "source_url": "Source URL", "canonical_url": "Canonical URL", "language": "Language",
}  # fmt: skip
# The state and its date move only through the workflow's transitions: restoring an old
# revision must not publish, unpublish or reschedule anything.
NOT_RESTORED = frozenset({"status", "pub_date"})


def snapshot(
    article: Article, *, relations: dict[str, Sequence[Model]] | None = None
) -> dict[str, Any]:
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


def _value(article: Article, name: str) -> Any:
    field = _field(name)
    if field.many_to_many:
        return sorted(obj.pk for obj in getattr(article, name).all())
    if field.many_to_one:
        return getattr(article, field.attname)  # the id: a rename elsewhere changes nothing here
    value = getattr(article, name)
    if isinstance(value, enum.Enum):
        # A status given as Article.Status.DRAFT: JSON on SQLite would keep its name.
        return value.value
    if name == "pub_date":
        return value.isoformat() if value else None
    if hasattr(value, "name"):  # a file: its stored name
        return value.name or ""
    return value


def restorable(article: Article, revision: Revision) -> tuple[dict[str, Any], list[str]]:
    """The values ``revision`` gives back, and what it named that no longer exists."""
    changes: dict[str, Any] = {}
    missing: list[str] = []
    for name in (*TEXT_FIELDS, *META_FIELDS):
        if name in NOT_RESTORED or name not in revision.content:
            continue
        if name == "slug" and publishing.is_public(article):
            continue  # a public article's URL never moves
        value, gone = _restored_value(name, revision.content[name])
        if value is not _SKIP:
            changes[name] = value
        missing += gone
    return changes, missing


_SKIP = object()


def _restored_value(name: str, value: Any) -> tuple[Any, list[str]]:
    field = _field(name)
    if not field.is_relation:
        return ("" if value is None and not field.null else value), []
    model = field.related_model
    noun = model._meta.verbose_name  # type: ignore[union-attr]
    ids = value if isinstance(value, list) else [value]
    if any(i is not None and not isinstance(i, int) for i in ids):
        return _SKIP, [f"{LABELS.get(name, name).lower()} {value!r} (kept the current one)"]
    found = model._default_manager.in_bulk([i for i in ids if i is not None])  # type: ignore[union-attr]
    gone = [f"{noun} {i}" for i in ids if i is not None and i not in found]
    if field.many_to_many:
        return [found[i] for i in ids if i in found], gone
    return (found.get(value) if value is not None else None), gone


def _field(name: str) -> Field[Any, Any]:
    field = Article._meta.get_field(name)
    assert isinstance(field, Field)  # every name above is a concrete field or a many-to-many
    return field
