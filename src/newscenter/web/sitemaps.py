"""Sitemaps for search engines: declarative classes on ``django.contrib.sitemaps``.

Every class starts from ``Article.objects.published()``, so drafts and scheduled articles
never appear, and reads only the columns its URLs need: a sitemap page costs the same few
queries whether it lists five URLs or fifty thousand.

The index reads a summary kept after each change (``news.summaries``: each sitemap's latest
change and number of pages), in one query and a check that no scheduled article has gone
live since. When that summary does not hold, it counts no table and groups no articles
either: the number of public articles comes from a count kept after each change
(``news.tallies``: the ``Tally`` of timed articles) less the scheduled ones still to come;
the pages of the articles' sitemap from marks kept with their places (``news.tallies``); the
sections, tags and authors with public articles, and when each last changed, from the rows
``news.listings`` keeps; the articles' "last changed" from walking an index newest first to
the first public article (``article_changed_idx``, ``article_listing_idx``). What grows with
the site is the list of the articles' pages itself, a thousand articles each, written in one
pass.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Page, Paginator
from django.db.models import DateTimeField, Exists, F, Max, OuterRef, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone, translation

from newscenter.conf import site_url
from newscenter.news import listings, summaries, tallies
from newscenter.news.languages import site_languages, url_code
from newscenter.news.models import (
    Article,
    Author,
    Image,
    Section,
    SiteSettings,
    Tag,
    article_paths,
    slug_path,
    slug_paths,
)
from newscenter.news.prepared import PreparedValues
from newscenter.news.tallies import public_count

# The sitemaps.org protocol's cap on URLs per file; the index links the further pages (?p=2).
URLS_PER_FILE = 50_000

# Google News reads articles of the last two days, at most 1,000 per news sitemap.
NEWS_WINDOW = dt.timedelta(hours=48)
NEWS_MAX_ARTICLES = 1_000

# A listing page changes when one of its articles is edited or when a scheduled one goes
# live; the later of the two times says when either last happened.
_LAST_CHANGE = Max(Greatest("updated", "pub_date"))


# --- what the index reads instead of counting ------------------------------------------------
# The articles' latest changes, walked along indexes (news.summaries), when no kept summary
# holds.
_latest, _last_change = summaries.latest, summaries.last_change


class _KnownCount(Paginator):
    """A paginator told its count instead of asking the database for it."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # the cached_property, filled in advance


class _KnownPages(Paginator):
    """For the index, which asks only how many pages there are: told, not counted."""

    def __init__(self, per_page, num_pages: int):
        super().__init__([], per_page)
        self.__dict__["num_pages"] = num_pages  # the cached_property, filled in advance


class _MarkedPages(_KnownCount):
    """Pages run from one kept mark to the next (``news.tallies``), each read along the
    listing index: page 1,000 costs what page 2 costs. Without marks that hold (not kept yet,
    another page size, or inside a transaction) pages are read after an OFFSET."""

    def __init__(self, object_list, per_page, count: int, timed: QuerySet):
        super().__init__(object_list, per_page, count)
        self.timed = timed
        self.starts = tallies.sitemap_pages(per_page, timezone.now())
        if self.starts is not None:
            self.__dict__["num_pages"] = len(self.starts) + 1

    def page(self, number):
        if self.starts is None:
            return super().page(number)
        number = self.validate_number(number)
        # A page that ends at a mark is public to its end (marks are public articles): with
        # "published by now" as a second upper bound SQLite walked the index up to now, every
        # article after the page (page 1: all of them, 221 ms of CPU at a million).
        last = number > len(self.starts)
        rows: QuerySet = self.object_list if last else self.timed  # type: ignore[assignment]
        if number > 1:
            pub_date, pk = self.starts[number - 2]
            rows = rows.filter(pub_date__gte=pub_date).exclude(pub_date=pub_date, id__lt=pk)
        if number <= len(self.starts):
            pub_date, pk = self.starts[number - 1]
            rows = rows.filter(pub_date__lte=pub_date).exclude(pub_date=pub_date, id__gte=pk)
        return Page(rows, number, self)


