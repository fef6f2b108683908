"""Reads shared by the public pages, feeds, sitemaps, search, the export and the desk's preview."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, TypeVar

from django.db.models import (
    Exists,
    F,
    Field,
    FilteredRelation,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from newscenter.news.keyset import RowBefore
from newscenter.news.languages import site_languages
from newscenter.news.models import (
    Article,
    ArticleQuerySet,
    Author,
    ListedArticle,
    Section,
    Tag,
)
from newscenter.news.prepared import Prepared, PreparedCount, PreparedValues


def public_articles(
    *,
    section: Section | None = None,
    tag: Tag | None = None,
    author: Author | None = None,
    at: dt.datetime | None = None,
    edition: str | None = None,
    relations: bool = True,
    bound: Q | None = None,
) -> ArticleQuerySet:
    """Public articles, newest first, with what a listing shows in a fixed number of queries.

    ``at`` (never later than now) gives those public at that moment, for the older pages of
    a listing: see listing_page. ``edition`` (a site language) keeps that language's
    articles (news.languages); None keeps every language. ``relations=False`` leaves out the
    queries for the rows of the authors and of the lead images' renditions, for pages and
    feeds, which read what the article and its image keep of them (``shown_authors``,
    ``shown_renditions``). ``bound`` is a condition on the listing's keys (listing_keys), as
    an older page's range: for a tag or an author it goes in the same filter as the entries'
    own conditions, so that their table is joined once (a later filter() joins it again)."""
    at = at or timezone.now()
    articles = Article.objects.published(at=at).select_related("section", "lead_image")
    if relations:
        articles = articles.prefetch_related(
            Prefetch("authors", queryset=Author.objects.only("name", "slug")),
            "lead_image__renditions",
        )
    if section is not None:
        # The section comes by prefetch, not a join: with the join SQLite starts from the
        # (small) section table and then sorts the whole section instead of walking
        # article_section_listing_idx in order and stopping after a page.
        articles = articles.filter(section=section).select_related(None)
        articles = articles.select_related("lead_image").prefetch_related("section")
    # A tag's or author's articles along its kept entries (news.listed), newest first: the
    # links joined to the articles had each article of the tag or author read and sorted.
    listing = _listing(tag=tag, author=author)
    if listing is not None:
        entry = FilteredRelation(
            "listed", condition=Q(listed__kind=listing[0], listed__listing=listing[1])
        )
        # Public by the entries' own copy of status and date as well (the same values: the
        # walk of the entries' index then skips the others without reading an article).
        articles = articles.annotate(**{_ENTRY: entry}).filter(
            bound or Q(),
            **{f"{_ENTRY}__status__in": Article.TIMED, f"{_ENTRY}__pub_date__lte": at},
        )
    elif bound is not None:
        articles = articles.filter(bound)
    if tag is not None and author is not None:
        articles = articles.filter(authors=author)  # the tag's entries walked, the author's held
    if edition is not None:
        articles = articles.filter(site_languages().edition_filter(edition))
    date, pk = listing_keys(tag=tag, author=author)
    return articles.order_by(f"-{date}", f"-{pk}")


_ENTRY = "listed_entry"  # the join of a tag's or author's entries (FilteredRelation)


def _listing(*, tag: Tag | None, author: Author | None) -> tuple[str, int] | None:
    """The entries a listing walks: the tag's (also when an author narrows it), else the
    author's; None for neither."""
    if tag is not None:
        return ListedArticle.Kind.TAG, tag.pk
    if author is not None:
        return ListedArticle.Kind.AUTHOR, author.pk
    return None


def listed_count(*, tag: Tag | None = None, author: Author | None = None) -> int | None:
    """How many articles of one tag or one author are public now, counted on their entries
    alone (their status and date are there); None for both at once or neither."""
    listing = _listing(tag=tag, author=author)
    if listing is None or (tag is not None and author is not None):
        return None
    kind, pk = listing
    found = _listed_counted(Tag if tag is not None else Author)(pk=pk, now=timezone.now())
    if not found:  # the tag or author is gone: its entries, if any, are counted
        entries = ListedArticle.objects.filter(
            kind=kind, listing=pk, status__in=Article.TIMED, pub_date__lte=timezone.now()
        )
        return entries.count()
    counted: int = found[0].listed
    return counted


