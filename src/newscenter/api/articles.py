"""``/api/v1/articles``: read, write and move articles through the workflow.

Reads start from the one definition of public (``selectors.public_articles``); unpublished
work needs a token with ``articles:read``, and then shows only what its user may see in the
desk (editors and administrators everything, a contributor their own). Writes go through the
same services as the desk and the command line, so the policy decides, as it does there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.db.models import Max, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status

from newscenter.api import listing
from newscenter.api.auth import OPTIONAL, Caller, TokenAuth
from newscenter.api.http import answer
from newscenter.api.problems import Problem
from newscenter.api.schemas import (
    ArticleIn,
    ArticleList,
    ArticleOut,
    ArticlePatch,
    ArticleStatus,
    ReviewLinkIn,
    ReviewLinkOut,
    TransitionIn,
)
from newscenter.news import policy, publishing, selectors, services, tallies
from newscenter.news.languages import site_languages
from newscenter.news.models import Article, Author, Image, Section, Tag
from newscenter.news.representation import (
    Stored,
    absolute,
    article_data,
    article_path_parts,
)
from newscenter.news.selectors import public_translations_of
from newscenter.news.services import review_links, workflow
from newscenter.search.related import related_articles

router = Router(tags=["articles"])
PUBLIC = TokenAuth(optional=True)
TOKEN = TokenAuth()
MAX_LIMIT = 100


def _caller(request) -> Caller:
    caller: Caller = request.auth
    return caller


@router.get(
    "/articles",
    response=ArticleList,
    auth=PUBLIC,
    openapi_extra=OPTIONAL,
    exclude_unset=True,
    summary="List articles, newest first",
)
def article_list(
    request,
    section: str | None = Query(None, max_length=100, description="A section's slug."),
    tag: str | None = Query(None, max_length=100),
    author: str | None = Query(None, max_length=200),
    status: ArticleStatus | None = Query(
        None, description="Unpublished work: needs articles:read."
    ),
    language: str | None = Query(None, max_length=35, description="An exact language tag."),
    lang: str | None = Query(
        None,
        max_length=35,
        description="One of the site's languages: its edition (`de` also gives `de-AT`).",
    ),
    published_after: dt.datetime | None = None,
    published_before: dt.datetime | None = None,
    updated_since: dt.datetime | None = None,
    fields: str | None = Query(None, max_length=400, description="Comma-separated fields."),
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=200),
):
    caller = _caller(request)
    subject = _subject(section, tag, author)
    articles: QuerySet[Article]
    total: int | None
    filtered = bool(language or published_after or published_before or updated_since)
    if status is None and not filtered:
        # The pages most asked for: reads prepared once per listing and size.
        anchor = listing.newest_anchor(cursor)
        edition = listing.edition_asked(lang) if lang is not None else None
        rows = selectors.newest_articles(
            count=limit + 1,
            **subject,
            edition=edition,
            shown=True,
            after=(anchor.pub_date, anchor.pk) if anchor else None,
        )
        total = (
            anchor.total
            if anchor
            else _total(
                lambda: selectors.public_articles(**subject, edition=edition).count(),
                subject,
                narrowed=edition is not None,
            )
        )
        return _page(request, rows, limit, total, True, fields)
    if status is None:
        anchor = listing.newest_anchor(cursor)
        # Public as of the anchor's date (no later than now): the anchor, not the clock, is
        # then the one upper bound on pub_date, so the index walk starts there.
        at = min(anchor.pub_date, timezone.now()) if anchor else None
        articles = selectors.public_articles(**subject, at=at, relations=False)
        articles = _filtered(articles, language, published_after, published_before, updated_since)
        articles = _edition(articles, lang)
        narrowed = bool(language or lang or published_after or published_before or updated_since)
        total = anchor.total if anchor else _total(articles.count, subject, narrowed=narrowed)
        keys = selectors.listing_keys(tag=subject.get("tag"), author=subject.get("author"))
        ordered = listing.newest_first(articles, anchor, keys)
    else:
        caller.require("articles:read")
        articles = _unpublished_visible(caller, workflow.in_state(_with_relations(), status))
        for name, value in subject.items():
            if value is not None:
                articles = articles.filter(**{f"{name}s" if name != "section" else name: value})
        articles = _filtered(articles, language, published_after, published_before, updated_since)
        articles = _edition(articles, lang)
        ordered, total = listing.by_id(articles, cursor)
        if total is None:
            total = articles.count()
    return _page(request, list(ordered[: limit + 1]), limit, total, status is None, fields)


def _page(
    request, rows: list[Article], limit: int, total: int, public: bool, fields: str | None
) -> HttpResponse:
    """The answer of the article list: ``rows`` holds one more than the page when more
    follow; a public listing's cursor names its last article, unpublished work's its id."""
    page, more = rows[:limit], len(rows) > limit
    next_page = None
    if more:
        last = page[-1]
        token = (
            listing.Anchor(cast(dt.datetime, last.pub_date), last.pk, total).encode()  # dated
            if public
            else listing.by_id_cursor(last.pk, total)
        )
        next_page = listing.next_url(request, token)
    request.api_last_modified = max((a.modified or a.updated for a in page), default=None)
    request.api_link = next_page
    wanted = listing.fields_asked(fields)
    translations = public_translations_of(page)
    writer = Stored(translations)
    items = [writer.data(article, wanted) for article in page]
    return answer(request, {"items": items, "total": total, "next": next_page})


@router.get(
    "/articles/by-path",
    response=ArticleOut,
    auth=PUBLIC,
    openapi_extra=OPTIONAL,
    exclude_unset=True,
    summary="The public article at an address of the site",
)
def article_by_path(
    request,
    path: str = Query(..., max_length=1000, description="/news/2026/03/02/slug/"),
    fields: str | None = Query(None, max_length=400),
):
    parts = article_path_parts(path)
    if parts is None:
        raise Problem("not-found", f"{path!r} is not the address of an article")
    day, slug = parts
    article = selectors.public_article(day=day, slug=slug)  # the article page's read
    request.api_last_modified = article.modified or article.updated
    return answer(request, _one_article(article, fields))


@router.get(
    "/articles/{article_id}",
    response=ArticleOut,
    auth=PUBLIC,
    openapi_extra=OPTIONAL,
    exclude_unset=True,
    summary="One article",
)
def article_detail(request, article_id: int, fields: str | None = Query(None, max_length=400)):
    article = _readable(_caller(request), article_id)
    request.api_last_modified = article.modified or article.updated
    return answer(request, _one_article(article, fields))


def _one_article(article: Article, fields: str | None) -> dict[str, Any]:
    """One article's data, with its related articles when ``fields`` names them (one query:
    the lists the article page reads)."""
    wanted = listing.fields_asked(fields, extra=("related",))
    if wanted is None or "related" not in wanted:
        return article_data(article, fields=wanted, stored=True)
    rest = wanted - {"related"}
    data = article_data(article, fields=rest, stored=True) if rest else {}
    data["related"] = [
        {
            "id": other.pk,
            "headline": other.headline,
            "url": absolute(other.get_absolute_url()),
            "path": other.get_absolute_url(),
            "pub_date": other.pub_date,
        }
        for other in related_articles(article)
    ]
    return data


@router.post("/articles", response={201: ArticleOut}, auth=TOKEN, summary="Write a new draft")
def article_create(request, data: ArticleIn):
    caller = _caller(request)
    caller.require("articles:write")
    fields, relations = _fields(caller, data.model_dump())
    article = services.article_create(acting_user=caller.user, **fields, **relations)
    return Status(201, article_data(_fetched(article.pk), stored=True))


@router.patch(
    "/articles/{article_id}",
    response=ArticleOut,
    auth=TOKEN,
    summary="Change an article's text or metadata",
)
def article_update(request, article_id: int, data: ArticlePatch):
    caller = _caller(request)
    caller.require("articles:write")
    article = _readable(caller, article_id)
    fields, relations = _fields(caller, data.model_dump(exclude_unset=True))
    services.article_update(article=article, acting_user=caller.user, **fields, **relations)
    return article_data(_fetched(article.pk), stored=True)


@router.delete(
    "/articles/{article_id}",
    response={204: None},
    auth=TOKEN,
    summary="Delete an article for good (administrators)",
)
def article_delete(request, article_id: int):
    caller = _caller(request)
    caller.require("articles:publish")
    services.article_delete(article=_readable(caller, article_id), acting_user=caller.user)
    return Status(204, None)


@router.post(
    "/articles/{article_id}/transitions",
    response=ArticleOut,
    auth=TOKEN,
    summary="Move an article through the workflow",
)
def article_transition(request, article_id: int, data: TransitionIn):
    caller = _caller(request)
    caller.require("articles:write" if data.transition == "submit" else "articles:publish")
    article = _readable(caller, article_id)
    when = data.at
    if when is not None and data.transition not in (*publishing.DATED, "publish"):
        raise Problem(
            "validation-error",
            f"{data.transition!r} takes no date",
            errors=[{"field": "at", "message": "leave it out"}],
        )
    services.article_transition(
        verb=data.transition, article=article, acting_user=caller.user, note=data.note, when=when
    )
    return article_data(_fetched(article.pk), stored=True)


@router.post(
    "/articles/{article_id}/review-links",
    response={201: ReviewLinkOut},
    auth=TOKEN,
    summary="A signed address showing the article to someone without an account",
)
def review_link_create(request, article_id: int, data: ReviewLinkIn):
    caller = _caller(request)
    caller.require("articles:write")
    article = _readable(caller, article_id)
    link, token = services.review_link_create(
        article=article,
        acting_user=caller.user,
        expires=dt.timedelta(hours=data.expires_in_hours),
        label=data.label,
    )
    url = review_links.review_link_url(token)
    return Status(201, {"id": link.pk, "url": url, "expires": link.expires, "label": link.label})


@router.delete(
    "/review-links/{link_id}", response={204: None}, auth=TOKEN, summary="Revoke a review link"
)
def review_link_revoke(request, link_id: int):
    caller = _caller(request)
    caller.require("articles:write")
    from newscenter.news.models import ReviewLink

    link = get_object_or_404(ReviewLink.objects.select_related("article"), pk=link_id)
    _readable(caller, link.article_id)
    services.review_link_revoke(link=link, acting_user=caller.user)
    return Status(204, None)


@router.post(
    "/articles/{article_id}/revisions/{number}/restore",
    response=ArticleOut,
    auth=TOKEN,
    summary="Restore an earlier revision as a new one",
)
def revision_restore(request, article_id: int, number: int):
    caller = _caller(request)
    caller.require("articles:write")
    article = _readable(caller, article_id)
    revision = get_object_or_404(article.revisions, number=number)
    services.revision_restore(article=article, revision=revision, acting_user=caller.user)
    return article_data(_fetched(article.pk), stored=True)


# --- helpers ---------------------------------------------------------------------------------


def _subject(section: str | None, tag: str | None, author: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    models: tuple[tuple[str, Any, str | None], ...] = (
        ("section", Section, section),
        ("tag", Tag, tag),
        ("author", Author, author),
    )
    for name, model, slug in models:
        if slug is not None:
            try:
                found[name] = selectors.listing_subject(model, slug)  # a prepared read
            except Http404:
                raise Problem(
                    "validation-error",
                    f"there is no {name} {slug!r}",
                    errors=[{"field": name, "message": "unknown slug"}],
                ) from None
    return found


def _with_relations() -> QuerySet[Article]:
    """With what article_data(..., stored=True) shows (tags and authors are in the row)."""
    return Article.objects.select_related("section", "lead_image")


def _unpublished_visible(caller: Caller, articles: QuerySet[Article]) -> QuerySet[Article]:
    """What the token's user sees of unpublished work in the desk."""
    role = policy.role_of(caller.user)
    if role is None:
        return articles.none()
    if role >= policy.Role.EDITOR:
        return articles
    return articles.filter(created_by=caller.user)


