"""An article as plain data: what the JSON API returns and webhooks send, in one place.

Addresses are absolute, on ``NEWSCENTER_BASE_URL`` (never a request's Host). Dates are ISO 8601
with their offset. Relations are small objects with the fields an integrator needs to show
or link them. The caller fetches what it shows (``selectors.public_articles`` prefetches
sections, authors and renditions; the API adds tags).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote

from django.urls import reverse

from newscenter.conf import site_url, site_urls
from newscenter.news import pictures, publishing
from newscenter.news.languages import site_languages
from newscenter.news.models import (
    Article,
    Author,
    Image,
    Rendition,
    Section,
    Tag,
    article_urls,
    slug_paths,
)
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
    stored: bool = False,
) -> dict[str, Any]:
    """``article`` as JSON-ready data; only ``fields`` when given (all by default).

    ``translations`` (``selectors.public_translations_of`` for a page of articles) saves a
    query per article; without it an article's translations are read when asked for.
    ``known``: fields a caller of many articles has already made as this function would (an
    import's webhooks make each tag's data once, not once per article), used as they are.
    ``stored``: as :class:`Stored` writes it (``known`` is not used then)."""
    wanted = fields or frozenset(ARTICLE_FIELDS)
    if stored:
        return Stored(translations).data(article, wanted)
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


class Stored:
    """``article_data`` for the API: the same fields with the same values, but the tags and
    authors from the article's ``labels``, the lead image's renditions from its
    ``rendition_list`` (no query, no row made for each), the dates as datetimes (for a JSON
    encoder that writes them), and what every address needs looked up once for the many
    articles of one answer. Related rows made and checked per article were two thirds of
    a page of the API's article list."""

    def __init__(self, translations: Translations | None = None) -> None:
        self.translations = translations
        self.article_path = article_urls()
        self.section_path = slug_paths("news:section")
        self.tag_path = slug_paths("news:tag")
        self.author_path = slug_paths("news:author")
        self.language = site_languages().default
        self.absolute = site_urls()
        self.urls: dict[tuple[Callable[[str], str], str], str] = {}

    def data(self, article: Article, wanted: frozenset[str] | None = None) -> dict[str, Any]:
        """One article's data, only the ``wanted`` fields (all by default)."""
        path = self.article_path(article) if wanted is None or wanted & _ADDRESSES else ""
        return {
            name: getter(self, article, path)
            for name, getter in _STORED.items()
            if wanted is None or name in wanted
        }

    def tags(self, article: Article) -> list[dict[str, Any]]:
        url = self._url
        return [
            named(pk, name, slug, url(self.tag_path, slug))
            for slug, name, _, pk in article.labels.get("tags", ())
        ]

    def authors(self, article: Article) -> list[dict[str, Any]]:
        url = self._url
        return [
            named(pk, name, slug, url(self.author_path, slug))
            for slug, name, pk in article.labels.get("authors", ())
        ]

    def section(self, article: Article) -> dict[str, Any] | None:
        section = article.section
        if section is None:
            return None
        url = self._url(self.section_path, section.slug)
        return named(section.pk, section.name, section.slug, url)

    def _url(self, path: Callable[[str], str], slug: str) -> str:
        """The absolute address of a section's, tag's or author's page, made once an answer
        (the same few recur on many articles)."""
        key = (path, slug)
        found = self.urls.get(key)
        if found is None:
            found = self.urls[key] = self.absolute(path(slug))
        return found

    def lead_image(self, article: Article) -> dict[str, Any] | None:
        image = article.lead_image if article.lead_image_id is not None else None
        if image is None:
            return None
        return image_data(image, alt=article.lead_image_alt_text, stored=True)

    def translations_of(self, article: Article) -> dict[str, dict[str, Any]]:
        found = self.translations
        if found is None:
            found = public_translations_of([article])
        return translations_data(found.get(article.pk, []))


