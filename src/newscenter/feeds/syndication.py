"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the newest public articles, on Django's syndication
framework: for the whole site and for each section, tag and author.

One ``Feed`` class serves every format; only its generator (``feed_type``) differs. Entries are
identified by tag URIs made of the site's configured host, the article's creation day and its
primary key, so that editing a headline or slug never makes a feed reader show an article twice,
and every address is on the configured base URL (``conf.site_url``), whatever Host the request
named.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import io
import mimetypes
import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from newscenter import addresses
from newscenter.conf import site_url
from newscenter.feeds.jsonfeed import JsonFeed
from newscenter.feeds.rss import RssFeed
from newscenter.news import publishing, selectors
from newscenter.news.languages import SiteLanguages
from newscenter.news.models import (
    Article,
    Author,
    Section,
    SiteSettings,
    Tag,
    article_urls,
    slug_path,
)
from newscenter.news.rendering import text_of

FEED_LENGTH = 20  # the newest articles a feed carries
MAX_AGE = 300  # seconds a reader or proxy may keep a feed without asking again
SUMMARY_WORDS = 50  # length of the summary made from the body when there is no standfirst
# The day in the feeds' own tag URIs. RFC 4151 only asks for a day on which the host was held;
# it must never change, or every subscriber would see a new feed.
FEED_ID_DATE = "2026"

# XML 1.0 cannot carry these characters at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class WrittenOnce:
    """A feed generator that hands the response its whole document in one write.

    Given the response itself, the XML writer wrapped it in a text writer that passes each
    tag, text and escape straight through: some 1,400 writes a feed, each encoded on its own
    by HttpResponse.write, a quarter of the feed's time. Here the writer fills a string,
    encoded once at the end as the text writer encoded each piece (same encoding, same
    handling of what it cannot hold): a text writer over a byte buffer also reset its decoder
    at each write, a tenth of the feed's time.
    """

    def write(self, outfile, encoding):
        text = io.StringIO()  # newline="\n": written as it is, as the text writer did
        super().write(text, encoding)  # type: ignore[misc]  # the generator's own write
        outfile.write(text.getvalue().encode(encoding, errors="xmlcharrefreplace"))


class AtomFeed(WrittenOnce, feedgenerator.Atom1Feed):
    """Atom 1.0 with the full body, every author, each entry's language and the site's logo."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed["logo"]:
            handler.addQuickElement("logo", self.feed["logo"])

    def item_attributes(self, item):
        return {"xml:lang": item["language"]} if item["language"] else {}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", author["name"])
            handler.addQuickElement("uri", author["url"])
            handler.endElement("author")
        source = item["source"]
        if source:
            self.add_source(handler, source)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})

    def add_source(self, handler, source: Source) -> None:
        """The original as ``rel="via"`` (RFC 4287 4.2.7.2) and as the entry's ``<source>``."""
        if source.url:
            handler.addQuickElement("link", "", {"rel": "via", "href": source.url})
        handler.startElement("source", {})
        handler.addQuickElement("title", source.name)
        if source.url:
            handler.addQuickElement("link", "", {"rel": "alternate", "href": source.url})
        handler.endElement("source")


@dataclass(frozen=True)
class Source:
    """Where a republished item comes from: the outlet's name and the original's address."""

    name: str
    url: str

    @classmethod
    def of(cls, article: Article) -> Source | None:
        if not article.is_republished:
            return None
        url = article.source_url
        return cls(name=article.source_name or urlsplit(url).hostname or url, url=url)


FEED_TYPES = {"rss": RssFeed, "atom": AtomFeed, "json": JsonFeed}


