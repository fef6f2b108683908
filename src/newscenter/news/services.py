"""Every write to articles goes through here: admin, CLI, importers and the API call these.

Each service takes the acting user (``None`` for the system), checks the policy
(news.policy), validates with ``full_clean()``, saves atomically with an audit entry, and
returns the article. State changes are transitions, in news.workflow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newscenter.news import policy, publishing, revisions
from newscenter.news.models import Article, AuditEntry, Author, Section, SiteSettings, Tag
from newscenter.news.rendering import sanitise_html
from newscenter.news.signals import articles_changed

User = AbstractBaseUser | None

ARTICLE_FIELDS = frozenset(
    {
        "headline", "slug", "standfirst", "body", "status", "pub_date", "section",
        "lead_image", "lead_image_alt", "source_name", "source_url", "canonical_url",
        "language", "import_key",
    }
)  # fmt: skip

# Creating an article in a state other than draft is that state's transition in one step,
# so it takes that transition's right (an editor importing published items may; a
# contributor may not, and submits drafts instead).
_INITIAL_STATUS_ACTION = {
    move.target: f"article.{verb}"
    for verb, move in publishing.TRANSITIONS.items()
    if move.target != Article.Status.DRAFT
}
STATUS_BY_WORKFLOW = (
    "The status changes only through the workflow (submit, publish, schedule, embargo, "
    "unpublish, archive, reopen), never by editing the article."
)


@transaction.atomic
def article_create(
    *,
    acting_user: User,
    headline: str,
    tags: Iterable[Tag] = (),
    authors: Iterable[Author] = (),
    **fields: Any,
) -> Article:
    _check_fields(fields)
    policy.require(acting_user, "article.create")
    article = Article(headline=headline, created_by=_actor(acting_user), **fields)
    _derive(article, site=SiteSettings.load(), url_is_fixed=False)
    _require_initial_status(acting_user, article.status)
    article.slug = _unique_slug(article, _slugs_taken(article))
    article.full_clean(validate_constraints=True)
    article.save()
    article.tags.set(tags)
    article.authors.set(authors)
    revisions.revision_record(article=article, acting_user=acting_user)
    _audit(acting_user, "create", article, to_status=article.status, status=article.status)
    _changed_on_commit([article.pk])
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    acting_user: User,
    tags: Iterable[Tag] | None = None,
    authors: Iterable[Author] | None = None,
    note: str = "",
    **changes: Any,
) -> Article:
    """Change an article's content and metadata. People never change its status here
    (:data:`STATUS_BY_WORKFLOW`); the system (importers, the demo) still may."""
    _check_fields(changes)
    previous = Article.objects.select_for_update().get(pk=article.pk)
    # Checked against the stored row: the caller's instance may already hold the edits.
    policy.require(acting_user, "article.edit", article=previous)
    for name, value in changes.items():
        setattr(article, name, value)
    if acting_user is not None:
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
        name for name in ARTICLE_FIELDS if getattr(previous, name) != getattr(article, name)
    )
    moved = previous.status != article.status
    _audit(
        acting_user,
        _action(previous, article),
        article,
        from_status=previous.status if moved else "",
        to_status=article.status if moved else "",
        changed=changed,
    )
    return article


def article_persist(
    *,
    article: Article,
    acting_user: User,
    url_is_fixed: bool,
    note: str = "",
    tags: Iterable[Tag] | None = None,
    authors: Iterable[Author] | None = None,
) -> None:
    """The save path shared by :func:`article_update` and news.workflow's transitions:
    derive, validate, save, keep a revision, tell the index after commit. The caller holds
    the row lock, has checked the policy, and writes the audit entry."""
    # A public article keeps its URL when its date is corrected; until then the URL follows it.
    _derive(article, site=SiteSettings.load(), url_is_fixed=url_is_fixed)
    article.slug = _unique_slug(article, _slugs_taken(article))
    article.full_clean(validate_constraints=True)
    article.save()
    if tags is not None:
        article.tags.set(tags)
    if authors is not None:
        article.authors.set(authors)
    revisions.revision_record(article=article, acting_user=acting_user, note=note[:300])
    _changed_on_commit([article.pk])


def article_publish(
    *, article: Article, acting_user: User, at: dt.datetime | None = None
) -> Article:
    """Publish now, or at ``at``: a future moment (given, or the article's own date)
    schedules it. A thin wrapper over news.workflow for importers, the demo and tests."""
    from newscenter.news import workflow  # workflow builds on this module

    when = at or article.pub_date
    if when is not None and when > timezone.now():
        return workflow.article_schedule(article=article, acting_user=acting_user, at=when)
    return workflow.article_publish(article=article, acting_user=acting_user, at=when)


def article_unpublish(*, article: Article, acting_user: User) -> Article:
    """Take a public article down (its URL then answers 410 Gone); one not yet public
    goes back to draft, as before the workflow existed."""
    from newscenter.news import workflow

    if publishing.is_public(article):
        return workflow.article_unpublish(article=article, acting_user=acting_user)
    return workflow.article_reopen(article=article, acting_user=acting_user)


@transaction.atomic
def article_delete(*, article: Article, acting_user: User) -> None:
    """Delete for good (administrators only); the audit entry outlives the article."""
    policy.require(acting_user, "article.delete", article=article)
    _audit(acting_user, "delete", article, from_status=article.status, headline=article.headline)
    article_id = article.pk
    article.delete()
    _changed_on_commit([article_id])


def _require_initial_status(acting_user: User, status: str) -> None:
    action = _INITIAL_STATUS_ACTION.get(status)
    if action is not None:
        policy.require(acting_user, action)


def _refuse_moves_outside_workflow(previous: Article, article: Article) -> None:
    if article.status != previous.status:
        raise ValidationError({"status": STATUS_BY_WORKFLOW})
    problem = publishing.date_move_problem(previous, article.pub_date)
    if problem:
        raise ValidationError({"pub_date": problem})


def section_get_or_create(*, name: str, position: int = 0, acting_user: User = None) -> Section:
    return _named_get_or_create(Section, name, acting_user, position=position)


def tag_get_or_create(*, name: str, acting_user: User = None) -> Tag:
    return _named_get_or_create(Tag, name, acting_user)


def author_get_or_create(*, name: str, acting_user: User = None) -> Author:
    return _named_get_or_create(Author, name, acting_user)


def _named_get_or_create(model, name: str, acting_user: User = None, **extra: Any):
    """Find by name, ignoring case; else create with a slug no other row has ("c" and "c-2").

    Finding is anyone's; creating a new one is editing the taxonomy.
    """
    name = name.strip()
    found = model.objects.filter(name__iexact=name).first()
    if found is not None:
        return found
    policy.require(acting_user, "taxonomy.edit")
    base = publishing.slug_for(name)[: model._meta.get_field("slug").max_length - 4]
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug = next(s for s in (base, *(f"{base}-{n}" for n in range(2, 10_000))) if s not in taken)
    obj = model(name=name, slug=slug, **extra)
    obj.full_clean()
    obj.save()
    return obj


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - ARTICLE_FIELDS
    if unknown:
        raise TypeError(f"unknown article fields: {', '.join(sorted(unknown))}")


def _derive(article: Article, *, site: SiteSettings, url_is_fixed: bool) -> None:
    """Fill in what the editor does not type: clean body, slug, URL day, language, and a
    "published" status dated ahead (importers send those) stored as what it is: scheduled."""
    article.status = publishing.stored_status(article.status, article.pub_date)
    article.body = sanitise_html(article.body)
    article.headline = article.headline.strip()
    article.standfirst = article.standfirst.strip()
    article.language = article.language or site.language
    if not article.slug:
        article.slug = publishing.slug_for(article.headline)
    if article.pub_date is not None and not url_is_fixed:
        article.pub_day = publishing.local_day(article.pub_date, site.time_zone)


def _slugs_taken(article: Article) -> set[str]:
    if article.pub_day is None:
        return set()
    same_day = Article.objects.filter(pub_day=article.pub_day, slug__startswith=article.slug)
    return set(same_day.exclude(pk=article.pk).values_list("slug", flat=True))


def _unique_slug(article: Article, taken: set[str]) -> str:
    if article.pub_day is None:
        return article.slug
    slug, n = article.slug, 2
    while slug in taken:
        suffix = f"-{n}"
        slug = article.slug[: publishing.SLUG_MAX_LENGTH - len(suffix)] + suffix
        n += 1
    return slug


def _action(previous: Article, article: Article) -> str:
    # Only the system moves a status here (an import with --status): name it by its effect.
    if previous.status != article.status:
        return "publish" if article.status in Article.TIMED else "unpublish"
    return "update"


def _changed_on_commit(article_ids: list[int]) -> None:
    # Search index and caches follow the change only once it is committed: a rolled-back
    # edit never reaches them, and readers never see a result the database does not hold.
    transaction.on_commit(
        lambda: articles_changed.send(sender=Article, article_ids=article_ids), robust=True
    )


def actor_of(user: User):
    """The user an audit entry or revision names: None for the system and anonymous."""
    return user if user is not None and user.is_authenticated else None


_actor = actor_of


def _audit(
    actor: User,
    action: str,
    article: Article,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    **detail: Any,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=_actor(actor),
        action=action,
        article=article,
        from_status=from_status,
        to_status=to_status,
        note=note,
        detail=detail,
    )


@dataclass
class NewArticle:
    """One article for :func:`article_bulk_create`: model fields plus its relations."""

    fields: dict[str, Any]
    tags: list[Tag] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)


@transaction.atomic
def article_bulk_create(*, acting_user: User, new: Sequence[NewArticle]) -> list[Article]:
    """Create many articles in a fixed number of queries: the import path for large exports.

    The same derivation and field validation as :func:`article_create`; uniqueness of
    slugs is worked out in memory against one query per batch, and the database's
    constraints remain the last word (an IntegrityError rolls the whole batch back).
    """
    policy.require(acting_user, "article.create")
    site = SiteSettings.load()
    articles = [_new_article(row, site) for row in new]
    for status in {a.status for a in articles}:
        _require_initial_status(acting_user, status)
    for article in articles:
        article.created_by = _actor(acting_user)
    taken = _slugs_taken_on({a.pub_day for a in articles if a.pub_day})
    for article in articles:
        article.slug = _unique_slug(article, taken.setdefault(article.pub_day, set()))
        taken[article.pub_day].add(article.slug)
    Article.objects.bulk_create(articles)
    _bulk_relations(articles, new)
    revisions.revisions_record_new(
        articles=articles,
        relations=[{"tags": row.tags, "authors": row.authors} for row in new],
        acting_user=acting_user,
    )
    actor = _actor(acting_user)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor, action="create", article=a, to_status=a.status, detail={"status": a.status}
        )
        for a in articles
    )
    _changed_on_commit([a.pk for a in articles])
    return articles


def _new_article(row: NewArticle, site: SiteSettings) -> Article:
    _check_fields(row.fields)
    article = Article(**row.fields)
    _derive(article, site=site, url_is_fixed=False)
    # Field values and clean() here; unique slugs below, unique import keys by the caller.
    # The section is an object the caller has just fetched or created: no query to check it.
    article.full_clean(exclude={"section"}, validate_unique=False, validate_constraints=False)
    return article


def _slugs_taken_on(days: set) -> dict:
    taken: dict = {}
    for day, slug in Article.objects.filter(pub_day__in=days).values_list("pub_day", "slug"):
        taken.setdefault(day, set()).add(slug)
    return taken


def _bulk_relations(articles: list[Article], new: Sequence[NewArticle]) -> None:
    tag_rows, author_rows = Article.tags.through, Article.authors.through
    tag_rows.objects.bulk_create(
        tag_rows(article=a, tag=t) for a, row in zip(articles, new, strict=True) for t in row.tags
    )
    author_rows.objects.bulk_create(
        author_rows(article=a, author=p)
        for a, row in zip(articles, new, strict=True)
        for p in row.authors
    )
