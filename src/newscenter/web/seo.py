"""What search engines and link previews read in a page's head.

Canonical URL, description, OpenGraph and Twitter card tags and schema.org JSON-LD, built
from the article and the site settings. Every URL is absolute, on the site's configured
address (``conf.site_url``), whatever Host the reader's request named.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import unicodedata
from typing import Any

from babel.core import get_global as babel_global
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.fields.files import ImageFieldFile
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from newscenter.conf import site_url
from newscenter.news import models as library
from newscenter.news import pictures, publishing, selectors
from newscenter.news.models import Article, Author, Section, SiteSettings, Tag
from newscenter.news.rendering import escape
from newscenter.web.paths import site_path

DESCRIPTION_MAX_LENGTH = 300
SCHEMA_CONTEXT = "https://schema.org"


@dataclasses.dataclass(frozen=True)
class Image:
    url: str
    width: int | None
    height: int | None
    alt: str
    # A wide picture fills a large link-preview card; a square logo looks better small.
    wide: bool = True


@dataclasses.dataclass(frozen=True)
class PageMeta:
    """Everything head_html writes into a page's head."""

    og_type: str
    title: str
    description: str
    url: str  # og:url: the canonical URL, or the address itself on a page kept out of search
    canonical_url: str  # empty on a page kept out of search
    site_name: str
    locale: str
    image: Image | None
    locale_alternates: tuple[str, ...] = ()  # og:locale:alternate: published translations
    published: str = ""
    modified: str = ""
    section: str = ""
    tags: tuple[str, ...] = ()
    structured_data: tuple[dict, ...] = ()

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image and self.image.wide else "summary"


# Pages


def article_page(request, article: Article, site: SiteSettings) -> PageMeta:
    canonical = article_canonical_url(article)
    tags = tuple(tag.name for tag in article.shown_tags)
    others = [a for a in selectors.public_translations(article) if a.pk != article.pk]
    return PageMeta(
        og_type="article",
        title=article.headline,
        description=plain_description(article.standfirst),
        url=canonical,
        canonical_url=canonical,
        site_name=site.site_name,
        locale=og_locale(article_language(article, site)),
        locale_alternates=tuple(og_locale(a.edition) for a in others),
        image=lead_image(article) or site_image(site),
        published=iso_datetime(article.pub_date),
        modified=iso_datetime(date_modified(article)),
        section=article.section.name if article.section else "",
        tags=tags,
        structured_data=(
            news_article(
                article, site, canonical_url=canonical, keywords=tags, translations=others
            ),
            breadcrumb_list(article_trail(article, site)),
        ),
    )


def listing_page(
    request,
    site: SiteSettings,
    *,
    title: str = "",
    subject: Section | Tag | Author | None = None,
    description: str = "",
    articles: list[Article] | tuple[Article, ...] = (),
) -> PageMeta:
    """The index, or the articles of one section, tag or author (``subject``): a
    ``CollectionPage`` listing ``articles``, or an author's ``ProfilePage``."""
    canonical = listing_canonical_url(request)
    trail = [index_crumb(site)]
    if subject is not None:
        trail.append((subject.name, site_url(subject.get_absolute_url())))
    page_title = title or site.section_title
    if isinstance(subject, Author):
        page = profile_page(subject, url=canonical)
    else:
        page = collection_page(page_title, url=canonical, articles=articles)
    # A trail of one (the index alone) is no breadcrumb: search engines ask for two.
    crumbs = (breadcrumb_list(trail),) if len(trail) > 1 else ()
    return PageMeta(
        og_type="website",
        title=page_title,
        description=plain_description(
            listing_description(site, subject=subject, shown=description)
        ),
        url=canonical,
        canonical_url=canonical,
        site_name=site.site_name,
        locale=og_locale(site.language),
        image=author_image(subject) if isinstance(subject, Author) else site_image(site),
        structured_data=(page, *crumbs),
    )


def site_page(request, site: SiteSettings, *, title: str = "") -> PageMeta:
    """Any other page: what the site says about itself, with no claim to a canonical URL."""
    return PageMeta(
        og_type="website",
        title=title or site.section_title,
        description=plain_description(site.tagline),
        url=site_url(request.get_full_path()),
        canonical_url="",
        site_name=site.site_name,
        locale=og_locale(site.language),
        image=site_image(site),
    )