class SiteSitemap(Sitemap):
    """Addresses on the configured base URL (``conf.site_url``), never the request's Host.

    ``summary``: what the index was told (``news.summaries``), when it holds; the index asks
    a sitemap only for its latest change and its number of pages."""

    summary: summaries.Summary | None = None

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(site_url()).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(site_url()).netloc


def sitemap_index(request, sitemaps: dict[str, type[Sitemap]], **kwargs):
    """Django's sitemap index, its addresses moved onto the configured base URL: Django builds
    them from the request's Host. Each sitemap is told the summary kept after the last change
    (``news.summaries``), read once for all of them: what it gives, they need not work out."""
    summary = summaries.read()
    told: dict[str, type[Sitemap] | Sitemap] = {}
    for name, kind in sitemaps.items():
        told[name] = site = kind()
        site.summary = summary  # type: ignore[attr-defined]
    response = sitemap_views.index(request, sitemaps=told, **kwargs)
    origin = site_url("/")[:-1]  # what site_url() puts before an absolute path
    paths: dict[str, str] = {}  # each sitemap's path, split once for all its pages
    for item in (response.context_data or {})["sitemaps"]:
        address, _, query = item.location.partition("?")
        path = paths.get(address)
        if path is None:
            path = paths[address] = urlsplit(address).path
        item.location = f"{origin}{path}?{query}" if query else f"{origin}{path}"
    return response


class ArticleSitemap(SiteSitemap):
    """Every public article, with its lead image (Google's image extension), a thousand a
    page: a page of 50,000 took seconds to write at any size, and the index costs the same.

    A page reads plain rows (slug, day, language, translation group, image file, lastmod as
    one column), not model instances: each address is written from them with the head of
    its edition's path worked out once a page (``news.models.article_paths``)."""

    limit = tallies.SITEMAP_PAGE

    def items(self):
        # Oldest first: a new article lands on the last page and leaves earlier pages unchanged.
        return _rows(Article.objects.published())

    def get_latest_lastmod(self) -> dt.datetime | None:
        if self.summary is not None:
            return self.summary.latest["articles"]
        return summaries.latest_lastmod(Article.objects.published())

    @property
    def paginator(self) -> Paginator:
        if self.summary is not None and self.summary.article_pages is not None:
            return _KnownPages(self.limit, self.summary.article_pages)
        timed = _rows(Article.objects.filter(status__in=Article.TIMED))
        return _MarkedPages(self._items(), self.limit, public_count(), timed)  # type: ignore[attr-defined]

    def get_urls(self, page=1, site=None, protocol=None):
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        path = article_paths()
        images = _ImageAddresses(f"{origin}/")
        urls = [
            {
                "location": origin + path(slug, day, language),
                "lastmod": lastmod,
                "image": images.address(image) if image else "",
                "group": group,
            }
            for slug, day, language, group, image, lastmod in self.paginator.page(page).object_list
        ]
        if urls:  # Last-Modified, as Django's own pages say it
            self.latest_lastmod = max(url["lastmod"] for url in urls)
        add_alternates(urls, f"{origin}/")
        return urls


def _rows(articles: QuerySet[Article]) -> QuerySet:
    return articles.order_by("pub_date", "id").values_list(
        "slug", "pub_day", "language", "translation_group", "lead_image__file", _LASTMOD
    )


# publishing.last_change of a public article (its date is never empty), as one column.
_LASTMOD = Greatest("pub_date", Coalesce("modified", "updated"), output_field=DateTimeField())


class _ImageAddresses:
    """Lead images' absolute addresses, each file's worked out once a page (a few images are
    the lead of many articles). The original (JPEG or PNG, as search engines index best):
    media served by the app gives a path, object storage an absolute URL."""

    def __init__(self, origin: str):
        self.origin = origin
        self.storage = Image._meta.get_field("file").storage
        self.known: dict[str, str] = {}

    def address(self, name: str) -> str:
        found = self.known.get(name)
        if found is None:
            found = self.known[name] = urljoin(self.origin, self.storage.url(name))
        return found