@functools.cache
def _listed_counted(model: type[Tag] | type[Author]) -> Prepared[Any]:
    """The tag or author with the count of its public entries (listed_count) beside it, its
    SQL built once (news.prepared): building the count cost more than running it."""
    kind = ListedArticle.Kind.TAG if model is Tag else ListedArticle.Kind.AUTHOR

    def build(p: SimpleNamespace) -> QuerySet[Any]:
        entries = ListedArticle.objects.filter(
            kind=kind, listing=p.pk, status__in=Article.TIMED, pub_date__lte=p.now
        )
        count = entries.order_by().values(n=Func(F("pk"), function="COUNT"))
        subject = model.objects.filter(pk=p.pk).order_by().only("pk")
        return subject.annotate(listed=Subquery(count))

    return Prepared(
        build, pk=model._meta.get_field("id"), now=ListedArticle._meta.get_field("pub_date")
    )


def listing_keys(*, tag: Tag | None = None, author: Author | None = None) -> tuple[str, str]:
    """The fields a listing from public_articles() is ordered by, newest first: the
    publication date and id, the entry's copies of them for a tag's or author's listing (so
    that a range of them bounds the walk of the entries' index)."""
    if _listing(tag=tag, author=author) is not None:
        return f"{_ENTRY}__pub_date", f"{_ENTRY}__article_id"
    return "pub_date", "id"


# What a listing's teasers never show; the dates no page of a listing reads are left out as
# well: turning them into datetimes was a fifth of reading the rows.
UNLISTED = ("body", "labels", "created", "updated", "modified")


@dataclasses.dataclass(frozen=True)
class KeysetPage:
    """One page of a newest-first listing, addressed by the article it comes after.

    ``older`` is the id to put in the next page's address; ``newer`` the id of the page
    before (``None`` for the first page, which has no anchor). Both are ``False`` when
    there is no such page.
    """

    articles: list[Article]
    older: int | bool
    newer: int | bool | None
    number: int = 1  # the page's number, counted from the newest


def listing_page(
    *,
    after: int | None,
    size: int,
    section: Section | None = None,
    tag: Tag | None = None,
    author: Author | None = None,
    edition: str | None = None,
) -> KeysetPage | None:
    """The ``size`` public articles that follow article ``after`` (newest first) in the index
    or in one section, tag or author's listing.

    Page 400 costs what page 1 costs: the anchor's (pub_date, id) bounds an index range scan
    instead of an OFFSET that reads and drops every row before it. ``None`` when the anchor
    is not a public article of the listing or nothing follows it, so that no address shows
    an empty page.
    """
    subject: dict[str, Any] = {
        "section": section,
        "tag": tag,
        "author": author,
        "edition": edition,
        "relations": False,  # a listing shows no byline, its pictures need no rendition rows
    }
    if after is None:
        rows = _read_newest(size + 1, UNLISTED, subject)
        return KeysetPage(rows[:size], _older(rows, size), False)
    reads = _older_page(size, _edition_filter(edition), **subject)
    now = timezone.now()
    anchor = reads.anchor(now=now, after=after)
    if not anchor:
        return None
    pub_date = anchor[0]
    # Public as of the anchor's date (it is public, so that is no later than now): then the
    # anchor, not the clock, is the one upper bound on pub_date, and the database starts the
    # index walk there instead of at the newest article.
    rows = reads.rows(at=pub_date, after=after)
    if not rows:
        return None
    if section is not None:
        for row in rows:
            row.section = section  # what the prefetch would give: the listing's own section
    newer = reads.newer(now=now, at=pub_date, after=after)
    # Counted along the listing's index, up to the anchor: readers see "Page 7", and what it
    # costs grows with the page's depth only as an index range, never as a table scan.
    before = reads.before(now=now, at=pub_date, after=after)
    return KeysetPage(
        rows[:size], _older(rows, size), newer[size] if len(newer) > size else None,
        before // size + 1,
    )  # fmt: skip