def kept_out_of_search(request, meta: PageMeta) -> PageMeta:
    """A noindex page names no canonical URL and carries no structured data.

    A canonical URL on a noindex page sends search engines contradictory signals, and
    structured data there would describe a page that must not be listed.
    """
    return dataclasses.replace(
        meta, url=site_url(request.get_full_path()), canonical_url="", structured_data=()
    )


# URLs


def article_canonical_url(article: Article) -> str:
    # A republished item may name the original as canonical so that it, not we, ranks.
    return article.canonical_url or site_url(article.get_absolute_url())


def listing_canonical_url(request) -> str:
    """The page's own path: older pages have addresses of their own (``older/<id>/``), so any
    query parameter (tracking, an old ``?page=``) is dropped."""
    return site_url(request.path)


def index_crumb(site: SiteSettings) -> tuple[str, str]:
    return site.section_title, site_url(site_path("news:index"))


def article_trail(article: Article, site: SiteSettings) -> list[tuple[str, str]]:
    trail = [index_crumb(site)]
    if article.section:
        section_url = article.section.get_absolute_url()
        trail.append((article.section.name, site_url(section_url)))
    # Our own address, not canonical_url: the trail describes this site's hierarchy.
    trail.append((article.headline, site_url(article.get_absolute_url())))
    return trail


# Texts


def plain_description(text: str) -> str:
    return shortened(text, DESCRIPTION_MAX_LENGTH)


