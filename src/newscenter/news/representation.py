"""An article as plain data: what the JSON API returns and webhooks send, in one place.

Addresses are absolute, on ``NEWSCENTER_BASE_URL`` (never a request's Host). Dates are ISO 8601
with their offset. Relations are small objects with the fields an integrator needs to show
or link them. The caller fetches what it shows (``selectors.public_articles`` prefetches
sections, authors and renditions; the API adds tags).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from newscenter.conf import site_url
from newscenter.news import publishing
from newscenter.news.languages import site_languages
from newscenter.news.models import Article, Author, Image, Section, Tag
from newscenter.news.selectors import public_translations_of

ARTICLE_FIELDS = (
    "id", "url", "path", "headline", "slug", "standfirst", "body", "status", "state",
    "pub_date", "modified", "language", "section", "tags", "authors", "lead_image",
    "source_name", "source_url", "canonical_url", "translations",
)  # fmt: skip

# A translations map: for an article's id, its group's other public articles.
Translations = dict[int, list[Article]]


def absolute(path: str) -> str:
    return site_url(path)


def article_data(
    article: Article,
    *,
    fields: frozenset[str] | None = None,
    translations: Translations | None = None,
    known: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``article`` as JSON-ready data; only ``fields`` when given (all by default).

    ``translations`` (``selectors.public_translations_of`` for a page of articles) saves a
    query per article; without it an article's translations are read when asked for.
    ``known``: fields a caller of many articles has already made as this function would (an
    import's webhooks make each tag's data once, not once per article), used as they are."""
    wanted = fields or frozenset(ARTICLE_FIELDS)
    data: dict[str, Any] = {}
    # The address is reversed once for "url" and "path" (an import's webhooks ask thousands).
    path = article.get_absolute_url() if wanted & {"url", "path"} else ""
    for name in ARTICLE_FIELDS:
        if name == "translations" and name in wanted:
            found = translations if translations is not None else public_translations_of([article])
            data[name] = translations_data(found.get(article.pk, []))
        elif name == "url" and name in wanted:
            data[name] = absolute(path)
        elif name == "path" and name in wanted:
            data[name] = path
        elif known is not None and name in known and name in wanted:
            data[name] = known[name]
        elif name in wanted:
            data[name] = _field(article, name)
    return data


def translations_data(members: list[Article]) -> dict[str, dict[str, Any]]:
    """The article in the site's other languages: edition -> its public translation there."""
    return {
        member.edition: {
            "id": member.pk,
            "url": absolute(member.get_absolute_url()),
            "path": member.get_absolute_url(),
        }
        for member in members
    }


def _field(article: Article, name: str) -> Any:
    if name == "url":
        return absolute(article.get_absolute_url())
    if name == "path":
        return article.get_absolute_url()
    if name == "id":
        return article.pk
    if name == "state":
        return publishing.state(article)
    if name in ("pub_date", "modified"):
        moment = article.pub_date if name == "pub_date" else (article.modified or article.updated)
        return moment.isoformat() if moment else None
    if name == "section":
        return section_data(article.section) if article.section is not None else None
    if name == "tags":
        return [tag_data(tag) for tag in article.tags.all()]
    if name == "authors":
        return [author_data(author) for author in article.authors.all()]
    if name == "language":
        # An article with no language of its own is in the site's default one.
        return article.language or site_languages().default
    if name == "lead_image":
        image = article.lead_image
        return image_data(image, alt=article.lead_image_alt_text) if image is not None else None
    return getattr(article, name)


def section_data(section: Section) -> dict[str, Any]:
    return {
        "id": section.pk,
        "name": section.name,
        "slug": section.slug,
        "url": absolute(section.get_absolute_url()),
    }


def tag_data(tag: Tag) -> dict[str, Any]:
    return {
        "id": tag.pk,
        "name": tag.name,
        "slug": tag.slug,
        "url": absolute(tag.get_absolute_url()),
    }


def author_data(author: Author) -> dict[str, Any]:
    return {
        "id": author.pk,
        "name": author.name,
        "slug": author.slug,
        "url": absolute(author.get_absolute_url()),
    }


def image_data(image: Image, *, alt: str | None = None) -> dict[str, Any]:
    """The library image with every rendition, for ``srcset`` on another site."""
    return {
        "id": image.pk,
        "url": absolute_media(image.file.url),
        "width": image.width,
        "height": image.height,
        "alt": image.alt if alt is None else alt,
        "caption": image.caption,
        "credit": image.credit,
        "renditions": [
            {
                "url": absolute_media(r.file.url),
                "width": r.width,
                "height": r.height,
                "format": r.format,
            }
            for r in image.renditions.all()
        ],
    }


def absolute_media(url: str) -> str:
    """Media URLs are absolute already on object storage, relative to the site otherwise."""
    return url if url.startswith(("http://", "https://")) else absolute(url)


def article_path_parts(path: str) -> tuple[dt.date, str] | None:
    """The day and slug an article address names ("/news/2026/03/02/slug/", or under another
    edition's prefix "/de/news/..."), or None."""
    prefix = reverse("news:index")
    first, _, rest = path.lstrip("/").partition("/")
    site = site_languages()
    if site.several and site.find(first) not in (None, site.default):
        path = "/" + rest  # "/de/news/...": an address of another edition
    if not path.startswith(prefix):
        return None
    parts = path[len(prefix) :].strip("/").split("/")
    if len(parts) != 4 or not all(part.isdigit() for part in parts[:3]):
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2])), parts[3]
    except ValueError:
        return None