@dataclasses.dataclass(frozen=True)
class _OlderPage:
    """The reads of an older page of one listing (news.prepared): its anchor's date, its
    articles, the anchor of the page before (the article just newer than the ``size`` that
    end at the anchor itself; none when that page is the first) and how many come before."""

    anchor: PreparedValues
    rows: Prepared[Article]
    newer: PreparedValues
    before: PreparedCount


_DATE = Article._meta.get_field("pub_date")
_ID = Article._meta.get_field("id")


@functools.lru_cache(maxsize=256)
def _older_page(size: int, edition_filter: Q | None, **subject: Any) -> _OlderPage:
    """An older page's reads, their SQL built once per listing, size and edition: building
    the four cost more than running them."""
    keys = listing_keys(tag=subject["tag"], author=subject["author"])

    def public(at: Any, bound: Q | None = None) -> ArticleQuerySet:  # at: a Param
        # No prefetch: a section's articles are given the section (listing_page).
        return public_articles(**subject, at=at, bound=bound).prefetch_related(None)

    def rows(p: SimpleNamespace) -> ArticleQuerySet:
        return public(p.at, _after(p.at, p.after, keys)).defer(*UNLISTED)[: size + 1]

    return _OlderPage(
        # What .first() reads: the listing's order, one row.
        anchor=PreparedValues(
            lambda p: public(p.now).filter(pk=p.after).values_list("pub_date", flat=True)[:1],
            now=_DATE, after=_ID,
        ),
        rows=Prepared(rows, at=_DATE, after=_ID),
        newer=PreparedValues(
            lambda p: (
                public(p.now, _not_after(p.at, p.after, keys)).order_by(*keys)
                .values_list("pk", flat=True)[: size + 1]
            ),
            now=_DATE, at=_DATE, after=_ID,
        ),
        before=PreparedCount(
            lambda p: public(p.now, _not_after(p.at, p.after, keys)),
            now=_DATE, at=_DATE, after=_ID,
        ),
    )  # fmt: skip


def _edition_filter(edition: str | None) -> Q | None:
    """What an edition stands for with the site's languages now (a key of the reads' caches)."""
    return None if edition is None else site_languages().edition_filter(edition)


def newest_articles(
    *,
    count: int,
    section: Section | None = None,
    tag: Tag | None = None,
    author: Author | None = None,
    edition: str | None = None,
    shown: bool = False,
    after: tuple[dt.datetime, int] | None = None,
) -> list[Article]:
    """The ``count`` newest public articles of the site or of one section, tag or author,
    whole (bodies included; of their section and lead image what feeds show), as feeds
    carry them: ``public_articles(relations=False)`` cut at ``count``, its SQL built once
    (news.prepared) per listing, count and edition. ``shown``: with all the API shows of
    them (the first page of its article list: the lead image whole, with the list of its
    renditions; tags and authors come with each row, in ``labels``). ``after``: those older
    than the article at (pub_date, id), public as of its date (a later page of the list)."""
    subject = {"section": section, "tag": tag, "author": author, "edition": edition}
    # Of the joined section and lead image a feed reads the name and the file alone: their
    # other columns (JSON among them) cost a conversion each on every row.
    joined = FEED_UNREAD if section is None else FEED_UNREAD_IMAGE
    unread = API_UNREAD if shown else joined
    return _read_newest(count, unread, {**subject, "relations": False}, after)


# What the API never shows of an article, its section and its lead image (newest_articles):
# each column left out is a conversion less on every row.
API_UNREAD = (
    "created", "translated_from", "translated_from_revision", "import_key", "created_by",
    "section__translations", "section__description", "section__position",
    "lead_image__uploaded_by", "lead_image__created",
)  # fmt: skip