def shortened(text: str, length: int) -> str:
    """``text`` on one line, cut at ``length`` characters as ``Truncator.chars`` cuts it.

    Most standfirsts are shorter than the cut, and Truncator walks every character of them
    to find that out (3 of 5 s of an export's search index): a text no longer than
    ``length`` in its NFC form is what Truncator returns for it, so it is returned at once."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return text if len(text) <= length else Truncator(text).chars(length)


def listing_description(
    site: SiteSettings, *, subject: Section | Tag | Author | None, shown: str = ""
) -> str:
    """The section's description or the author's bio, else what the page shows, else the tagline."""
    own = ""
    if isinstance(subject, Section):
        own = subject.description
    elif isinstance(subject, Author):
        own = subject.bio
    return own.strip() or shown.strip() or site.tagline


def article_language(article: Article, site: SiteSettings) -> str:
    return article.language or site.language


@functools.lru_cache(maxsize=256)
def og_locale(language: str) -> str:
    """OpenGraph's ``language_TERRITORY``: ``de-CH`` becomes ``de_CH``, and a language named
    without a region gets its likeliest one from CLDR (``en`` -> ``en_US``, ``de`` -> ``de_DE``,
    ``zh-Hant`` -> ``zh_TW``), as OpenGraph has no form without one."""
    subtags = language.replace("_", "-").split("-")
    primary = subtags[0].lower()
    region = next((tag.upper() for tag in subtags[1:] if len(tag) == 2 and tag.isalpha()), "")
    if primary and not region:
        region = _likely_region("_".join([primary, *subtags[1:]])) or _likely_region(primary)
    return f"{primary}_{region}" if region and primary else primary


def _likely_region(tag: str) -> str:
    # CLDR's likely subtags, from Babel (installed with trafilatura, through courlan).
    likely = str(babel_global("likely_subtags").get(tag, ""))
    parts = likely.split("_")
    return next((part for part in parts[1:] if len(part) == 2 and part.isupper()), "")


# Dates


def date_modified(article: Article) -> dt.datetime | None:
    return publishing.last_change(article)


def iso_datetime(value: dt.datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


# Images


def image_from_field(field: ImageFieldFile, *, alt: str, wide: bool = True) -> Image:
    return Image(
        url=site_url(field.url),
        width=field.width,
        height=field.height,
        alt=alt,
        wide=wide,
    )


def image_from_library(image: library.Image, *, alt: str) -> Image:
    # The original rather than a rendition: link previews want JPEG or PNG (not every
    # unfurler reads WebP), and its stored size needs no file to be opened.
    return Image(
        url=site_url(image.file.url),
        width=image.width or None,
        height=image.height or None,
        alt=alt,
    )


def lead_image(article: Article) -> Image | None:
    if article.lead_image is None:
        return None
    return image_from_library(article.lead_image, alt=article.lead_image_alt_text)


def site_image(site: SiteSettings) -> Image | None:
    """The picture for a page without one of its own: the share image, else the logo, else
    the banner."""
    if site.share_image is not None:
        return image_from_library(site.share_image, alt=site.share_image.alt or site.site_name)
    if site.logo:
        return image_from_field(site.logo, alt=site.site_name, wide=False)
    if site.banner_image is not None:
        return image_from_library(site.banner_image, alt=site.banner_alt_text)
    return None


def author_image(author: Author) -> Image | None:
    return image_from_library(author.photo, alt=author.name) if author.photo else None


def structured_images(article: Article, site: SiteSettings) -> list[dict]:
    """``NewsArticle.image``: the lead image, else the site's share image, cut to 16x9, 4x3
    and 1x1 when it is wide enough (as Google asks), else whole; else the logo or banner."""
    library_image = article.lead_image or site.share_image
    if library_image is not None:
        cut = pictures.crops(library_image)
        if cut:
            return [
                image_object(Image(site_url(r.file.url), r.width, r.height, alt="")) for r in cut
            ]
        return [image_object(image_from_library(library_image, alt=""))]
    fallback = site_image(site)
    return [image_object(fallback)] if fallback else []


def image_object(image: Image) -> dict:
    data: dict[str, str | int] = {"@type": "ImageObject", "url": image.url}
    if image.width and image.height:
        data |= {"width": image.width, "height": image.height}
    return data


# schema.org


def organization(site: SiteSettings) -> dict:
    data: dict[str, Any] = {
        "@type": "Organization",
        "name": site.site_name,
        "url": site_url(site_path("news:index")),
    }
    if site.logo:
        data["logo"] = image_object(image_from_field(site.logo, alt=site.site_name))
    return data


def person(author: Author, *, full: bool = False) -> dict:
    """An author; ``full`` adds what the profile page shows (job title, photo, profiles)."""
    data: dict[str, Any] = {
        "@type": "Person",
        "name": author.name,
        "url": site_url(author.get_absolute_url()),
    }
    if not full:
        return data
    photo = author_image(author)
    optional = {
        "jobTitle": author.job_title,
        "description": plain_description(author.bio),
        "image": image_object(photo) if photo else None,
        "sameAs": [link for link in author.links if isinstance(link, str)],
    }
    return data | {key: value for key, value in optional.items() if value}


def item_list(articles: list[Article] | tuple[Article, ...]) -> dict:
    path = library.article_urls()  # article_canonical_url's, for each article at once
    return {
        "@type": "ItemList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "url": article.canonical_url or site_url(path(article)),
            }
            for position, article in enumerate(articles, start=1)
        ],
    }


def collection_page(name: str, *, url: str, articles: list[Article] | tuple[Article, ...]) -> dict:
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "CollectionPage",
        "name": name,
        "url": url,
        "mainEntity": item_list(articles),
    }


def profile_page(author: Author, *, url: str) -> dict:
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "ProfilePage",
        "url": url,
        "mainEntity": person(author, full=True),
    }


def news_article(
    article: Article,
    site: SiteSettings,
    *,
    canonical_url: str,
    keywords: tuple[str, ...] = (),
    translations: list[Article] | None = None,
) -> dict:
    publisher = organization(site)
    authors = [person(author) for author in article.shown_authors]
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": canonical_url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical_url},
        "datePublished": iso_datetime(article.pub_date),
        "dateModified": iso_datetime(date_modified(article)),
        # Without a byline the organisation speaks for itself, as search engines accept.
        "author": authors or [publisher],
        "publisher": publisher,
        "inLanguage": article_language(article, site),
    }
    optional = {
        "description": plain_description(article.standfirst),
        "image": structured_images(article, site),
        "isBasedOn": article.source_url,
        "articleSection": article.section.name if article.section else "",
        "keywords": list(keywords),
        **translation_links(article, translations or []),
    }
    return data | {key: value for key, value in optional.items() if value}


def translation_links(article: Article, translations: list[Article]) -> dict:
    """schema.org's links between a work and its translations, to published ones only:
    ``translationOfWork`` on a translation whose source is public, ``workTranslation`` on
    an article listing those published that were translated from it."""

    def work(other: Article) -> dict:
        url = site_url(other.get_absolute_url())
        return {"@type": "NewsArticle", "@id": url, "url": url, "inLanguage": other.edition}

    source = next((a for a in translations if a.pk == article.translated_from_id), None)
    made_from_it = [work(a) for a in translations if a.translated_from_id == article.pk]
    return {
        "translationOfWork": work(source) if source else None,
        "workTranslation": made_from_it,
    }


def breadcrumb_list(trail: list[tuple[str, str]]) -> dict:
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def json_ld(data: dict) -> SafeString:
    """JSON for a ``<script type="application/ld+json">`` element, as json_script escapes it.

    With ``<``, ``>`` and ``&`` written as \\u escapes, a headline holding ``</script>`` or
    ``<!--`` cannot end the element or start a comment; parsed, the JSON is unchanged.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    # Three replace() rather than one translate(): on text that is not all ASCII (a
    # typographic quote in a title) translate() looks every character up, 50 ns each.
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 (escaped just above)