class FormatConverter:
    """The format part of a feed's URL: ``rss``, ``atom`` or ``json``."""

    regex = "|".join(FEED_TYPES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


@dataclass(frozen=True)
class Scope:
    """What a feed covers: the whole site, or the articles of one section, tag or author.

    Its language, title and path are worked out once (a feed asks for its title three
    times, and the path is a reverse())."""

    site: SiteSettings
    kind: str = "site"  # or the selector's keyword: "section", "tag", "author"
    subject: Section | Tag | Author | None = None
    edition: str = ""  # the site language whose articles it carries; "" the default

    @classmethod
    def find(cls, site: SiteSettings, kind: str, slug: str | None, edition: str = "") -> Scope:
        if kind == "site":
            return cls(site, edition=edition)
        if kind == "section":
            return cls(site, kind, selectors.listing_subject(Section, slug or ""), edition)
        if kind == "tag":
            return cls(site, kind, selectors.listing_subject(Tag, slug or ""), edition)
        return cls(site, kind, selectors.listing_subject(Author, slug or ""), edition)

    @functools.cached_property
    def language(self) -> str:
        return self.edition or SiteLanguages.of(self.site).default

    @functools.cached_property
    def title(self) -> str:
        language = self.language
        if isinstance(self.subject, Section | Tag):
            name = self.subject.name_in(language)
        elif self.subject is not None:
            name = self.subject.name
        else:
            name = self.site.text_in("section_title", language)
        return f"{name} · {self.site.text_in('site_name', language)}"

    @functools.cached_property
    def path(self) -> str:
        return self.subject.get_absolute_url() if self.subject else reverse("news:index")

    @property
    def key(self) -> str:
        """Names the feed in its id by primary key: slugs can be edited. The default
        language's feeds keep the ids they had before the site had other languages."""
        key = f"feed/{self.kind}-{self.subject.pk}" if self.subject else "feed"
        default = SiteLanguages.of(self.site).default
        return key if not self.edition or self.edition == default else f"{key}/{self.edition}"

    def articles(self) -> list[Article]:
        filters: dict[str, Any] = {self.kind: self.subject} if self.subject else {}
        return selectors.newest_articles(count=FEED_LENGTH, edition=self.edition or None, **filters)


class ArticleFeed(Feed):
    """A scope's newest public articles."""

    item_guid_is_permalink = False

    def __init__(self, *, feed_type, scope: Scope, articles: list[Article], request):
        self.feed_type = feed_type
        self.scope = scope
        self.articles = articles
        self.request = request
        self.language = scope.language
        self.article_url = article_urls()  # each item's address, asked for by its link and content
        self.author_urls: dict[str, str] = {}
        self.item_links: dict[int, str] = {}

    def get_feed(self, obj, request):
        """Django's ``Feed.get_feed``, with this class's methods called as they are: Django
        looks into each of the 250 methods a feed calls for how many arguments it takes, a
        tenth of the feed's time. The generator is given what Django's would give it."""
        domain, secure = get_current_site(request).domain, request.is_secure()
        generator = self.feed_type(
            title=self.title(),
            subtitle=None,
            link=add_domain(domain, self.link(), secure),
            description=self.description(),
            language=self.language or get_language(),
            feed_url=add_domain(domain, self.feed_url() or request.path, secure),
            author_name=self.author_name(),
            author_link=self.author_link(),
            author_email=None,
            categories=None,
            feed_copyright=None,
            feed_guid=self.feed_guid(),
            ttl=None,
            stylesheets=None,
            **self.feed_extra_kwargs(obj),
        )
        for item in self.items():
            generator.add_item(
                title=self.item_title(item),
                link=add_domain(domain, self.item_link(item), secure),
                description=self.item_description(item),
                unique_id=self.item_guid(item),
                unique_id_is_permalink=self.item_guid_is_permalink,
                enclosures=self.item_enclosures(item),
                pubdate=_aware(self.item_pubdate(item)),
                updateddate=_aware(self.item_updateddate(item)),
                author_name=None,
                author_email=None,
                author_link=None,
                comments=None,
                categories=self.item_categories(item),
                item_copyright=None,
                **self.item_extra_kwargs(item),
            )
        # One filter for everything that reaches the generator, so every format carries the same
        # text and a stray control character cannot make the XML invalid.
        generator.feed = xml_safe(generator.feed)
        generator.items = [xml_safe(item) for item in generator.items]
        return generator

    def absolute(self, url: str) -> str:
        return site_url(url)

    def title(self) -> str:
        return self.scope.title

    def link(self) -> str:
        return self.absolute(self.scope.path)

    def feed_url(self) -> str:
        return self.absolute(self.request.path)

    def description(self) -> str:
        return self.scope.site.text_in("tagline", self.scope.language) or self.scope.title

    def feed_guid(self) -> str:
        return tag_uri(FEED_ID_DATE, self.scope.key)

    def author_name(self) -> str:
        return self.scope.site.text_in("site_name", self.scope.language)

    def author_link(self) -> str:
        return self.absolute(reverse("news:index"))

    def feed_extra_kwargs(self, obj) -> dict:
        logo = self.scope.site.logo
        return {"logo": self.absolute(logo.url) if logo else None}

    def items(self) -> list[Article]:
        return self.articles

    def item_title(self, article: Article) -> str:
        return article.headline

    def item_description(self, article: Article) -> str:
        # RSS and Atom readers take the description as HTML; JSON Feed gets the plain summary.
        return html.escape(summary(article))

    def item_link(self, article: Article) -> str:
        # Asked for twice an item (its link, the base of its body's links): found once.
        link = self.item_links.get(article.pk)
        if link is None:
            link = self.item_links[article.pk] = self.absolute(self.article_url(article))
        return link

    def item_guid(self, article: Article) -> str:
        # The creation day in UTC: a later change of the site's time zone must not move it.
        day = article.created.astimezone(dt.UTC).date()
        return tag_uri(day.isoformat(), f"article-{article.pk}")

    def item_pubdate(self, article: Article) -> dt.datetime | None:
        return article.pub_date

    def item_updateddate(self, article: Article) -> dt.datetime | None:
        # What readers are told of its last change: an import keeps the source's own date.
        return publishing.last_change(article)

    def item_categories(self, article: Article) -> list[str]:
        section = [article.section.name] if article.section else []
        return section + label_names(article, "tags")

    def item_enclosures(self, article: Article) -> list[feedgenerator.Enclosure]:
        # The original, not a rendition: a JPEG or PNG every reader can show, WebP is not.
        if article.lead_image is None:
            return []
        file = article.lead_image.file
        try:
            size = file.size
        except OSError:
            return []  # the file is gone from storage: no enclosure rather than a broken one
        mime_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return [feedgenerator.Enclosure(self.absolute(file.url), str(size), mime_type)]

    def author_url(self, slug: str) -> str:
        """An author's absolute address, found once per feed (authors recur across items)."""
        url = self.author_urls.get(slug)
        if url is None:
            url = self.author_urls[slug] = self.absolute(slug_path("news:author", slug))
        return url

    def item_extra_kwargs(self, article: Article) -> dict:
        return {
            "content_html": absolute_urls(article.body, self.item_link(article)),
            "summary": summary(article),
            "authors": [
                {"name": name, "url": self.author_url(slug)}
                for slug, name, *_ in article.labels.get("authors", ())
            ],
            "language": article.language or self.language,
            "source": Source.of(article),
        }


@require_safe
def article_feed(request, format: str, kind: str = "site", slug: str | None = None):
    """One feed; ``304 Not Modified`` when the reader's copy is still current."""
    site = getattr(request, "site_settings", None) or SiteSettings.load()
    scope = Scope.find(site, kind, slug, getattr(request, "language_tag", ""))
    articles = scope.articles()
    etag = quote_etag(fingerprint(format, scope, articles))
    last_modified = newest_change(articles)
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        feed = ArticleFeed(
            feed_type=FEED_TYPES[format], scope=scope, articles=articles, request=request
        )
        response = feed(request)
    response.headers["ETag"] = etag
    # Django dates an empty feed "now"; without items there is no honest Last-Modified.
    response.headers.pop("Last-Modified", None)
    if timestamp is not None:
        response.headers["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A naive date in the default time zone, as Django's Feed takes it; any other as it is."""
    if moment and timezone.is_naive(moment):
        return timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def tag_uri(day: str, specific: str) -> str:
    """An RFC 4151 tag URI on the configured host: ``tag:news.example.com,2026-11-16:article-7``.

    A tag URI needs a domain name; a site configured on an IP address (``[::1]`` would give the
    malformed ``tag:::1,...``) gets a name-based UUID of the same parts instead, just as stable.
    """
    base = site_url()
    host = _tag_host(base)
    if host:
        return f"tag:{host},{day}:{specific}"
    return _uuid_urn(f"{base}#{day}:{specific}")


@functools.lru_cache(maxsize=1024)
def _uuid_urn(name: str) -> str:
    # Worked out once per item: uuid5 cost as much as the rest of an item's id and link.
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


@functools.lru_cache(maxsize=16)
def _tag_host(base: str) -> str:
    """The host of the site's address for tag URIs; "" for none or an IP address. Found
    once per address: a feed asks for it for each of its items."""
    host = urlsplit(base).hostname or ""
    return host if host and not addresses.is_ip(host) else ""


def newest_change(articles: list[Article]) -> dt.datetime | None:
    # pub_date counts too: a scheduled article enters the feed at its date without being saved.
    return max((max(a.updated, a.pub_date or a.updated) for a in articles), default=None)


def fingerprint(feed_format: str, scope: Scope, articles: list[Article]) -> str:
    """Changes whenever anything the feed shows may have changed, without building the feed."""
    site = scope.site
    parts = [feed_format, scope.title, site.tagline, scope.language, site.logo.name]
    for article in articles:
        names = label_names(article, "authors") + label_names(article, "tags")
        section = article.section.name if article.section else ""
        parts.append((article.pk, article.updated, article.pub_date, section, names))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def label_names(article: Article, kind: str) -> list[str]:
    """The names of the article's tags or authors (``kind``), as ``shown_tags`` and
    ``shown_authors`` give them, read from ``labels`` without making a row of each: a feed
    of twenty articles made some sixty."""
    return [label[1] for label in article.labels.get(kind, ())]


def summary(article: Article) -> str:
    return article.standfirst or Truncator(text_of(article.body)).words(SUMMARY_WORDS)


# nh3, which sanitised every body, writes each attribute value in double quotes with any quote
# inside escaped, and escapes "<" in text: so a "<" always opens a tag and a quote closes a value.
_START_TAG = re.compile(r'<[a-z][a-z0-9]*\s(?:[^>"]|"[^"]*")*>')
_ATTRIBUTE = re.compile(r'([^\s"=<>/]+)="([^"]*)"')
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})


