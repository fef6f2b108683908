"""What a saved web page says about itself: headline, dates, description, people, image, identity.

Read from the page's own declarations, most explicit first: JSON-LD, then OpenGraph and
Twitter cards, then classic meta tags, then ``<time>`` elements and a date line under the
headline, then ``<title>`` and ``<h1>``. Pure: the document is an lxml tree parsed from bytes
we were given; nothing is fetched, and every loop and JSON document is bounded.
"""

# Typographic dashes, quotes and full-width stops below are deliberate: titles use them.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from newscenter.importers.parsers.dates import DATE_LINE_CHARS
from newscenter.importers.parsers.html_jsonld import jsonld_article, jsonld_layer, page_language
from newscenter.importers.parsers.html_values import (
    HEADLINE_CHARS,
    MAX_AUTHORS,
    MAX_TAGS,
    NAME_CHARS,
    STANDFIRST_CHARS,
    TAG_CHARS,
    Dates,
    Layer,
    http_url,
    names_from,
    squash,
)

DATE_AFTER_HEADLINE = 12  # elements after the h1 searched for a visible date line

_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "date", "dc.date",
    "dc.date.issued", "dcterms.date", "dcterms.issued", "dcterms.created", "pubdate",
    "publishdate", "publish-date", "publication_date", "article.published",
    "citation_publication_date", "citation_date", "sailthru.date", "parsely-pub-date",
)  # fmt: skip
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—·•»/]|-{1,2}|::)\s+")
_SENTENCE_END = re.compile(r"[.!?。！？]['\"”’»)]*\s+(?=[\"“„«¿¡(]?[^\W_a-z])")
_TIME_PATHS = ("//*[@itemprop='datePublished']", "//time[@pubdate]", "//article//time[@datetime]",
               "//main//time[@datetime]")  # fmt: skip


@dataclass
class PageMeta:
    headline: str = ""
    pub_date: dt.datetime | None = None
    modified: dt.datetime | None = None
    standfirst: str = ""
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    section: str = ""
    language: str = ""
    image_url: str = ""
    image_alt: str = ""
    source_name: str = ""
    canonical_url: str = ""
    # The page's translations: hreflang alternates (absolute URLs), x-default left out.
    alternates: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_meta(doc: HtmlElement, *, zone: ZoneInfo) -> PageMeta:
    notes: list[str] = []
    dates = Dates(zone)
    metas = meta_values(doc)
    article, graph = jsonld_article(doc, notes)
    social = _social_layer(metas, dates)
    layers = [jsonld_layer(article, graph, dates), social, _meta_layer(metas, dates)]
    site = social["site"] or layers[0].get("site") or ""  # the name readers know the site by
    published = _first(layers, "published") or _time_element_date(doc, dates)
    published = published or _date_after_headline(doc, dates)
    modified = _first(layers, "modified")
    if published is None and modified:
        notes.append(f"the page gives only a modification date ({modified:%Y-%m-%d}); left undated")
    image_url, image_alt = _first(layers, "image") or ("", "")
    return PageMeta(
        headline=_headline(layers, doc, site, notes),
        pub_date=published,
        modified=modified if published else None,
        standfirst=standfirst_from(_first(layers, "description") or ""),
        authors=(_first(layers, "authors") or [])[:MAX_AUTHORS],
        tags=(_first(layers, "tags") or [])[:MAX_TAGS],
        section=(_first(layers, "section") or "")[:TAG_CHARS],
        language=page_language(article, doc, metas),
        image_url=image_url,
        image_alt=image_alt[:HEADLINE_CHARS],
        source_name=site[:NAME_CHARS],
        canonical_url=(canonical := _canonical_url(doc, metas, notes)),
        alternates=_alternates(doc, canonical),
        notes=notes,
    )


def _first(layers: list[Layer], key: str) -> Any:
    return next((layer[key] for layer in layers if layer.get(key)), None)


# --- OpenGraph, Twitter cards and meta tags ------------------------------------------------


def meta_values(doc: HtmlElement) -> dict[str, list[str]]:
    """Every ``<meta>`` content by its lower-cased property, name or itemprop, in page order."""
    values: dict[str, list[str]] = {}
    for meta in doc.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        content = meta.get("content")
        if key.strip() and content and content.strip():
            values.setdefault(key.strip().lower(), []).append(content.strip())
    return values


def _one(metas: dict[str, list[str]], *keys: str) -> str:
    return next((squash(metas[key][0]) for key in keys if key in metas), "")


def _social_layer(metas: dict[str, list[str]], dates: Dates) -> Layer:
    image = http_url(_one(metas, "og:image", "og:image:url", "og:image:secure_url"))
    alt = _one(metas, "og:image:alt")
    if not image:
        image, alt = http_url(_one(metas, "twitter:image", "twitter:image:src")), ""
    return {
        "headline": _one(metas, "og:title", "twitter:title"),
        "published": dates.read(_one(metas, "article:published_time")),
        "modified": dates.read(_one(metas, *_MODIFIED_META)),
        "description": _one(metas, "og:description", "twitter:description"),
        "authors": names_from(metas.get("article:author", [])),
        "tags": names_from([tag[:TAG_CHARS] for tag in metas.get("article:tag", [])]),
        "section": _one(metas, "article:section"),
        "image": (image, alt or _one(metas, "twitter:image:alt")) if image else None,
        "site": _one(metas, "og:site_name"),
    }


