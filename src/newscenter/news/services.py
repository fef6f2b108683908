"""Every write to articles goes through here: admin, CLI, importers and the API call these.

Each service takes the acting user (``None`` for the system), validates with
``full_clean()``, saves atomically with an audit entry, and returns the article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from newscenter.news import publishing
from newscenter.news.models import Article, AuditEntry, Author, Section, SiteSettings, Tag
from newscenter.news.rendering import sanitise_html

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
    article = Article(headline=headline, **fields)
    if not article.language:
        article.language = SiteSettings.load().language
    _prepare(article, previous=None)
    article.save()
    article.tags.set(tags)
    article.authors.set(authors)
    _audit(acting_user, "create", article, status=article.status)
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
    _prepare(article, previous=previous)
    article.save()
    if tags is not None:
        article.tags.set(tags)
    if authors is not None:
        article.authors.set(authors)
    changed = sorted(
        name for name in ARTICLE_FIELDS if getattr(previous, name) != getattr(article, name)
    )
    _audit(acting_user, _action(previous, article), article, changed=changed)
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
    section = Section.objects.filter(name__iexact=name.strip()).first()
    if section is None:
        section = Section(name=name.strip(), slug=publishing.slug_for(name), position=position)
        section.full_clean()
        section.save()
    return section


def tag_get_or_create(*, name: str) -> Tag:
    tag = Tag.objects.filter(name__iexact=name.strip()).first()
    if tag is None:
        tag = Tag(name=name.strip(), slug=publishing.slug_for(name))
        tag.full_clean()
        tag.save()
    return tag


def author_get_or_create(*, name: str) -> Author:
    author = Author.objects.filter(name__iexact=name.strip()).first()
    if author is None:
        author = Author(name=name.strip(), slug=publishing.slug_for(name))
        author.full_clean()
        author.save()
    return author


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - ARTICLE_FIELDS
    if unknown:
        raise TypeError(f"unknown article fields: {', '.join(sorted(unknown))}")


def _prepare(article: Article, *, previous: Article | None) -> None:
    """Derive what the editor does not type: clean body, slug, URL day; then validate."""
    article.body = sanitise_html(article.body)
    article.headline = article.headline.strip()
    article.standfirst = article.standfirst.strip()
    if not article.slug:
        article.slug = publishing.slug_for(article.headline)
    # A public article keeps its URL when its date is corrected; until then the URL follows it.
    url_is_fixed = previous is not None and publishing.is_public(previous)
    if article.pub_date is not None and not url_is_fixed:
        article.pub_day = publishing.local_day(article.pub_date, SiteSettings.load().time_zone)
    article.slug = _unique_slug(article)
    article.full_clean(validate_constraints=True)


def _unique_slug(article: Article) -> str:
    if article.pub_day is None:
        return article.slug
    taken = set(
        Article.objects.filter(pub_day=article.pub_day, slug__startswith=article.slug)
        .exclude(pk=article.pk)
        .values_list("slug", flat=True)
    )
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


def _audit(actor: User, action: str, article: Article, **detail: Any) -> None:
    AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        article=article,
        detail=detail,
    )