def absolute_urls(markup: str, base: str) -> str:
    """Body HTML with its links and images resolved against ``base``, as feed readers need."""

    def attribute(match: re.Match) -> str:
        name, value = match.groups()
        if name not in _URL_ATTRIBUTES:
            return match[0]
        return f'{name}="{html.escape(urljoin(base, html.unescape(value)))}"'

    return _START_TAG.sub(lambda tag: _ATTRIBUTE.sub(attribute, tag[0]), markup)


def _xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids; the text itself when it has none.

    Found without the pattern when it can be: it tried each character of the bodies against
    its ranges (5 ns a character, a tenth of the feed), while its UTF-8 (which only fails
    on a lone surrogate) holds a control character only as that very byte, and the two
    non-characters are searched as strings."""
    try:
        raw = text.encode()
    except UnicodeEncodeError:
        return _NOT_XML.sub("", text)
    controls = len(raw.translate(None, _CONTROL_BYTES)) != len(raw)
    if controls or "\ufffe" in text or "\uffff" in text:
        return _NOT_XML.sub("", text)
    return text


# The control characters _NOT_XML drops, as bytes.
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
# What xml_safe gives back as it is, looked up by type.
_KEPT = frozenset({type(None), bool, int, float, dt.datetime, dt.date})


def xml_safe(value):
    """``value`` (text, or lists and dicts of it) without the characters XML 1.0 forbids."""
    kind = type(value)  # the usual types first: a feed filters some 500 values
    if kind is str:
        return _xml_text(value)
    if kind is dict:  # its texts filtered and its dates kept here, without a call each
        return {
            key: _xml_text(v) if type(v) is str else v if type(v) in _KEPT else xml_safe(v)
            for key, v in value.items()
        }
    if kind is list:
        return [_xml_text(v) if type(v) is str else xml_safe(v) for v in value]
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(v) for v in value)
    if isinstance(value, dict):
        return {key: xml_safe(v) for key, v in value.items()}
    return value
