"""Revisions: every save of an article keeps what it saved, numbered from 1.

A revision's ``content`` is plain JSON (ids for relations), so an old revision stays
readable after the section it named was renamed or deleted. Any two revisions can be
compared (:func:`revision_diff`) and any one restored (:func:`revision_restore`).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.safestring import SafeString

from newscenter.news import policy, publishing
from newscenter.news.models import Article, AuditEntry, Revision
from newscenter.news.textdiff import body_text, word_diff

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
    if isinstance(value, enum.Enum):
        # A status given as Article.Status.DRAFT: JSON on SQLite would keep its name.
        return value.value
    if name == "pub_date":
        return value.isoformat() if value else None
    if hasattr(value, "name"):  # a file: its stored name
        return value.name or ""
    return value


def _actor(user):
    return user if user is not None and user.is_authenticated else None


# --- Comparing ---------------------------------------------------------------------------

LABELS = {
    "headline": "Headline", "standfirst": "Standfirst", "body": "Body", "slug": "Slug",
    "status": "Status", "pub_date": "Publication date", "section": "Section", "tags": "Tags",
    "authors": "Authors", "lead_image": "Lead image",
    "lead_image_alt": "Lead image alternative text", "source_name": "Source name",
    "source_url": "Source URL", "canonical_url": "Canonical URL", "language": "Language",
}  # fmt: skip
NONE = "(none)"


@dataclass(frozen=True)
class FieldDiff:
    """One field that differs between two revisions, readable and as escaped HTML."""

    name: str
    label: str
    old: str
    new: str
    html: SafeString  # <ins>/<del> markup; every value in it escaped


def revision_diff(older: Revision, newer: Revision) -> list[FieldDiff]:
    """The fields that differ from ``older`` to ``newer`` (any two revisions, either order),
    text fields word by word, metadata as old -> new with names resolved."""
    diffs = []
    for name in (*TEXT_FIELDS, *META_FIELDS):
        before, after = older.content.get(name), newer.content.get(name)
        if _same(before, after):
            continue
        if name in TEXT_FIELDS:
            old, new = _text(name, before), _text(name, after)
            html = word_diff(old, new)
        else:
            old, new = display_value(name, before), display_value(name, after)
            html = format_html("<del>{}</del> → <ins>{}</ins>", old, new)
        diffs.append(FieldDiff(name, LABELS.get(name, name), old, new, html))
    return diffs


def display_value(name: str, value: Any) -> str:
    """A stored value as an editor reads it: names for ids, labels for states, local dates."""
    if value in (None, "", []):
        return NONE
    if name == "status":
        # Revisions saved before snapshot() stored plain values may hold the name ("DRAFT").
        status = str(value).lower()
        return Article.Status(status).label if status in Article.Status.values else str(value)
    if name == "pub_date":
        moment = parse_datetime(str(value))
        return date_format(timezone.localtime(moment), "Y-m-d H:i T") if moment else str(value)
    field = Article._meta.get_field(name)
    if field.is_relation:
        ids = value if isinstance(value, list) else [value]
        return ", ".join(_names(field.related_model, ids))
    return str(value)


def _names(model, ids: list) -> list[str]:
    keys = [i for i in ids if isinstance(i, int)]
    found = {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=keys)}
    noun = model._meta.verbose_name
    # A value kept from before the field was a relation (a file name) is shown as it was.
    return [found.get(i, f"(deleted {noun} {i})") if isinstance(i, int) else str(i) for i in ids]


def _text(name: str, value: Any) -> str:
    return body_text(value or "") if name == "body" else str(value or "")


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, list) and isinstance(after, list):
        return sorted(before) == sorted(after)
    return (before or None) == (after or None)


# --- Restoring ---------------------------------------------------------------------------

# The state and its date move only through the workflow's transitions: restoring an old
# revision must not publish, unpublish or reschedule anything.
NOT_RESTORED = frozenset({"status", "pub_date"})


@transaction.atomic
def revision_restore(*, article: Article, revision: Revision, acting_user) -> Article:
    """Write ``revision``'s text and metadata (not its status or date) back to ``article``.

    The save goes through ``services.article_update``, so it is validated like any edit and
    kept as a new revision noted "restored from revision N"; older revisions stay as they are.
    """
    # Imported here: services imports this module to record revisions.
    from newscenter.news import services

    policy.require(acting_user, "revision.restore", article=article)
    if revision.article_id != article.pk:
        raise ValidationError(f"Revision {revision.number} belongs to another article.")
    changes, missing = restorable(article, revision)
    note = f"restored from revision {revision.number}"
    article = services.article_update(
        article=article, acting_user=acting_user, note=note, **changes
    )
    AuditEntry.objects.create(
        actor=_actor(acting_user),
        action="revision.restore",
        article=article,
        note=note,
        detail={"revision": revision.number, "missing": missing},
    )
    return article


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
    field = Article._meta.get_field(name)
    if not field.is_relation:
        return ("" if value is None and not field.null else value), []
    model, noun = field.related_model, field.related_model._meta.verbose_name
    ids = value if isinstance(value, list) else [value]
    if any(i is not None and not isinstance(i, int) for i in ids):
        return _SKIP, [f"{LABELS.get(name, name).lower()} {value!r} (kept the current one)"]
    found = model._default_manager.in_bulk([i for i in ids if i is not None])
    gone = [f"{noun} {i}" for i in ids if i is not None and i not in found]
    if field.many_to_many:
        return [found[i] for i in ids if i in found], gone
    return (found.get(value) if value is not None else None), gone
