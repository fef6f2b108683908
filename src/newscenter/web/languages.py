"""Addresses per language: ``/news/`` for the site's default language, ``/de/news/``,
``/zh-hans/news/`` ... for the others (Django's ``i18n_patterns``, default unprefixed).

Django's own ``LocalePrefixPattern`` takes the unprefixed language from ``LANGUAGE_CODE``;
here it comes from the site settings (``news.languages``), and only the site's languages
have a prefix at all. :class:`SiteLanguageMiddleware` activates the language a request's
path names, with no cookie and no Accept-Language: an address always shows the same page,
so that the page cache and search engines see one page per URL.
"""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.urls import NoReverseMatch, URLResolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from newscenter.news import languages, selectors
from newscenter.news.languages import SiteLanguages
from newscenter.news.models import Article
from newscenter.web.paths import site_path
from newscenter.web.sitecache import site_settings


class SiteLanguagePrefix(LocalePrefixPattern):
    def __init__(self) -> None:
        super().__init__(prefix_default_language=False)

    @property
    def language_prefix(self) -> str:
        code = translation.get_language() or ""
        site = languages.current()
        if site is None:
            if code in ("", settings.LANGUAGE_CODE):
                # Outside a request (a module's reverse() at import, the worker): the default
                # edition, with no database read; news.languages drops what this cached
                # when a request shows the site's languages differ.
                return ""
            site = languages.site_languages()
        if code == languages.url_code(site.default) or site.find(code) is None:
            return ""
        return f"{code}/"


def site_language_patterns(*urls) -> list[URLResolver]:
    """``i18n_patterns(..., prefix_default_language=False)`` with the site's languages."""
    return [URLResolver(SiteLanguagePrefix(), list(urls))]


def page_edition(request) -> str:
    """The site language a page is in: the one its address names (set by the middleware)."""
    tag = getattr(request, "language_tag", "")
    return tag or languages.site_languages().default


def path_language(path: str, site: SiteLanguages) -> str | None:
    """The site language of a public page's address; None for any other address (the desk,
    the API), which stays in Django's LANGUAGE_CODE."""
    first, _, _rest = path.lstrip("/").partition("/")
    found = site.find(first) if first else None
    if found is not None and found != site.default:
        return found
    return site.default if path.startswith(_public_prefix()) else None


def _public_prefix() -> str:
    with translation.override(None):
        return site_path("news:index")


class SiteLanguageMiddleware:
    """Load the site settings once, and answer in the language the address names."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.site_settings = site_settings()
        site = SiteLanguages.of(request.site_settings)
        language = path_language(request.path_info, site)
        request.site_languages = site
        request.language_tag = language or site.default
        code = languages.url_code(language) if language else translation.get_language()
        with languages.using(site), translation.override(code):
            response = self.get_response(request)
        if language and site.several:
            response.headers.setdefault("Content-Language", language)
        return response


# --- the same page in the site's other languages ----------------------------------------------


@dataclasses.dataclass(frozen=True)
class Alternate:
    """One of the site's languages, as the page's switcher and hreflang links name it."""

    language: str  # BCP 47, as the site settings write it
    name: str  # in its own language: "Deutsch", "简体中文"
    url: str  # a path: this page in that language, else that language's news index
    current: bool  # the page's own language
    same_page: bool  # the url shows this page (an article's translation), not the index

    @property
    def direction(self) -> str:
        return languages.direction(self.language)


def language_name(tag: str) -> str:
    """A language's name in that language, from Django's table of languages."""
    code = languages.url_code(tag)
    for candidate in (code, code.split("-")[0]):
        try:
            return str(translation.get_language_info(candidate)["name_local"])
        except KeyError:
            continue
    return tag


def index_url(tag: str) -> str:
    with translation.override(languages.url_code(tag)):
        return reverse("news:index")


def article_alternates(article: Article, page_language: str) -> list[Alternate]:
    """The article in each language: its public translation there, else that language's
    index (never an address that would answer 404)."""
    site = languages.site_languages()
    published = {member.edition: member for member in selectors.public_translations(article)}
    return [
        Alternate(
            language=tag,
            name=language_name(tag),
            url=published[tag].get_absolute_url() if tag in published else index_url(tag),
            current=tag == page_language,
            same_page=tag in published,
        )
        for tag in site.all
    ]


def page_alternates(request, page_language: str) -> list[Alternate]:
    """Any other page (a listing, the search page) in each language: the same view with the
    same arguments; an older page of a listing gives way to the listing's first page, whose
    anchor article belongs to one language only."""
    site = languages.site_languages()
    match = getattr(request, "resolver_match", None)
    return [
        Alternate(
            language=tag,
            name=language_name(tag),
            url=_same_view(match, tag) or index_url(tag),
            current=tag == page_language,
            same_page=_same_view(match, tag) is not None,
        )
        for tag in site.all
    ]


_LISTINGS = {"news:index", "news:section", "news:tag", "news:author", "news:search"}


def _same_view(match, tag: str) -> str | None:
    if match is None:
        return None
    name = match.view_name.removesuffix("-older")
    if name not in _LISTINGS:
        return None
    kwargs = {k: v for k, v in match.kwargs.items() if k != "after"}
    with translation.override(languages.url_code(tag)):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            return None


def x_default(alternates: list[Alternate]) -> Alternate | None:
    """The alternate the site settings name for readers of any other language."""
    wanted = languages.site_languages().x_default_language()
    return next((a for a in alternates if a.language == wanted and a.same_page), None)