def head_html(meta: PageMeta | None) -> SafeString:
    """The page's description, canonical link, OpenGraph and Twitter tags and JSON-LD, as
    markup: written here rather than by a template, whose lookups cost more than the rest of
    the page's head. Every value is escaped as a template escapes it, and the lines (empty
    ones included) are those the template web/_seo.html wrote, so that pages stay the same to
    the byte."""
    if not meta:
        return mark_safe("\n")
    lines = [""]  # what followed "{% if seo %}" on its line
    add = lines.append

    def tag(markup: str, value: str | int | None, *, always: bool = False) -> str:
        """The tag with the value in it; an empty line for an empty value, unless ``always``."""
        return markup.format(escape(str(value))) if value or always else ""

    described, image = meta.description, meta.image
    add(tag('<meta name="description" content="{}">', described))
    add(tag('<link rel="canonical" href="{}">', meta.canonical_url))
    add(tag('<meta property="og:type" content="{}">', meta.og_type, always=True))
    add(tag('<meta property="og:title" content="{}">', meta.title, always=True))
    add(tag('<meta property="og:description" content="{}">', described))
    add(tag('<meta property="og:url" content="{}">', meta.url, always=True))
    add(tag('<meta property="og:site_name" content="{}">', meta.site_name, always=True))
    add(tag('<meta property="og:locale" content="{}">', meta.locale))
    lines += [
        tag('<meta property="og:locale:alternate" content="{}">', locale)
        for locale in meta.locale_alternates
    ]
    add("")
    if image:
        add("")
        add(tag('<meta property="og:image" content="{}">', image.url, always=True))
        if image.width and image.height:
            add(tag('<meta property="og:image:width" content="{}">', image.width))
            add(tag('<meta property="og:image:height" content="{}">', image.height))
        else:
            add("")
        add(tag('<meta property="og:image:alt" content="{}">', image.alt))
    add("")
    add(tag('<meta property="article:published_time" content="{}">', meta.published))
    add(tag('<meta property="article:modified_time" content="{}">', meta.modified))
    add(tag('<meta property="article:section" content="{}">', meta.section))
    lines += [tag('<meta property="article:tag" content="{}">', name) for name in meta.tags]
    add("")
    add(tag('<meta name="twitter:card" content="{}">', meta.twitter_card, always=True))
    add(tag('<meta name="twitter:title" content="{}">', meta.title, always=True))
    add(tag('<meta name="twitter:description" content="{}">', described))
    if image:
        add(tag('<meta name="twitter:image" content="{}">', image.url, always=True))
    add(tag('<meta name="twitter:image:alt" content="{}">', image.alt) if image else "")
    add("")  # the template's comment line
    lines += [
        f'<script type="application/ld+json">{json_ld(data)}</script>'
        for data in meta.structured_data
    ]
    lines += ["", "", ""]  # the for loop's end, "{% endif %}" and the file's last newline
    return mark_safe("\n".join(lines))  # noqa: S308 (every value escaped above)
