"""Everything the public site shows, read in a few bulk queries, with a digest per article.

An article's digest changes whenever anything any page shows of it may have changed: its
row (``updated`` moves on every save), its section, tags and authors as named now, and the
library images it shows (lead image and those in its body) with their renditions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from newscenter.news.languages import SiteLanguages
from newscenter.news.models import Article, Author, Image, Rendition, Section, SiteSettings, Tag

ARTICLE_FIELDS = (
    "id", "pub_date", "pub_day", "slug", "updated", "headline", "standfirst", "section_id",
    "lead_image_id", "language",
)  # fmt: skip
_IMG_SRC = re.compile(r'<img\s[^>]*?src="([^"]*)"')


def fingerprint(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


@dataclass
class Snapshot:
    now: dt.datetime
    site: SiteSettings
    order: list[int]  # public article ids, newest first (-pub_date, -id)
    rows: dict[int, dict]
    sections: dict[int, Section]
    tags: dict[int, Tag]
    authors: dict[int, Author]
    article_tags: dict[int, list[int]] = field(default_factory=dict)
    article_authors: dict[int, list[int]] = field(default_factory=dict)
    digests: dict[int, str] = field(default_factory=dict)

    groups: dict[tuple, list[int]] = field(default_factory=dict)
    editions: dict[int, str] = field(default_factory=dict)  # article -> its edition

    @property
    def languages(self) -> SiteLanguages:
        return SiteLanguages.of(self.site)

    def listing(self, kind: str, pk: int | None, edition: str | None = None) -> list[int]:
        """The public articles of the index (``kind`` "index"), a section, tag or author;
        with ``edition``, those of that edition only."""
        ids = self.order if kind == "index" else self.groups.get((kind, pk), [])
        if edition is None or not self.languages.several:
            return ids
        return [a for a in ids if self.editions[a] == edition]

    def subject(self, kind: str, pk: int) -> Section | Tag | Author:
        if kind == "section":
            return self.sections[pk]
        return self.tags[pk] if kind == "tag" else self.authors[pk]


def take(now: dt.datetime) -> Snapshot:
    site = SiteSettings.load()
    public = Article.objects.published(at=now).order_by("-pub_date", "-id")
    rows = {row["id"]: row for row in public.values(*ARTICLE_FIELDS)}
    snapshot = Snapshot(
        now=now,
        site=site,
        order=list(rows),
        rows=rows,
        sections={s.pk: s for s in Section.objects.all()},
        tags={t.pk: t for t in Tag.objects.all()},
        authors={a.pk: a for a in Author.objects.all()},
    )
    for pk, tag in Article.tags.through.objects.order_by("id").values_list("article_id", "tag_id"):
        if pk in rows:
            snapshot.article_tags.setdefault(pk, []).append(tag)
    for pk, author in Article.authors.through.objects.order_by("id").values_list(
        "article_id", "author_id"
    ):
        if pk in rows:
            snapshot.article_authors.setdefault(pk, []).append(author)
    site_languages = snapshot.languages
    snapshot.editions = {pk: site_languages.edition_of(row["language"]) for pk, row in rows.items()}
    for pk in snapshot.order:  # newest first, so each group is in listing order
        keys = [("section", rows[pk]["section_id"])]
        keys += [("tag", t) for t in snapshot.article_tags.get(pk, ())]
        keys += [("author", a) for a in snapshot.article_authors.get(pk, ())]
        for key in keys:
            snapshot.groups.setdefault(key, []).append(pk)
    body_images = _body_images(public)
    images = _image_digests({r["lead_image_id"] for r in rows.values()}, body_images)
    for pk, row in rows.items():
        snapshot.digests[pk] = fingerprint(
            [row[name] for name in ARTICLE_FIELDS],
            _named(snapshot.sections.get(row["section_id"])),
            [_named(snapshot.tags[t]) for t in snapshot.article_tags.get(pk, ())],
            [_named(snapshot.authors[a]) for a in snapshot.article_authors.get(pk, ())],
            images.get(row["lead_image_id"]),
            sorted(images.get(name, "") for name in body_images.get(pk, ())),
        )
    return snapshot


def _named(obj) -> tuple:
    if obj is None:
        return ()
    return (obj.pk, obj.name, obj.slug, getattr(obj, "description", ""), getattr(obj, "bio", ""))


def _body_images(public) -> dict[int, set[str]]:
    """The media names each body's ``<img>`` tags point at (only bodies with one are read)."""
    found = {}
    prefix = settings.MEDIA_URL
    for pk, body in public.filter(body__contains="<img").values_list("id", "body"):
        names = {src[len(prefix) :] for src in _IMG_SRC.findall(body) if src.startswith(prefix)}
        if names:
            found[pk] = names
    return found


def _image_digests(lead_ids: set, body_images: dict[int, set[str]]) -> dict:
    """Digests of the library images shown, by id (lead images) and by file name (bodies)."""
    names = set().union(*body_images.values()) if body_images else set()
    images = Image.objects.filter(
        Q(pk__in=lead_ids - {None}) | Q(file__in=names) | Q(renditions__file__in=names)
    ).distinct()
    rows = list(images.values_list("id", "file", "width", "height", "alt", "caption", "credit"))
    renditions: dict[int, list] = {}
    for image, *rest in Rendition.objects.filter(image__in=[r[0] for r in rows]).values_list(
        "image_id", "width", "format", "file"
    ):
        renditions.setdefault(image, []).append(rest)
    digests: dict = {}
    for row in rows:
        value = fingerprint(row, sorted(renditions.get(row[0], [])))
        digests[row[0]] = value
        digests[row[1]] = value
        for _, _, file in renditions.get(row[0], []):
            digests[file] = value
    return digests
