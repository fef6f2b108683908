"""The list of files a site exports, each with the fingerprint of what it is made from."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.urls import reverse

from newscenter.export.files import file_for
from newscenter.export.snapshot import Snapshot, fingerprint
from newscenter.export.urls import article_addresses, in_edition
from newscenter.feeds.syndication import FEED_LENGTH, FEED_TYPES
from newscenter.web import icons
from newscenter.web.sitemaps import NEWS_SITEMAPS, SITEMAPS
from newscenter.web.views import PAGE_SIZE

FEED_FILE_KIND = {"rss": "xml", "atom": "xml", "json": "json"}
SEARCH_INDEX_FILE = "articles.json"  # beside the search page


@dataclass(frozen=True)
class Page:
    path: str  # in DIR
    url: str  # on the site
    kind: str  # article, listing, feed, view, search-page, search-index, not-found, root
    args: tuple = ()
    fingerprint: str = ""
    articles: tuple[int, ...] = ()  # articles it renders whole (fetched before rendering)
    language: str = ""  # the edition it is in; "" the default language's


def plan(snapshot: Snapshot, related: dict[int, list[int]], site_fp: str) -> list[Page]:
    """Every file of the export: each edition's pages, feeds and search (``/news/...``,
    ``/de/news/...``), then the files the site has once. ``site_fp`` changes with settings,
    templates and code."""
    site = snapshot.languages
    pages = []
    for edition in site.all:
        with in_edition(site, edition):
            found = _edition(snapshot, related, site_fp, edition)
        tag = "" if edition == site.default else edition
        pages += [dataclasses.replace(page, language=tag) for page in found]
    with in_edition(site, site.default):
        pages += _site_files(snapshot, site_fp)
    return pages


def _edition(snapshot: Snapshot, related: dict[int, list[int]], site_fp: str, edition: str):
    """One edition's articles, listings (with their feeds), search page and search index.
    The default edition has a page for every section, tag and author; another edition for
    those it has articles of."""
    digests = snapshot.digests
    default = edition == snapshot.languages.default
    mine = snapshot.listing("index", None, edition)
    address = article_addresses()
    pages = [_article(snapshot, pk, related.get(pk, []), site_fp, address) for pk in mine]
    listings = [("index", None)] + [
        (kind, pk)
        for kind, objects in (
            ("section", snapshot.sections),
            ("tag", snapshot.tags),
            ("author", snapshot.authors),
        )
        for pk in objects
        if default or snapshot.listing(kind, pk, edition)
    ]
    for kind, pk in listings:
        ids = snapshot.listing(kind, pk, edition)
        subject = None if pk is None else snapshot.subject(kind, pk)
        base = subject.get_absolute_url() if subject else reverse("news:index")
        subject_fp = (kind, _subject_parts(subject), edition)
        pages += _listing_pages(kind, pk, base, ids, digests, (site_fp, subject_fp))
        for format_ in FEED_TYPES:
            newest = ids[:FEED_LENGTH]
            url = _feed_url(kind, subject, format_)
            fp = fingerprint(site_fp, subject_fp, format_, [digests[a] for a in newest])
            pages.append(
                Page(
                    file_for(url, FEED_FILE_KIND[format_]),
                    url,
                    "feed",
                    (format_, kind, pk),
                    fp,
                    tuple(newest),
                )
            )
    in_use = sorted({snapshot.rows[a]["section_id"] for a in mine} - {None})
    sections = [_subject_parts(snapshot.sections[s]) for s in in_use]
    mine_fp = fingerprint(site_fp, edition, [(pk, digests[pk]) for pk in mine])
    return [
        *pages,
        *_icons(site_fp),  # each edition's pages link its own addresses of them
        Page(
            file_for(reverse("news:search")),
            reverse("news:search"),
            "search-page",
            (),
            fingerprint(
                site_fp, edition, sections, [_subject_parts(s) for s in snapshot.sections.values()]
            ),
        ),
        Page(file_for(search_index_url()), search_index_url(), "search-index", (), mine_fp),
    ]


def _site_files(snapshot: Snapshot, site_fp: str) -> list[Page]:
    """What the site has once, whatever its languages: sitemaps (each names every edition's
    addresses), robots.txt, the 404 page and the root."""
    everything = fingerprint(site_fp, [(pk, snapshot.digests[pk]) for pk in snapshot.order])
    return [
        *_sitemaps(everything, snapshot),
        Page("robots.txt", "/robots.txt", "view", (), fingerprint(site_fp, "robots")),
        Page("404.html", "/404.html", "not-found", (), fingerprint(site_fp, "404")),
        Page("index.html", "/", "root", (), fingerprint(site_fp, "root")),
    ]


def _subject_parts(subject) -> tuple:
    if subject is None:
        return ()
    extra = getattr(subject, "description", "") or getattr(subject, "bio", "")
    return (subject.pk, subject.name, subject.slug, extra)


def _article(snapshot: Snapshot, pk: int, related: list[int], site_fp: str, address) -> Page:
    row = snapshot.rows[pk]
    url = address(row["pub_day"], row["slug"])
    fp = fingerprint(site_fp, snapshot.digests[pk], [(r, snapshot.digests[r]) for r in related])
    return Page(file_for(url), url, "article", (pk, tuple(related)), fp, (pk, *related))


def _listing_pages(kind, pk, base: str, ids: list[int], digests, context) -> list[Page]:
    """The listing's first page and its older pages, cut where the view cuts them.

    Page n (from 0) holds ids[20n:20n+20]; an older page is addressed by the last article
    of the page before it; "newer" points at the page before (the first page has no anchor).
    """
    pages = []
    chunks = [ids[i : i + PAGE_SIZE] for i in range(0, len(ids), PAGE_SIZE)] or [[]]
    for n, chunk in enumerate(chunks):
        url = base if n == 0 else f"{base}older/{chunks[n - 1][-1]}/"
        older = f"{base}older/{chunk[-1]}/" if n + 1 < len(chunks) else ""
        newer = "" if n == 0 else (base if n == 1 else f"{base}older/{chunks[n - 2][-1]}/")
        fp = fingerprint(context, older, newer, n, [(a, digests[a]) for a in chunk])
        args = (kind, pk, tuple(chunk), older, newer, n + 1)
        pages.append(Page(file_for(url), url, "listing", args, fp, tuple(chunk)))
    return pages


def _icons(site_fp: str) -> list[Page]:
    """The favicon, touch icon, the manifest's icons, the manifest and the print stylesheet
    (web.icons), rendered by their views: every page links them."""
    urls = [reverse("favicon"), reverse("touch-icon"), reverse("news:manifest")]
    urls.append(reverse("news:print-css"))  # made from the settings, like the icons
    urls += [reverse("news:icon", args=[size]) for size in icons.SIZES]
    return [Page(file_for(url), url, "view", (), fingerprint(site_fp, url)) for url in urls]


def _feed_url(kind: str, subject, format_: str) -> str:
    if subject is None:
        return reverse("news:feed", kwargs={"format": format_})
    return reverse(f"news:{kind}-feed", kwargs={"slug": subject.slug, "format": format_})


def _sitemaps(everything: str, snapshot: Snapshot) -> list[Page]:
    urls = [reverse("news:sitemap-index")]
    urls += [reverse("news:sitemap-section", kwargs={"section": name}) for name in SITEMAPS]
    pages = [Page(file_for(url), url, "view", (), everything) for url in urls]
    # The news sitemap covers the last 48 hours: it changes with the clock alone.
    for name in NEWS_SITEMAPS:
        url = reverse(f"news:sitemap-{name}")
        pages.append(Page(file_for(url), url, "view", (), fingerprint(everything, snapshot.now)))
    return pages


def search_index_url() -> str:
    """Where the exported search page finds its index: a file in the search page's folder."""
    return reverse("news:search") + SEARCH_INDEX_FILE