def _readable(caller: Caller, article_id: int) -> Article:
    article = _with_relations().filter(pk=article_id).first()
    if article is None:
        raise Problem("not-found", f"there is no article {article_id}")
    if publishing.is_public(article):
        return article
    if caller.has("articles:read") or caller.has("articles:write"):
        visible = _unpublished_visible(caller, Article.objects.filter(pk=article_id))
        if visible.exists():
            return article
    # Unpublished work is indistinguishable from nothing without the right to see it.
    raise Problem("not-found", f"there is no article {article_id}")


def _fetched(article_id: int) -> Article:
    return _with_relations().get(pk=article_id)


def _total(count: Callable[[], int], subject: dict[str, Any], *, narrowed: bool) -> int:
    """How many articles the listing holds, for its first page; the cursor carries it on.
    Every public article: the count kept after each change, no COUNT over the table; one
    tag's or author's: its entries counted along their index, no article read; else
    ``count()``."""
    if narrowed or subject.get("section") is not None:
        return count()
    if not subject:
        return tallies.public_count()
    listed = selectors.listed_count(tag=subject.get("tag"), author=subject.get("author"))
    return count() if listed is None else listed


def _edition(articles: QuerySet[Article], lang: str | None) -> QuerySet[Article]:
    """The articles of one of the site's languages (``lang=de`` takes ``de-AT`` too)."""
    if lang is None:
        return articles
    return articles.filter(site_languages().edition_filter(listing.edition_asked(lang)))