# What feeds never read of an article's lead image and of its section (newest_articles).
FEED_UNREAD_IMAGE = tuple(
    f"lead_image__{name}"
    for name in ("width", "height", "alt", "caption", "credit", "uploaded_by", "created",
                 "rendition_list")
)  # fmt: skip
FEED_UNREAD = (*FEED_UNREAD_IMAGE, "section__translations", "section__description",
               "section__position")  # fmt: skip


def _read_newest(
    count: int,
    deferred: tuple[str, ...],
    subject: dict[str, Any],
    after: tuple[dt.datetime, int] | None = None,
) -> list[Article]:
    edition_filter = _edition_filter(subject["edition"])
    now = timezone.now()
    if after is None:
        rows = _newest(count, edition_filter, deferred, False, **subject)(now=now)
    else:
        # Public as of the anchor's date (no later than now): the anchor, not the clock, is
        # then the one upper bound on pub_date, so the index walk starts there.
        pub_date, pk = after
        read = _newest(count, edition_filter, deferred, True, **subject)
        rows = read(now=min(pub_date, now), date=pub_date, pk=pk)
    section = subject["section"]
    if section is not None:
        for row in rows:
            row.section = section  # what the prefetch would give: the listing's own section
    return rows


@functools.lru_cache(maxsize=256)
def _newest(
    count: int,
    edition_filter: Q | None,  # what the edition stands for with the site's languages now
    deferred: tuple[str, ...],
    after: bool,
    **subject: Any,
) -> Prepared[Article]:
    """The first page of a listing, or with ``after`` the page after an anchor, its SQL built
    once (news.prepared) per listing, size and edition: building it cost more than reading
    its rows. Of the section, tag or author only the primary key is read (their instances
    key the cache by it). A section's articles are given the section itself (_read_newest)
    rather than a query for it: its prefetch, built on each call, cost as much as the
    listing's own read."""
    prefetched = subject["section"] is None
    keys = listing_keys(tag=subject["tag"], author=subject["author"])
    anchor: dict[str, Field[Any, Any]] = {
        "date": Article._meta.get_field("pub_date"),
        "pk": Article._meta.get_field("id"),
    }

    def build(p: SimpleNamespace) -> ArticleQuerySet:
        articles = public_articles(**subject, at=p.now).defer(*deferred)
        if after:
            articles = articles.filter(RowBefore(p.date, p.pk, keys))
        return (articles if prefetched else articles.prefetch_related(None))[:count]

    return Prepared(build, now=Article._meta.get_field("pub_date"), **(anchor if after else {}))


def public_teasers(ids: Sequence[int]) -> dict[int, Article]:
    """The public ones of the articles ``ids``, by id, with what a listing's teasers show
    (``public_articles(relations=False)`` without UNLISTED): a page of search results. Its
    SQL built once (news.prepared) for each number of ids."""
    if not ids:
        return {}
    values = {f"id{n}": pk for n, pk in enumerate(ids)}
    return {article.pk: article for article in _teasers(len(ids))(now=timezone.now(), **values)}


@functools.lru_cache(maxsize=64)
def _teasers(count: int) -> Prepared[Article]:
    def build(p: SimpleNamespace) -> ArticleQuerySet:
        ids = [getattr(p, f"id{n}") for n in range(count)]
        teasers = public_articles(at=p.now, relations=False).defer(*UNLISTED)
        return teasers.filter(pk__in=ids).order_by()  # looked up by id: no order

    ids = {f"id{n}": _ID for n in range(count)}
    return Prepared(build, now=_DATE, **ids)


def _after(pub_date: dt.datetime, pk: int, keys: tuple[str, str]) -> Q:
    # "(pub_date, id) < anchor", spelt so that pub_date alone bounds the index range and no
    # negation brings in IS NULL terms that would stop the database using it.
    date, id_ = keys
    return Q(**{f"{date}__lte": pub_date}) & (
        Q(**{f"{date}__lt": pub_date}) | Q(**{f"{id_}__lt": pk})
    )


def _not_after(pub_date: dt.datetime, pk: int, keys: tuple[str, str]) -> Q:
    # "(pub_date, id) >= anchor", the same way round.
    date, id_ = keys
    return Q(**{f"{date}__gte": pub_date}) & (
        Q(**{f"{date}__gt": pub_date}) | Q(**{f"{id_}__gte": pk})
    )