_ADDRESSES = frozenset({"url", "path"})
_Getter = Callable[[Stored, Article, str], Any]
# In the order of ARTICLE_FIELDS, which is the order of the API's schema (ArticleOut).
_STORED: dict[str, _Getter] = {
    "id": lambda w, a, path: a.pk,
    "url": lambda w, a, path: w.absolute(path),
    "path": lambda w, a, path: path,
    "headline": lambda w, a, path: a.headline,
    "slug": lambda w, a, path: a.slug,
    "standfirst": lambda w, a, path: a.standfirst,
    "body": lambda w, a, path: a.body,
    "status": lambda w, a, path: a.status,
    "state": lambda w, a, path: publishing.state(a),
    "pub_date": lambda w, a, path: a.pub_date,
    "modified": lambda w, a, path: a.modified or a.updated,
    "language": lambda w, a, path: a.language or w.language,
    "section": lambda w, a, path: w.section(a),
    "tags": lambda w, a, path: w.tags(a),
    "authors": lambda w, a, path: w.authors(a),
    "lead_image": lambda w, a, path: w.lead_image(a),
    "source_name": lambda w, a, path: a.source_name,
    "source_url": lambda w, a, path: a.source_url,
    "canonical_url": lambda w, a, path: a.canonical_url,
    "translations": lambda w, a, path: w.translations_of(a),
}
assert tuple(_STORED) == ARTICLE_FIELDS


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


def named_data(url_name: str) -> Callable[[Section | Tag | Author], dict[str, Any]]:
    """``section_data``, ``tag_data`` or ``author_data`` (by the URL name of their pages,
    ``news:tag``) for the many rows of one list, its addresses' head looked up once."""
    path, absolute_url = slug_paths(url_name), site_urls()

    def data(row: Section | Tag | Author) -> dict[str, Any]:
        return named(row.pk, row.name, row.slug, absolute_url(path(row.slug)))

    return data


def named(pk: int, name: str, slug: str, url: str) -> dict[str, Any]:
    """A section, tag or author as the API and the webhooks give it (the schema's ``Named``)."""
    return {"id": pk, "name": name, "slug": slug, "url": url}


def listing_data(row: Section | Tag | Author) -> dict[str, Any]:
    return named(row.pk, row.name, row.slug, absolute(row.get_absolute_url()))


section_data = tag_data = author_data = listing_data


def image_data(image: Image, *, alt: str | None = None, stored: bool = False) -> dict[str, Any]:
    """The library image with every rendition, for ``srcset`` on another site; ``stored``:
    the renditions from the image's ``rendition_list``, not its rendition rows."""
    if stored:
        renditions = stored_renditions(image)
    else:
        renditions = [
            {
                "url": absolute_media(r.file.url),
                "width": r.width,
                "height": r.height,
                "format": r.format,
            }
            for r in image.renditions.all()
        ]
    return {
        "id": image.pk,
        "url": absolute_media(image.file.url),
        "width": image.width,
        "height": image.height,
        "alt": image.alt if alt is None else alt,
        "caption": image.caption,
        "credit": image.credit,
        "renditions": renditions,
    }


# The rows' order, which the API has always given: by format and width, and among a format's
# renditions of one width in the order they were made (renditions_make: the whole picture,
# then its crops in the order of CROPS), where ``rendition_list`` sorts by height.
_MADE = {"": 0, **{name: n for n, name in enumerate(pictures.CROPS, start=1)}}


def stored_renditions(image: Image) -> list[dict[str, Any]]:
    """The renditions of ``image`` as ``image_data`` gives them, from ``rendition_list``."""
    storage = Rendition._meta.get_field("file").storage
    kept = sorted(image.rendition_list, key=lambda r: (r[0], r[1], _MADE.get(r[3], len(_MADE))))
    return [
        {
            "url": absolute_media(pictures.file_url(storage, name)),
            "width": width,
            "height": height,
            "format": kind,
        }
        for kind, width, height, _, name in kept
    ]


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
        # The slug as the pages and the API write it (percent-encoded UTF-8, as reverse()
        # gives it) or as typed: a slug holds no "%" of its own, so decoding is safe.
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2])), unquote(parts[3])
    except ValueError:
        return None
