"""Each kind of exported file, rendered as the running site renders the same URL.

Pages go through the site's own templates with the context its views build, from articles
fetched in bulk; feeds through the site's own Feed class; sitemaps and robots.txt through the
views the URLconf names. The request is anonymous, for the host of NEWSCENTER_BASE_URL, and
skips the middleware: what middleware adds (headers, the page cache) is not part of a file.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import django.urls
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import engines, loader
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from newscenter.export.pages import Page, search_index_url
from newscenter.export.snapshot import Snapshot
from newscenter.export.urls import article_addresses, article_url, in_edition
from newscenter.feeds.syndication import FEED_TYPES, ArticleFeed, Scope
from newscenter.news import languages, selectors
from newscenter.news.languages import SiteLanguages
from newscenter.news.models import Article
from newscenter.web import views
from newscenter.web.search import SearchForm, static_search_messages

SEARCH_TEMPLATE = Path(__file__).with_name("search.html")
_BATCH = 500  # articles per bulk fetch: well under SQLite's limit of query parameters


class Renderer:
    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot
        self.articles: dict[int, Article] = {}  # what the pages rendered so far show whole
        self._links: dict[int, Article] = {}  # related articles, made once for every page
        self._templates: dict[str, Any] = {}
        self.chrome: dict = {}  # the header's and footer's markup, per edition (news_site.chrome)
        base = urlsplit(settings.NEWSCENTER_BASE_URL)
        self.factory = RequestFactory(HTTP_HOST=base.netloc)
        self.secure = base.scheme == "https"

    def request(self, url: str):
        request = self.factory.get(url, secure=self.secure)
        request.user = AnonymousUser()
        request.edition_chrome = self.chrome  # type: ignore[attr-defined]
        request.site_settings = self.snapshot.site  # type: ignore[attr-defined]  # as SiteTimezoneMiddleware leaves it
        # The edition being rendered, as SiteLanguageMiddleware sets it from the address.
        site = self.snapshot.languages
        request.site_languages = site  # type: ignore[attr-defined]
        request.language_tag = site.find(translation.get_language() or "") or site.default  # type: ignore[attr-defined]
        if site.several:
            # What the page's hreflang links and language switcher name the view by.
            with contextlib.suppress(django.urls.Resolver404):
                request.resolver_match = resolve(urlsplit(url).path)
        return request

    def fetch(self, pages: list[Page]) -> None:
        """Fetch what ``pages`` show of their articles, if not fetched before: in each worker,
        for the pages it was handed, so that fetching goes on in parallel too."""
        needed = {pk for page in pages for pk in _shown_whole(page)}
        if missing := needed - self.articles.keys():
            self.articles |= fetch_articles(missing, self.snapshot.languages)

    def render(self, page: Page) -> bytes:
        site = self.snapshot.languages
        with in_edition(site, page.language or site.default):
            return getattr(self, "_" + page.kind.replace("-", "_"))(page)

    def _article(self, page: Page) -> bytes:
        pk, related = page.args
        context = {"article": self.articles[pk], "related": [self._linked(r) for r in related]}
        return self._template("web/article_detail.html", context, page.url)

    def _linked(self, pk: int) -> Article:
        """A related article as its link shows it (headline, address, date): made from the
        snapshot's row, so related articles need no fetching; once, though four pages on
        average list it (making model instances was 7% of a full export)."""
        if pk in self._links:
            return self._links[pk]
        row = self.snapshot.rows[pk]
        article = Article(
            pk=pk,
            headline=row["headline"],
            slug=row["slug"],
            pub_day=row["pub_day"],
            pub_date=row["pub_date"],
            language=row["language"],
        )
        with in_edition(self.snapshot.languages, self.snapshot.editions[pk]):
            _known_address(article, article_url(row["pub_day"], row["slug"]))
        self._links[pk] = article
        return article

    def _listing(self, page: Page) -> bytes:
        kind, pk, ids, older, newer, number = page.args
        context = {
            "articles": [self.articles[a] for a in ids],
            "older_url": older,
            "newer_url": newer,
            "page_number": number,
        }
        if pk is not None:
            subject = self.snapshot.subject(kind, pk)
            context |= _listing_context(kind, subject)
        return self._template("web/article_list.html", context, page.url)

    def _feed(self, page: Page) -> bytes:
        format_, kind, pk = page.args
        subject = None if pk is None else self.snapshot.subject(kind, pk)
        scope = Scope(self.snapshot.site, kind if subject else "site", subject, page.language)
        request = self.request(page.url)
        articles = [self.articles[a] for a in page.articles]
        feed = ArticleFeed(
            feed_type=FEED_TYPES[format_], scope=scope, articles=articles, request=request
        )
        return feed(request).content

    def _view(self, page: Page) -> bytes:
        match = resolve(page.url)
        response = match.func(self.request(page.url), *match.args, **match.kwargs)
        if isinstance(response, TemplateResponse):
            response.render()
        return response.content

    def _not_found(self, page: Page) -> bytes:
        return views.page_not_found(self.request(page.url), None).content

    def _search_page(self, page: Page) -> bytes:
        context = {
            "form": SearchForm(None),
            "noindex": True,
            "sections": selectors.sections_in_use(),
            "search_index_url": search_index_url(),
            "search_messages": static_search_messages(),
        }
        template = engines["django"].from_string(SEARCH_TEMPLATE.read_text(encoding="utf-8"))
        return template.render(context, self.request(page.url)).encode()

    def _search_index(self, page: Page) -> bytes:
        from newscenter.export.searchindex import search_index

        index = search_index(self.snapshot, page.language or self.snapshot.languages.default)
        return json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode()

    def _root(self, page: Page) -> bytes:
        # "/" redirects to the News center on the running site; a static host gets the same
        # as a page that sends the browser on.
        target = reverse("news:index")
        return (
            f'<!doctype html>\n<meta charset="utf-8">\n<title>{self.snapshot.site.site_name}'
            f'</title>\n<meta http-equiv="refresh" content="0; url={target}">\n'
            f'<link rel="canonical" href="{settings.NEWSCENTER_BASE_URL}{target}">\n'
            f'<p><a href="{target}">{self.snapshot.site.section_title}</a></p>\n'
        ).encode()

    def _template(self, name: str, context: dict, url: str) -> bytes:
        template = self._templates.get(name)
        if template is None:  # looked up once: the engines, then the cached loader, each page
            template = self._templates[name] = loader.get_template(name)
        return template.render(context, self.request(url)).encode()


def _shown_whole(page: Page) -> tuple[int, ...]:
    # An article page links its related articles, made from the snapshot (Renderer._linked).
    return page.articles[:1] if page.kind == "article" else page.articles


_LISTING_VIEWS = {"section": views.SectionView, "tag": views.TagView, "author": views.AuthorView}


def _listing_context(kind: str, subject) -> dict:
    """What SectionView, TagView and AuthorView add to the index's context, from the views
    themselves (titles in the page's language)."""
    view = _LISTING_VIEWS[kind]()
    setattr(view, kind, subject)
    return view.listing_context()


@contextlib.contextmanager
def remembered_addresses():
    """While exporting, ``{% url %}`` answers from a cache: a page's template names the same
    dozen addresses (feeds, index, search) that every other page names, and reverse() was the
    largest single cost of rendering. ``{% url %}`` looks ``django.urls.reverse`` up each
    time it renders, so the cache is put there for the export and taken away after it."""
    original = django.urls.reverse

    @functools.lru_cache(maxsize=4096)
    def cached(viewname, args: tuple, kwargs: tuple, current_app, _edition):
        return original(viewname, args=args, kwargs=dict(kwargs), current_app=current_app)

    def reverse(viewname, urlconf=None, args=None, kwargs=None, current_app=None, **more):
        if urlconf is None and not more:
            # By the active language too: another edition's addresses have its prefix.
            edition = (translation.get_language(), getattr(languages.current(), "all", ()))
            try:
                return cached(
                    viewname, tuple(args or ()), tuple((kwargs or {}).items()), current_app,
                    edition,
                )  # fmt: skip
            except TypeError:
                pass  # an argument that cannot be a cache key
        return original(viewname, urlconf, args, kwargs, current_app, **more)

    django.urls.reverse = reverse
    try:
        yield
    finally:
        django.urls.reverse = original


def fetch_articles(ids, site: SiteLanguages) -> dict:
    """Articles by id with everything a page shows of them, as the views fetch them."""
    ids = list(ids)
    found: dict[int, Article] = {}
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        found |= selectors.public_articles(relations=False).in_bulk(chunk)
    by_edition: dict[str, list[Article]] = {}
    for article in found.values():
        by_edition.setdefault(site.edition_of(article.language), []).append(article)
    for edition, articles in by_edition.items():
        # Each under its edition's prefix: its pages are that edition's. The edition entered
        # once for its articles, not for each (two thirds of what this loop cost).
        with in_edition(site, edition):
            address = article_addresses()
            for article in articles:
                assert article.pub_day is not None  # public articles have their URL day
                _known_address(article, address(article.pub_day, article.slug))
                if article.section is not None:
                    _known_address(article.section, _section_url(article.section.slug))
    return found


def _known_address(obj, url: str) -> None:
    """Give ``obj`` its address as a constant: a page names each article and section several
    times, and reverse() was a quarter of the time spent rendering. The value is what
    get_absolute_url returns (export.urls; the tests compare every page with the site's)."""
    obj.get_absolute_url = functools.partial(str, url)


def _section_url(slug: str) -> str:
    site = languages.current()
    return _section_url_in(slug, translation.get_language() or "", site.all if site else ())


@functools.cache
def _section_url_in(slug: str, _language: str, _site: tuple) -> str:
    return reverse("news:section", kwargs={"slug": slug})


def media_names(content: bytes) -> set[str]:
    """The media files a page points at (relative or absolute URLs under MEDIA_URL)."""
    prefix = settings.MEDIA_URL
    if not prefix.startswith("/"):
        return set()  # object storage: the pages point at it, nothing to copy
    pattern = re.compile(re.escape(prefix.encode()) + rb"([^\"'\s<>,?#)]+)")
    return {unquote(m.decode()) for m in pattern.findall(content)}