def add_alternates(urls: list[dict], origin: str) -> None:
    """Each article's published translations as ``xhtml:link`` alternates (itself included,
    and x-default as the site settings say), read in one query for the page; an article with
    no published translation has none. Django's own ``i18n``/``alternates`` would claim every
    article exists in every language."""
    groups = {url["group"] for url in urls} - {None}
    if not groups:
        return
    members: dict[object, list[Article]] = {}
    public = Article.objects.published().filter(translation_group__in=groups)
    for member in public.only("slug", "pub_day", "language", "translation_group"):
        members.setdefault(member.translation_group, []).append(member)
    fallback = site_languages().x_default_language()
    for url in urls:
        group = members.get(url["group"], [])
        if len(group) < 2:
            continue
        alternates = [
            {"lang_code": m.edition, "location": urljoin(origin, m.get_absolute_url())}
            for m in group
        ]
        default = next((a for a in alternates if a["lang_code"] == fallback), None)
        if default is not None:
            alternates.append({"lang_code": "x-default", "location": default["location"]})
        url["alternates"] = alternates


class IndexPageSitemap(SiteSitemap):
    """The News center's front page in each of the site's languages, each naming the others
    as its alternates (every edition's index exists, with or without articles)."""

    limit = URLS_PER_FILE

    def items(self) -> list[str]:
        return list(site_languages().all)

    def location(self, language: str) -> str:
        return in_language(language, "news:index")

    def lastmod(self, language: str) -> dt.datetime | None:
        return _last_change(_edition(Article.objects.published(), language))

    def get_latest_lastmod(self) -> dt.datetime | None:
        if self.summary is not None:
            return self.summary.latest["pages"]
        return _last_change(Article.objects.published())

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        if len(urls) > 1:
            origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}/"
            alternates = [
                {"lang_code": url["item"], "location": urljoin(origin, self.location(url["item"]))}
                for url in urls
            ]
            fallback = site_languages().x_default_language()
            alternates += [
                {"lang_code": "x-default", "location": a["location"]}
                for a in alternates
                if a["lang_code"] == fallback
            ]
            for url in urls:
                url["alternates"] = alternates
        return urls


def in_language(language: str, name: str, **kwargs) -> str:
    """A page's address in one of the site's languages (its prefix, none for the default)."""
    with translation.override(url_code(language)):
        return reverse(name, kwargs=kwargs or None)


def _edition(articles: QuerySet[Article], language: str) -> QuerySet[Article]:
    return articles.filter(site_languages().edition_filter(language))