def _meta_layer(metas: dict[str, list[str]], dates: Dates) -> Layer:
    published = next(
        (parsed for key in _PUBLISHED_META if (parsed := dates.read(_one(metas, key)))), None
    )
    return {
        "published": published,
        "description": _one(metas, "description", "dc.description", "dcterms.description"),
        "authors": names_from(metas.get("author", []) or metas.get("dc.creator", [])),
    }


def _canonical_url(doc: HtmlElement, metas: dict[str, list[str]], notes: list[str]) -> str:
    links = [
        link.get("href")
        for link in doc.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href")
    ]
    for candidate in links[:1] + metas.get("og:url", [])[:1]:
        url = http_url(candidate)
        if url and urlsplit(url).path.strip("/"):
            return url
        if url:  # every page of a misconfigured site names the home page: not an identity
            notes.append(f"the page names the site's home page as its address ({url}); ignored")
    return ""


MAX_ALTERNATES = 50  # languages a page names; more is not a site's translations


def _alternates(doc: HtmlElement, base: str) -> list[str]:
    """The addresses of the page in other languages (``<link rel="alternate" hreflang>``),
    relative ones resolved against the page's own address."""
    found: list[str] = []
    for link in doc.iter("link"):
        if "alternate" not in (link.get("rel") or "").lower().split():
            continue
        language = (link.get("hreflang") or "").strip().lower()
        if not language or language == "x-default":
            continue
        url = http_url(urljoin(base, link.get("href") or "") if base else link.get("href"))
        if url and url not in found:
            found.append(url)
        if len(found) == MAX_ALTERNATES:
            break
    return found


# --- dates in the page, the headline ---------------------------------------------------------


def _time_element_date(doc: HtmlElement, dates: Dates) -> dt.datetime | None:
    """A ``<time>`` that is the article's: marked as such, inside <article> or <main>, or alone."""
    for path in _TIME_PATHS:
        for element in doc.xpath(path)[:3]:
            parsed = dates.read(element.get("datetime") or element.get("content"))
            if parsed is not None:
                return parsed
    times = doc.xpath("//time[@datetime]")
    return dates.read(times[0].get("datetime")) if len(times) == 1 else None


def _date_after_headline(doc: HtmlElement, dates: Dates) -> dt.datetime | None:
    """A visible date line just under the headline: "Published 5 March 2024"."""
    h1 = first_h1(doc)
    if h1 is None:
        return None
    for element in h1.xpath(f"following::*[position() <= {DATE_AFTER_HEADLINE}]"):
        text = squash(element.text_content()[: DATE_LINE_CHARS * 2])
        if text and len(text) <= DATE_LINE_CHARS and (parsed := dates.read_words(text)):
            return parsed
    return None


def first_h1(doc: HtmlElement) -> HtmlElement | None:
    found = doc.xpath("(//article//h1 | //main//h1)[1]") or doc.xpath("//h1[1]")
    return next((h1 for h1 in found if squash(h1.text_content())), None)


def _headline(layers: list[Layer], doc: HtmlElement, site: str, notes: list[str]) -> str:
    found = _first(layers, "headline") or _title_or_h1(doc, site)
    headline = _strip_site(found, site)
    if len(headline) > HEADLINE_CHARS:
        notes.append(f"the headline was cut to {HEADLINE_CHARS} characters")
        headline = headline[: HEADLINE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return headline


def _title_or_h1(doc: HtmlElement, site: str) -> str:
    """The title without the site's name, unless the h1 is clearly the article's headline."""
    full_title = _strip_site(squash(doc.findtext(".//title") or ""), site)
    title = _drop_short_suffix(full_title)
    h1 = first_h1(doc)
    heading = squash(h1.text_content()) if h1 is not None else ""
    if heading and (
        _is_part_of(heading, full_title)  # "Headline | Site"
        or (h1 is not None and h1.xpath("boolean(ancestor::article | ancestor::main)"))
        or len(title.split()) < 3 <= len(heading.split())  # the title is only the site's name
    ):
        return heading
    return title or heading


def _is_part_of(heading: str, title: str) -> bool:
    """ "Headline | Site": the h1 is the title or one of its parts, and more than a logo."""
    parts = [part.casefold() for part in [title, *_TITLE_SEPARATOR.split(title)]]
    return len(heading.split()) >= 3 and heading.casefold() in parts


def _strip_site(headline: str, site: str) -> str:
    """ "Headline | Site" and "Site - Headline" without the site's name."""
    separators = list(_TITLE_SEPARATOR.finditer(headline))
    if not site or not separators:
        return headline
    first, last = separators[0], separators[-1]
    if headline[last.end() :].casefold() == site.casefold():
        return headline[: last.start()]
    if headline[: first.start()].casefold() == site.casefold():
        return headline[first.end() :]
    return headline


def _drop_short_suffix(title: str) -> str:
    """ "Headline | Unknown Site": a short last part after a separator is the site's name."""
    matches = list(_TITLE_SEPARATOR.finditer(title))
    if not matches:
        return title
    head, tail = title[: matches[-1].start()], title[matches[-1].end() :]
    return head if len(tail.split()) <= 4 and len(head.split()) >= 3 else title


def standfirst_from(description: str) -> str:
    """One or two sentences: descriptions are sometimes the whole text, or cut mid-sentence."""
    text = squash(description[: STANDFIRST_CHARS * 4])
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    if text.endswith(("…", "...")):
        return text[: ends[-1]].strip() if ends else ""
    if len(ends) >= 2 and len(text) > 300:
        text = text[: ends[1]].strip()
    if len(text) > STANDFIRST_CHARS:  # one endless sentence
        text = text[: STANDFIRST_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return text