def _filtered(articles, language, published_after, published_before, updated_since):
    if language:
        articles = articles.filter(language=language)
    if published_after is not None:
        articles = articles.filter(pub_date__gte=published_after)
    if published_before is not None:
        articles = articles.filter(pub_date__lt=published_before)
    if updated_since is not None:
        articles = articles.filter(updated__gte=updated_since)
    return articles


def _fields(caller: Caller, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model fields and the relations the services take, names looked up or created."""
    user = caller.user
    fields = {
        k: ("" if v is None and k != "lead_image" else v)
        for k, v in data.items()
        if k not in ("section", "tags", "authors", "lead_image")
    }
    for name in ("source_url", "canonical_url"):
        if name in fields:
            fields[name] = str(fields[name])
    if "section" in data:
        fields["section"] = _section(data["section"], user)
    if "lead_image" in data:
        fields["lead_image"] = _image(data["lead_image"])
    relations: dict[str, Any] = {}
    if data.get("tags") is not None:
        relations["tags"] = [
            services.tag_get_or_create(name=n, acting_user=user) for n in data["tags"]
        ]
    if data.get("authors") is not None:
        relations["authors"] = [
            services.author_get_or_create(name=n, acting_user=user) for n in data["authors"]
        ]
    return fields, relations


def _section(value: str | None, user) -> Section | None:
    if not value:
        return None
    found = Section.objects.filter(slug=value).first()
    return found or services.section_get_or_create(name=value, acting_user=user)


def _image(value: int | None) -> Image | None:
    if value is None:
        return None
    image = Image.objects.filter(pk=value).first()
    if image is None:
        raise Problem(
            "validation-error",
            f"there is no library image {value}",
            errors=[{"field": "lead_image", "message": "unknown image"}],
        )
    return image


def latest_change() -> dt.datetime | None:
    latest: dt.datetime | None = Article.objects.published().aggregate(m=Max("updated"))["m"]
    return latest
