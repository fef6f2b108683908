"""Every write to articles goes through here: admin, CLI, importers and the API call these.

Each service takes the acting user (``None`` for the system), validates with
``full_clean()``, saves atomically with an audit entry, and returns the article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from newscenter.news import publishing, revisions
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
    article = Article(headline=headline, created_by=_actor(acting_user), **fields)
    _derive(article, site=SiteSettings.load(), url_is_fixed=False)
    article.slug = _unique_slug(article, _slugs_taken(article))
    article.full_clean(validate_constraints=True)
    article.save()
    article.tags.set(tags)
    article.authors.set(authors)
    revisions.revision_record(article=article, acting_user=acting_user)
    _audit(acting_user, "create", article, status=article.status)
    _changed_on_commit([article.pk])
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    acting_user: User,
    tags: Iterable[Tag] | None = None,
    authors: Iterable[Author] | None = None,
    **changes: Any,
) -> Article:
    _check_fields(changes)
    previous = Article.objects.select_for_update().get(pk=article.pk)
    for name, value in changes.items():
        setattr(article, name, value)
    # A public article keeps its URL when its date is corrected; until then the URL follows it.
    _derive(article, site=SiteSettings.load(), url_is_fixed=publishing.is_public(previous))
    article.slug = _unique_slug(article, _slugs_taken(article))
    article.full_clean(validate_constraints=True)
    article.save()
    if tags is not None:
        article.tags.set(tags)
    if authors is not None:
        article.authors.set(authors)
    revisions.revision_record(article=article, acting_user=acting_user)
    changed = sorted(
        name for name in ARTICLE_FIELDS if getattr(previous, name) != getattr(article, name)
    )
    _audit(acting_user, _action(previous, article), article, changed=changed)
    _changed_on_commit([article.pk])
    return article


def article_publish(
    *, article: Article, acting_user: User, at: dt.datetime | None = None
) -> Article:
    """Publish now, or at ``at`` (a future ``at`` schedules the article)."""
    pub_date = at or article.pub_date or timezone.now()
    return article_update(
        article=article,
        acting_user=acting_user,
        status=Article.Status.PUBLISHED,
        pub_date=pub_date,
    )


def article_unpublish(*, article: Article, acting_user: User) -> Article:
    return article_update(article=article, acting_user=acting_user, status=Article.Status.DRAFT)


def section_get_or_create(*, name: str, position: int = 0) -> Section:
    return _named_get_or_create(Section, name, position=position)


def tag_get_or_create(*, name: str) -> Tag:
    return _named_get_or_create(Tag, name)


def author_get_or_create(*, name: str) -> Author:
    return _named_get_or_create(Author, name)


def _named_get_or_create(model, name: str, **extra: Any):
    """Find by name, ignoring case; else create with a slug no other row has ("c" and "c-2")."""
    name = name.strip()
    found = model.objects.filter(name__iexact=name).first()
    if found is not None:
        return found
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
    """Fill in what the editor does not type: clean body, slug, URL day, language."""
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
    if previous.status != article.status:
        return "publish" if article.status == Article.Status.PUBLISHED else "unpublish"
    return "update"


def _changed_on_commit(article_ids: list[int]) -> None:
    # Search index and caches follow the change only once it is committed: a rolled-back
    # edit never reaches them, and readers never see a result the database does not hold.
    transaction.on_commit(
        lambda: articles_changed.send(sender=Article, article_ids=article_ids), robust=True
    )


def _actor(user: User):
    return user if user is not None and user.is_authenticated else None


def _audit(actor: User, action: str, article: Article, **detail: Any) -> None:
    AuditEntry.objects.create(
        actor=_actor(actor),
        action=action,
        article=article,
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
    site = SiteSettings.load()
    articles = [_new_article(row, site) for row in new]
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
        AuditEntry(actor=actor, action="create", article=a, detail={"status": a.status})
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