def _older(rows: list[Article], size: int) -> int | bool:
    return rows[size - 1].pk if len(rows) > size else False


Subject = TypeVar("Subject", Section, Tag, Author)


def listing_subject(model: type[Subject], slug: str) -> Subject:
    """The section, tag or author a listing or feed address names, as get_object_or_404
    gives it (404 when there is none), its SQL built once (news.prepared)."""
    found: list[Subject] = _by_slug(model)(slug=slug)
    if not found:
        raise Http404(f"No {model._meta.object_name} matches the given query.")
    return found[0]


@functools.cache
def _by_slug(model: type[Subject]) -> Prepared[Subject]:
    return Prepared(
        lambda p: model.objects.filter(slug=p.slug).order_by(), slug=model._meta.get_field("slug")
    )


def public_article(*, day: dt.date, slug: str) -> Article:
    """One public article with what its page shows: its tags and authors come with its row
    (``shown_tags``, ``shown_authors``), its section and lead image (with its renditions:
    ``shown_renditions``) by a join. Its SQL is built once (news.prepared): building it cost
    more than the rest of the read."""
    found = _public_by_address(now=timezone.now(), day=day, slug=slug)
    if not found:
        raise Http404("No Article matches the given query.")
    return found[0]


# What get_object_or_404 read, without its LIMIT: (pub_day, slug) is unique.
_public_by_address: Prepared[Article] = Prepared(
    lambda p: (
        public_articles(at=p.now, relations=False).filter(pub_day=p.day, slug=p.slug).order_by()
    ),
    now=Article._meta.get_field("pub_date"),
    day=Article._meta.get_field("pub_day"),
    slug=Article._meta.get_field("slug"),
)


def public_translations(article: Article) -> list[Article]:
    """The public articles of the article's translation group (itself included when public),
    in the order of the site's languages: what hreflang links, the language switcher and
    the structured data may point at. One query; none for an article with no group."""
    if article.translation_group is None:
        return [article] if article.is_public else []
    site = site_languages()
    members = Article.objects.published().filter(translation_group=article.translation_group)
    found = list(members.only("slug", "pub_day", "language", "translated_from", "headline"))
    order = {tag: n for n, tag in enumerate(site.all)}
    return sorted(found, key=lambda a: order.get(a.edition, len(order)))


def public_translations_of(articles: list[Article]) -> dict[int, list[Article]]:
    """For each article, the public articles of its translation group but itself, in the
    order of the site's languages: the API's ``translations`` map for a page, in one query."""
    groups = {a.translation_group for a in articles if a.translation_group is not None}
    if not groups:
        return {a.pk: [] for a in articles}
    site = site_languages()
    order = {tag: n for n, tag in enumerate(site.all)}
    members: dict[object, list[Article]] = {}
    public = Article.objects.published().filter(translation_group__in=groups)
    for member in public.only("slug", "pub_day", "language", "translation_group"):
        members.setdefault(member.translation_group, []).append(member)
    return {
        article.pk: sorted(
            (m for m in members.get(article.translation_group, []) if m.pk != article.pk),
            key=lambda a: order.get(a.edition, len(order)),
        )
        for article in articles
    }


def article_for_preview(*, pk: int) -> Article:
    """Any article, public or not: the caller has checked that the reader may see drafts."""
    return get_object_or_404(
        Article.objects.select_related("section", "lead_image"),
        pk=pk,
    )


def sections_in_use() -> QuerySet[Section]:
    return Section.objects.filter(articles__in=Article.objects.published()).distinct()


def sections_for_menu() -> QuerySet[Section]:
    """The sections with public articles, in the desk's order (position, then name).

    EXISTS per section rather than a join and DISTINCT: each probe stops at the first public
    article found along the section's listing index, however many articles there are.
    """
    public = Article.objects.published().filter(section=OuterRef("pk"))
    return Section.objects.filter(Exists(public)).order_by("position", "name")
