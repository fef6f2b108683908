"""Writes to an article's content: create, update, delete, and many at once for imports.

Each service takes the acting user (a user, or ``SYSTEM``), checks the policy, validates
with ``full_clean()``, saves atomically with an audit entry, announces the change after
commit, and returns the article. Its status moves only through ``services.workflow``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from newscenter.news import policy, publishing
from newscenter.news.audit import audit_record, audit_record_many
from newscenter.news.bulk import insert_returning_ids, insert_values
from newscenter.news.changes import announce
from newscenter.news.models import Article, Author, SiteSettings, Tag
from newscenter.news.policy import SYSTEM, Actor, actor_of
from newscenter.news.representation import absolute
from newscenter.news.services.desk import notify_outdated_translations
from newscenter.news.services.labels import labels_refresh
from newscenter.news.services.saving import (
    ARTICLE_FIELDS,
    article_changed,
    article_persist,
    check_fields,
    derive,
    revisions_record_new,
    stamp_modified,
    unique_slug,
)
from newscenter.news.translations import article_text

# Creating an article in a state other than draft is that state's transition in one step,
# so it takes that transition's right (an editor importing published items may; a
# contributor may not, and submits drafts instead).
_INITIAL_STATUS_ACTION = {
    move.target: f"article.{verb}"
    for verb, move in publishing.TRANSITIONS.items()
    if move.target != Article.Status.DRAFT
}
TRANSLATION_FIELDS = frozenset(
    {"translation_group", "translated_from_id", "translated_from_revision"}
)
STATUS_BY_WORKFLOW = (
    "The status changes only through the workflow (submit, publish, schedule, embargo, "
    "unpublish, archive, reopen), never by editing the article."
)


@transaction.atomic
def article_create(
    *,
    acting_user: Actor,
    headline: str,
    tags: Iterable[Tag] = (),
    authors: Iterable[Author] = (),
    **fields: Any,
) -> Article:
    """A new article (a draft unless ``status`` says otherwise and the role allows it)."""
    check_fields(fields)
    policy.require(acting_user, "article.create")
    article = Article(headline=headline, created_by=actor_of(acting_user), **fields)
    stamp_modified(article, fields)
    _require_initial_status(acting_user, publishing.stored_status(article.status, article.pub_date))
    article_persist(
        article=article, acting_user=acting_user, url_is_fixed=False, tags=tags, authors=authors
    )
    audit_record(
        actor=acting_user,
        action="create",
        article=article,
        to_status=article.status,
        status=article.status,
    )
    article_changed(article.pk, "create")
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    acting_user: Actor,
    tags: Iterable[Tag] | None = None,
    authors: Iterable[Author] | None = None,
    note: str = "",
    **changes: Any,
) -> Article:
    """Change an article's content and metadata. People never change its status here
    (:data:`STATUS_BY_WORKFLOW`); the system (importers, the demo) still may."""
    check_fields(changes)
    previous = Article.objects.select_for_update().get(pk=article.pk)
    # Checked against the stored row: the caller's instance may already hold the edits.
    policy.require(acting_user, "article.edit", article=previous)
    text_before = article_text(previous)
    for name, value in changes.items():
        setattr(article, name, value)
    stamp_modified(article, changes)
    given = {"translated_from_id" if n == "translated_from" else n for n in changes}
    for name in TRANSLATION_FIELDS - given:
        # Group membership is the stored row's (services.translations), whatever the
        # caller's copy of the article held when it was loaded.
        setattr(article, name, getattr(previous, name))
    if acting_user is not SYSTEM:
        _refuse_moves_outside_workflow(previous, article)
    article_persist(
        article=article,
        acting_user=acting_user,
        url_is_fixed=publishing.is_public(previous),
        note=note,
        tags=tags,
        authors=authors,
    )
    changed = sorted(
        name
        for name in ARTICLE_FIELDS - {"modified"}
        if getattr(previous, name) != getattr(article, name)
    )
    moved = previous.status != article.status
    action = _action(previous, article)
    audit_record(
        actor=acting_user,
        action=action,
        article=article,
        from_status=previous.status if moved else "",
        to_status=article.status if moved else "",
        changed=changed,
    )
    article_changed(article.pk, action)
    if publishing.is_public(previous):
        notify_outdated_translations(
            source=article, text_before=text_before, acting_user=acting_user
        )
    return article


@transaction.atomic
def article_delete(*, article: Article, acting_user: Actor) -> None:
    """Delete for good (administrators only); the audit entry outlives the article."""
    policy.require(acting_user, "article.delete", article=article)
    audit_record(
        actor=acting_user,
        action="delete",
        article=article,
        from_status=article.status,
        headline=article.headline,
    )
    article_id = article.pk
    # What outside listeners (webhooks) can say of an article once it is gone.
    gone = {
        "event": "article.deleted",
        "id": article_id,
        "url": absolute(article.get_absolute_url()),
        "path": article.get_absolute_url(),
        "headline": article.headline,
        "was_public": publishing.is_public(article),
    }
    article.delete()
    announce(articles=[article_id], events=[("article.delete", article_id)], notices=[gone])


def _require_initial_status(acting_user: Actor, status: str) -> None:
    action = _INITIAL_STATUS_ACTION.get(status)
    if action is not None:
        policy.require(acting_user, action)


def _refuse_moves_outside_workflow(previous: Article, article: Article) -> None:
    if article.status != previous.status:
        raise ValidationError({"status": STATUS_BY_WORKFLOW})
    problem = publishing.date_move_problem(previous, article.pub_date)
    if problem:
        raise ValidationError({"pub_date": problem})


def _action(previous: Article, article: Article) -> str:
    # Only the system moves a status here (an import with --status): name it by its effect.
    if previous.status != article.status:
        return "publish" if article.status in Article.TIMED else "unpublish"
    return "update"


# --- Many at once --------------------------------------------------------------------------


@dataclass
class NewArticle:
    """One article for :func:`article_bulk_create`: model fields plus its relations."""

    fields: dict[str, Any]
    tags: list[Tag] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)


@transaction.atomic
def article_bulk_create(*, acting_user: Actor, new: Sequence[NewArticle]) -> list[Article]:
    """Create many articles in a fixed number of queries: the import path for large exports.

    The same derivation and field validation as :func:`article_create`; uniqueness of
    slugs is worked out in memory against one query per batch, and the database's
    constraints remain the last word (an IntegrityError rolls the whole batch back).
    """
    policy.require(acting_user, "article.create")
    if not new:  # an import's preview, or a batch of updates only: no change to announce
        return []
    site = SiteSettings.load()
    articles = [_new_article(row, site) for row in new]
    for status in {a.status for a in articles}:
        _require_initial_status(acting_user, status)
    for article in articles:
        article.created_by = actor_of(acting_user)
    taken = _slugs_taken_on({a.pub_day for a in articles if a.pub_day})
    for article in articles:
        article.slug = unique_slug(article, taken.setdefault(article.pub_day, set()))
        taken[article.pub_day].add(article.slug)
    insert_returning_ids(articles)
    _bulk_relations(articles, new)
    labels = labels_refresh(a.pk for a in articles)
    for article in articles:
        article.labels = labels[article.pk]
    revisions_record_new(
        articles=articles,
        relations=[{"tags": row.tags, "authors": row.authors} for row in new],
        acting_user=acting_user,
    )
    audit_record_many(actor=acting_user, action="create", articles=articles)
    announce(articles=[a.pk for a in articles], events=[("article.create", a.pk) for a in articles])
    return articles


def _new_article(row: NewArticle, site: SiteSettings) -> Article:
    check_fields(row.fields)
    article = Article(**row.fields)
    stamp_modified(article, row.fields)
    derive(article, site=site, url_is_fixed=False)
    # Field values and clean() here; unique slugs below, unique import keys by the caller.
    # The section is an object the caller has just fetched or created: no query to check it.
    article.full_clean(exclude={"section"}, validate_unique=False, validate_constraints=False)
    return article


def _slugs_taken_on(days: set[dt.date]) -> dict[dt.date | None, set[str]]:
    taken: dict[dt.date | None, set[str]] = {}
    for day, slug in Article.objects.filter(pub_day__in=days).values_list("pub_day", "slug"):
        taken.setdefault(day, set()).add(slug)
    return taken


def _bulk_relations(articles: list[Article], new: Sequence[NewArticle]) -> None:
    pairs = list(zip(articles, new, strict=True))
    tags = [(a.pk, t.pk) for a, row in pairs for t in row.tags]
    insert_values(Article.tags.through, ("article_id", "tag_id"), tags)
    authors = [(a.pk, p.pk) for a, row in pairs for p in row.authors]
    insert_values(Article.authors.through, ("article_id", "author_id"), authors)