class _ListingSitemap(SiteSitemap):
    """Pages that list the public articles of one section, tag or author, in each language
    that has public articles there.

    Read from the rows ``news.listings`` keeps after each change (when each listing's public
    articles, by language, last changed): a few hundred rows, not every public article. Inside
    a transaction that may have changed articles since, or before the rows are kept, the same
    items come from the public articles grouped by the listing's slug (and language). Either
    way a listing without a public article never appears.
    """

    limit = URLS_PER_FILE
    _found: list[dict] | QuerySet | None = None
    kind: str  # news.listings' name of the kind
    relation: str  # the Article field that leads to the listing's section, tag or author
    url_name: str
    model: type[Section] | type[Tag] | type[Author]

    def items(self):
        # Asked twice by the index (its count of pages and its lastmod): read once.
        if self._found is None:
            self._found = self._kept_items()
        return self._found

    def _kept_items(self):
        now = timezone.now()
        until = listings.kept_until()
        if until is None:
            return self._grouped_items()
        kept = listings.last_changes(self.kind, now, until)
        slugs = dict(_slugs(self.model)())
        site = site_languages()
        found: dict[tuple[str, str], dt.datetime] = {}
        for (listing, language), moment in kept.items():
            slug = slugs.get(listing)
            if slug is not None:
                key = (slug, site.edition_of(language) if site.several else "")
                found[key] = max(found.get(key, moment), moment)
        if site.several:
            return _by_edition(found, site.all)
        # The database's order of the slugs, as the grouped query gave.
        return [
            {"listing": slug, "last_change": found[slug, ""]}
            for slug in slugs.values()
            if (slug, "") in found
        ]

    def _grouped_items(self):
        grouped = (
            Article.objects.published()
            .values(listing=F(f"{self.relation}__slug"))  # type: ignore[misc]
            .filter(listing__isnull=False)
        )
        site = site_languages()
        if not site.several:
            return grouped.annotate(last_change=_LAST_CHANGE).order_by("listing")
        # Each edition's page of the listing: languages fold into their editions here.
        found: dict[tuple[str, str], dt.datetime] = {}
        rows = grouped.values("listing", "language").annotate(last_change=_LAST_CHANGE)  # type: ignore[misc]
        for row in rows.order_by("listing", "language"):
            key = (row["listing"], site.edition_of(row["language"]))
            found[key] = max(found.get(key, row["last_change"]), row["last_change"])
        return _by_edition(found, site.all)

    def get_urls(self, page=1, site=None, protocol=None):
        """What Django's ``Sitemap.get_urls`` gives the template (an address and a lastmod
        for each item), without its lookups by name for each item: the path's head is worked
        out once a page (``news.models.slug_paths``)."""
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        path = slug_paths(self.url_name)
        urls = [
            {
                "location": origin
                + (self.location(item) if "language" in item else path(item["listing"])),
                "lastmod": item["last_change"],
            }
            for item in self.paginator.page(page).object_list
        ]
        if urls:  # Last-Modified, as Django's own pages say it
            self.latest_lastmod = max(url["lastmod"] for url in urls)
        return urls

    def location(self, item: dict) -> str:
        if "language" in item:
            return in_language(item["language"], self.url_name, slug=item["listing"])
        return slug_path(self.url_name, item["listing"])

    def lastmod(self, item: dict) -> dt.datetime:
        return item["last_change"]

    def get_latest_lastmod(self) -> dt.datetime | None:
        if self.summary is not None:
            return self.summary.latest[self.kind]
        items = self.items()
        if isinstance(items, list):  # a few hundred rows, already read
            return max((item["last_change"] for item in items), default=None)
        return self._latest_from_articles()

    def _latest_from_articles(self) -> dt.datetime | None:
        return _last_change(Article.objects.published().filter(self._listed()))

    def _listed(self) -> Exists:
        """Articles on at least one tag or author (EXISTS: no duplicate rows, so a walk
        newest first stops at the first)."""
        links = getattr(Article, self.relation).through.objects
        return Exists(links.filter(article_id=OuterRef("pk")))

    @property
    def paginator(self) -> Paginator:
        if self.summary is not None and self.summary.rows[self.kind] <= self.limit:
            # No more items than rows (a listing in several languages of one edition is one
            # item): one page, as for none.
            return _KnownPages(self.limit, 1)
        items = self._items()  # type: ignore[attr-defined]
        if isinstance(items, list) or site_languages().several:
            return Paginator(items, self.limit)
        # Listings with a public article: one lookup per section, tag or author, not a
        # grouping of every article.
        public = Article.objects.published().filter(**{self.relation: OuterRef("pk")})
        count = self.model.objects.filter(Exists(public)).count()
        return _KnownCount(items, self.limit, count)


@functools.cache
def _slugs(model: type[Section] | type[Tag] | type[Author]) -> PreparedValues:
    """Every section's, tag's or author's (id, slug), by slug: its SQL built once a
    connection (news.prepared)."""
    return PreparedValues(lambda p: model.objects.order_by("slug").values_list("pk", "slug"))


