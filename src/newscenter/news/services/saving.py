"""The one save path of an article, shared by every service that writes one.

:func:`article_persist` derives what editors do not type (clean body, slug, URL day,
language), validates, saves and keeps a revision. The article services
(``services.articles``) and the workflow's transitions (``services.workflow``) call it; they
check the policy, write the audit entry and announce the change (:func:`article_changed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Max, Model
from django.utils import timezone

from newscenter.news import publishing
from newscenter.news.bulk import insert_rows
from newscenter.news.changes import announce
from newscenter.news.models import Article, Author, Revision, SiteSettings, Tag
from newscenter.news.policy import Actor, actor_of
from newscenter.news.rendering import sanitise_html
from newscenter.news.revisions import snapshot
from newscenter.news.services.labels import labels_keep

ARTICLE_FIELDS = frozenset(
    {
        "headline", "slug", "standfirst", "body", "status", "pub_date", "section",
        "lead_image", "lead_image_alt", "source_name", "source_url", "canonical_url",
        "language", "import_key", "modified", "translation_group", "translated_from",
        "translated_from_revision",
    }
)  # fmt: skip
NOTE_CHARS = 300  # Revision.note


def article_persist(
    *,
    article: Article,
    acting_user: Actor,
    url_is_fixed: bool,
    note: str = "",
    tags: Iterable[Tag] | None = None,
    authors: Iterable[Author] | None = None,
) -> None:
    """Derive, validate, save, keep a revision. The caller holds the row lock (or is creating
    the row), has checked the policy, writes the audit entry and announces the change."""
    # A public article keeps its URL when its date is corrected; until then the URL follows it.
    derive(article, site=SiteSettings.load(), url_is_fixed=url_is_fixed)
    article.slug = unique_slug(article, slugs_taken(article))
    article.full_clean(validate_constraints=True)
    article.save()
    if tags is not None:
        article.tags.set(tags)
    if authors is not None:
        article.authors.set(authors)
    # Always, not only when tags or authors were given: the save wrote back the labels read
    # with the article, which a tag renamed since then has made stale.
    labels_keep(article)
    revision_record(article=article, acting_user=acting_user, note=note[:NOTE_CHARS])


def article_changed(article_id: int, action: str) -> None:
    """Announce a change to one article, named as its audit entry names it ("publish")."""
    announce(articles=[article_id], events=[(f"article.{action}", article_id)])


def stamp_modified(article: Article, fields: dict[str, Any]) -> None:
    """What readers are told of the article's last change: now, for a save by a person;
    the date an import names (the source's own) when it names one."""
    article.modified = fields.get("modified") or timezone.now()


def check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - ARTICLE_FIELDS
    if unknown:
        raise TypeError(f"unknown article fields: {', '.join(sorted(unknown))}")


def derive(article: Article, *, site: SiteSettings, url_is_fixed: bool) -> None:
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


def slugs_taken(article: Article) -> set[str]:
    """Slugs of other articles on the article's URL day that its slug could collide with."""
    if article.pub_day is None:
        return set()
    same_day = Article.objects.filter(pub_day=article.pub_day, slug__startswith=article.slug)
    return set(same_day.exclude(pk=article.pk).values_list("slug", flat=True))


def unique_slug(article: Article, taken: set[str]) -> str:
    """The article's slug, or the first of slug-2, slug-3 ... that no other article that day has."""
    if article.pub_day is None:
        return article.slug
    slug, n = article.slug, 2
    while slug in taken:
        suffix = f"-{n}"
        slug = article.slug[: publishing.SLUG_MAX_LENGTH - len(suffix)] + suffix
        n += 1
    return slug


def revision_record(*, article: Article, acting_user: Actor, note: str = "") -> Revision:
    """Keep a new revision of ``article`` as it now stands (inside the save's transaction)."""
    latest = article.revisions.aggregate(latest=Max("number"))["latest"] or 0
    return Revision.objects.create(
        article=article,
        number=latest + 1,
        author=actor_of(acting_user),
        note=note,
        content=snapshot(article),
    )


def revisions_record_new(
    *,
    articles: Sequence[Article],
    relations: Sequence[dict[str, Sequence[Model]]],
    acting_user: Actor,
) -> None:
    """Revision 1 of many newly created articles, in one query."""
    author = actor_of(acting_user)
    author_id = author.pk if author is not None else None
    insert_rows(
        Revision,
        [
            {
                "article_id": a.pk,
                "number": 1,
                "author_id": author_id,
                "content": snapshot(a, relations=r),
            }
            for a, r in zip(articles, relations, strict=True)
        ],
    )