def _by_edition(found: dict[tuple[str, str], dt.datetime], editions: Iterable[str]) -> list[dict]:
    order = {tag: n for n, tag in enumerate(editions)}
    return [
        {"listing": slug, "language": language, "last_change": moment}
        for (slug, language), moment in sorted(
            found.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])
        )
    ]


class SectionSitemap(_ListingSitemap):
    kind = "section"
    relation = "section"
    url_name = "news:section"
    model = Section

    def _latest_from_articles(self) -> dt.datetime | None:
        # A filter on section_id makes SQLite read the section's index and sort the whole
        # table; the newest public articles nearly always have a section: look at those.
        public = Article.objects.published()
        found = [_first_in_a_section(public, "updated"), _first_in_a_section(public, "pub_date")]
        return max((moment for moment in found if moment is not None), default=None)


_PEEK = 50


def _first_in_a_section(articles: QuerySet[Article], field: str) -> dt.datetime | None:
    newest = articles.order_by(f"-{field}").values_list(field, "section_id")[:_PEEK]
    for moment, section in newest:
        if section is not None:
            return moment
    if len(newest) < _PEEK:
        return None
    # Rare: the newest _PEEK have no section; then the slow filter, once.
    return _latest(articles.filter(section__isnull=False), field)


class TagSitemap(_ListingSitemap):
    kind = "tag"
    relation = "tags"
    url_name = "news:tag"
    model = Tag


class AuthorSitemap(_ListingSitemap):
    kind = "author"
    relation = "authors"
    url_name = "news:author"
    model = Author


class NewsSitemap(SiteSitemap):
    """Google News: the public articles of the last 48 hours, newest first, at most 1,000,
    from plain rows as the articles' sitemap reads them."""

    limit = NEWS_MAX_ARTICLES

    def items(self):
        now = timezone.now()
        return (
            Article.objects.published(at=now)
            .filter(pub_date__gte=now - NEWS_WINDOW)
            .order_by("-pub_date", "-id")
            .values_list("headline", "slug", "pub_day", "pub_date", "language")[:NEWS_MAX_ARTICLES]
        )

    def get_urls(self, page=1, site=None, protocol=None):
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        path = article_paths()
        site_settings = SiteSettings.load()
        publication = xml_text(site_settings.site_name)
        languages: dict[str, str] = {}
        urls = []
        for headline, slug, day, pub_date, language in self.paginator.page(page).object_list:
            code = languages.get(language)
            if code is None:
                code = languages[language] = news_language(language or site_settings.language)
            urls.append(
                {
                    "location": origin + path(slug, day, language),
                    "publication": publication,
                    "language": code,
                    "pub_date": pub_date,
                    "title": xml_text(headline),
                }
            )
        return urls


# The sitemaps that the index lists, by the name in their URL (sitemap-<name>.xml).
SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": IndexPageSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}

NEWS_SITEMAPS: dict[str, type[Sitemap]] = {"news": NewsSitemap}

# Regions that write Chinese in traditional characters unless a script subtag says otherwise.
_TRADITIONAL_REGIONS = {"tw", "hk", "mo"}


def news_language(tag: str) -> str:
    """The code Google News wants for a BCP 47 language tag.

    ISO 639 (two or three letters), except Chinese, which Google splits into "zh-cn"
    (simplified) and "zh-tw" (traditional): "de-AT" -> "de", "zh-Hant-HK" -> "zh-tw".
    """
    primary, *rest = re.split(r"[-_]", tag.strip().lower())
    if primary == "zh":
        script_says = "hant" in rest or "hans" in rest
        traditional = "hant" in rest if script_says else bool(_TRADITIONAL_REGIONS & set(rest))
        return "zh-tw" if traditional else "zh-cn"
    if re.fullmatch(r"[a-z]{2,3}", primary):
        return primary
    return "en"  # not a language tag at all: the protocol needs some code


# Characters XML 1.0 forbids even when escaped (most C0 controls): an imported headline may
# carry one, and a single one makes the whole sitemap unreadable.
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)
