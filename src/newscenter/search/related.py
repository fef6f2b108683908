"""Articles to read next: those sharing tags and the section first, then the most alike in text.

Ranked when articles change, not when a page is read: :func:`follow_change` (a listener of
the domain's change signal) ranks the changed articles again and their neighbours, the
articles whose lists they may enter or leave, and stores the lists (``RelatedArticle``);
:func:`related_articles` reads one with one query (the page, the API, the export).

One ranking, two ways in:

- :func:`related_ids` for one article: reads the article's neighbourhood from the
  database, the newest articles sharing its tags or section and the newest that share words
  of its headline and standfirst;
- :class:`Ranker` for many at once (a large import, :func:`rebuild`): reads the same from a
  :class:`Corpus` held in memory, and the words through the backend's batch matcher
  (``Backend.related_matcher``), so that ten thousand articles cost a few queries.

Both hand the same inputs to :func:`_ranked`, so they store the same lists (a test compares
them). Articles are ranked among the *timed* ones (scheduled and embargoed too, as the search
index holds them) and a few more than a page shows are kept: a reader's list is the first of
them that are public at the time of reading, so an article published at its time needs no
new ranking to appear.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import itertools
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from newscenter.news.bulk import insert_values
from newscenter.news.changes import Change
from newscenter.news.models import Article, RelatedArticle
from newscenter.news.prepared import Prepared
from newscenter.search.backends import backend
from newscenter.search.base import PACKED_SPAN, Match, packed, packed_window, window_reach
from newscenter.search.query import words

log = logging.getLogger(__name__)

RELATED_COUNT = 4
# Ranks stored per article: a page shows the first RELATED_COUNT public ones, so a scheduled
# or withdrawn article among them leaves the list full.
KEPT = RELATED_COUNT + 4
# On a change, besides the articles listing a changed one, the newest this many sharing a
# tag, the section, or words with it are ranked again: those its change may bring it into.
_REACH = 12
# Ranking one article from the database costs about six times its share of one pass over
# every article (Ranker: 8 ms against 1.4 ms an article at 10,000, measured): above a fifth
# of the timed articles to rank again (and more than a handful), the pass is cheaper.
_PASS_FROM = 5
_PASS_MIN = 200
_POOL = 20  # candidates taken from each signal before they are merged
_QUERY_WORDS = 12
# Related articles are ranked among the newest matches of their words: an article page must
# stay cheap, and a recent related article serves a reader better than an old one.
_WINDOW = 200
_MIN_WORD_CHARS = 4
# A shared tag says more than a shared section; either says more than shared words, whose
# score is scaled to at most 1.
_TAG_POINTS, _SECTION_POINTS = 2, 1
# An article that shares neither section nor tag is related only when its headline and
# standfirst share at least this many of the article's words (of four letters or more, not
# among the commonest): one shared word ("valves", "Ebersfurt") is a coincidence, and the
# backends' relevance cannot say so (it is relative, and not comparable between them).
MIN_SHARED_WORDS = 2
_COMMON = frozenset(
    {
        "about", "after", "also", "been", "before", "from", "have", "into", "more", "most",
        "news", "only", "other", "over", "some", "than", "that", "their", "them", "then",
        "there", "these", "they", "this", "were", "what", "when", "which", "while", "will",
        "with", "year", "years",
    }
)  # fmt: skip


# A tuple, not a frozen dataclass: made for every article of a rebuild, and a tuple is made in
# a fifth of the time.
class Neighbour(NamedTuple):
    """An article sharing the section or tags with the one ranked for, and how much."""

    pk: int
    same_section: bool
    shared_tags: int


def query_words(headline: str, standfirst: str) -> list[str]:
    """The words an article is matched by: the first few long ones of headline and standfirst."""
    seen: dict[str, None] = {}
    for word in words(f"{headline} {standfirst}"):
        if len(word) >= _MIN_WORD_CHARS and not word.isdigit():
            seen.setdefault(word)
    return list(seen)[:_QUERY_WORDS]


# A batch asks again for the same articles' words (each is a stranger to many others).
@functools.lru_cache(maxsize=50_000)
def telling_words(headline: str, standfirst: str) -> frozenset[str]:
    return frozenset(
        word
        for word in words(f"{headline} {standfirst}")
        if len(word) >= _MIN_WORD_CHARS and not word.isdigit() and word not in _COMMON
    )


def _ranked(
    *,
    neighbours: Sequence[Neighbour],
    matches: Sequence[Match],
    limit: int,
    wanted: Sequence[str],
    telling: Callable[[list[int]], dict[int, frozenset[str]]],
) -> list[int]:
    """The ``limit`` best of ``neighbours`` (the newest sharing the section or a tag, newest
    first) and ``matches`` (the newest sharing words, newest first); a match that is no
    neighbour only when it shares :data:`MIN_SHARED_WORDS` telling words (``telling`` gives
    the telling words of the ids asked for)."""
    rows = []
    for position, other in enumerate(neighbours):
        same = int(other.same_section)
        rows.append((-other.shared_tags, -same, position, other.pk, other.shared_tags, same))
    rows.sort()
    scores: dict[int, float] = {}
    for *_, pk, shared_tags, same in rows[:_POOL]:
        scores[pk] = float(shared_tags * _TAG_POINTS + same * _SECTION_POINTS)
    # sorted() keeps equal relevance in the backend's order: newest first.
    best_matches = sorted(matches, key=lambda m: m.relevance, reverse=True)[:_POOL]
    best_matches = _alike(best_matches, scores, wanted, telling)
    best = max((m.relevance for m in best_matches), default=0.0)
    if best > 0:
        for match in best_matches:
            scores[match.article_id] = scores.get(match.article_id, 0.0) + match.relevance / best
    return sorted(scores, key=scores.__getitem__, reverse=True)[:limit]


def _alike(matches: list[Match], neighbours, wanted: Sequence[str], telling) -> list[Match]:
    own = {word for word in wanted if word not in _COMMON}
    strangers = [m.article_id for m in matches if m.article_id not in neighbours]
    if not strangers:
        return matches
    found = telling(strangers)
    alike = {pk for pk in strangers if len(own.intersection(found.get(pk, ()))) >= MIN_SHARED_WORDS}
    return [m for m in matches if m.article_id in neighbours or m.article_id in alike]


# --- Reading and storing -------------------------------------------------------------------


def related_articles(article: Article, *, limit: int = RELATED_COUNT) -> list[Article]:
    """The public articles to show under ``article``, best first (headline, address and date
    loaded): one query, cut to ``limit`` by the database, its SQL built once (news.prepared):
    building it cost three times what reading the rows did."""
    return _related_read(limit)(now=timezone.now(), article=article.pk)


@functools.cache
def _related_read(limit: int) -> Prepared[Article]:
    return Prepared(
        lambda p: (
            Article.objects.published(at=p.now)
            .filter(listed_in__article_id=p.article)
            # The filter's join: one row per place in the article's list.
            .order_by("listed_in__rank")
            .only(*_SHOWN)[:limit]
        ),
        now=Article._meta.get_field("pub_date"),
        article=RelatedArticle._meta.get_field("article"),
    )


_SHOWN = ("headline", "slug", "pub_day", "pub_date", "status", "language")


def public_lists(*, at: dt.datetime, limit: int = RELATED_COUNT) -> dict[int, list[int]]:
    """Every public article's related article ids at ``at``, best first: one query (the
    static export)."""
    public = Article.objects.published(at=at)
    rows = (
        RelatedArticle.objects.filter(article__in=public, related__in=public)
        .order_by("article_id", "rank")
        .values_list("article_id", "related_id")
    )
    found: dict[int, list[int]] = {}
    for pk, other in rows.iterator(chunk_size=10_000):
        listed = found.setdefault(pk, [])
        if len(listed) < limit:
            listed.append(other)
    return found


def follow_change(change: Change) -> None:
    """Listener of the domain's ``content_changed``: rank again what the change may reach."""
    if change.articles:
        refresh(change.articles)


@transaction.atomic
def refresh(changed: Iterable[int]) -> int:
    """Store the lists of ``changed`` and of the articles their change may reach: those that
    list them now and the newest sharing a tag, the section or words with them. Returns how
    many lists were stored."""
    changed = set(changed)
    targets = changed | set(
        RelatedArticle.objects.filter(related__in=changed).values_list("article_id", flat=True)
    )
    if not _pass_cheaper(targets):
        targets |= _reached(changed)
    if _pass_cheaper(targets):
        return rebuild()
    articles = _timed().filter(pk__in=targets).prefetch_related("tags")
    ranked = {article.pk: related_ids(article, limit=KEPT) for article in articles}
    return _store(targets, ranked)


@transaction.atomic
def rebuild() -> int:
    """Rank every timed article again, in one pass (``newscenter reindex``, large imports)."""
    ranker = Ranker(Corpus.of(_timed()))
    ranked = {pk: ranker.ids(pk, limit=KEPT) for pk in ranker.corpus.order}
    RelatedArticle.objects.all().delete()
    return _store((), ranked)


def _pass_cheaper(targets: set[int]) -> bool:
    return len(targets) >= _PASS_MIN and len(targets) * _PASS_FROM >= _timed().count()


def _store(targets: Iterable[int], ranked: dict[int, list[int]]) -> int:
    RelatedArticle.objects.filter(article_id__in=list(targets)).delete()
    rows = [(pk, other, rank) for pk, others in ranked.items() for rank, other in enumerate(others)]
    # A rebuild stores eight rows an article: plain values, no model object made for each.
    insert_values(RelatedArticle, ("article_id", "related_id", "rank"), rows)
    return len(ranked)


def _timed() -> QuerySet[Article]:
    """What lists are ranked among: the public articles and those timed to become public."""
    return Article.objects.filter(status__in=Article.TIMED)


def _reached(changed: set[int]) -> set[int]:
    """The newest _REACH timed articles sharing a tag, the section or words with each changed
    article: the lists its change may bring it into."""
    reached: set[int] = set()
    newest = _timed().order_by("-pub_date", "-pk").values_list("pk", flat=True)
    for article in _timed().filter(pk__in=changed).prefetch_related("tags"):
        tag_ids = [tag.pk for tag in article.tags.all()]
        if tag_ids:
            reached.update(newest.filter(tags__in=tag_ids).distinct()[:_REACH])
        if article.section_id is not None:
            reached.update(newest.filter(section_id=article.section_id)[:_REACH])
        wanted = query_words(article.headline, article.standfirst)
        others = _timed().exclude(pk=article.pk).order_by()
        matches = backend().related(wanted, candidates=others, limit=_REACH)
        reached.update(match.article_id for match in matches)
    return reached


# --- One article, from the database --------------------------------------------------------


def related_ids(article: Article, *, limit: int = RELATED_COUNT) -> list[int]:
    """The ids of the ``limit`` timed articles most related to ``article``, best first."""
    others = _timed().exclude(pk=article.pk)
    tag_ids = frozenset(tag.pk for tag in article.tags.all())
    wanted = query_words(article.headline, article.standfirst)
    return _ranked(
        neighbours=_neighbours(article.section_id, tag_ids, others),
        matches=backend().related(wanted, candidates=others.order_by(), limit=_WINDOW),
        limit=limit,
        wanted=wanted,
        telling=_telling_from_database,
    )


def _telling_from_database(ids: list[int]) -> dict[int, frozenset[str]]:
    rows = Article.objects.filter(pk__in=ids).values_list("pk", "headline", "standfirst")
    return {pk: telling_words(headline, standfirst) for pk, headline, standfirst in rows}


def _neighbours(section_id: int | None, tag_ids: frozenset[int], others) -> list[Neighbour]:
    """The newest _WINDOW of ``others`` sharing a tag or the section, newest first: a section
    of a million articles must not be counted through on every article page."""
    tagged = Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag_id__in=tag_ids)
    # EXISTS rather than a join: no duplicate rows, so the window walks the newest-first
    # index and stops, with no DISTINCT to sort.
    shared = Q(Exists(tagged)) if tag_ids else Q(pk__in=[])
    if section_id is not None:
        shared |= Q(section_id=section_id)
    # Counted per row of the window by a correlated subquery: a join would break the walk.
    count = tagged.values("article_id").annotate(n=Count("*")).values("n")  # type: ignore[misc]
    window = (
        others.filter(shared)
        .order_by("-pub_date", "-pk")
        .annotate(shared_tags=Coalesce(Subquery(count), 0))
        .values_list("pk", "section_id", "shared_tags")[:_WINDOW]
    )
    return [
        Neighbour(pk, section_id is not None and section == section_id, shared)
        for pk, section, shared in window
    ]


# --- Many articles, from memory ------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """What ranking reads of every public article, held in memory for a batch."""

    order: list[int]  # public article ids, newest first (-pub_date, -id)
    sections: dict[int, int | None]
    tags: dict[int, list[int]]
    texts: dict[int, tuple[str, str]]  # headline, standfirst

    @classmethod
    def of(cls, articles: QuerySet[Article]) -> Corpus:
        """The corpus of ``articles``, read in two queries."""
        order: list[int] = []
        sections: dict[int, int | None] = {}
        texts: dict[int, tuple[str, str]] = {}
        rows = articles.order_by("-pub_date", "-pk").values_list(
            "pk", "section_id", "headline", "standfirst"
        )
        for pk, section, headline, standfirst in rows.iterator(chunk_size=5000):
            order.append(pk)
            sections[pk] = section
            texts[pk] = (headline, standfirst)
        tags: dict[int, list[int]] = {}
        through = Article.tags.through.objects.filter(article__in=articles).order_by()
        for pk, tag in through.values_list("article_id", "tag_id").iterator(chunk_size=5000):
            tags.setdefault(pk, []).append(tag)
        return cls(order, sections, tags, texts)


class Ranker:
    """Related article ids for any public article of a :class:`Corpus`: :meth:`ids` ranks one
    from lists built once, and the words through the backend's batch matcher."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.position = {pk: n for n, pk in enumerate(corpus.order)}
        self.query = {pk: query_words(*corpus.texts[pk]) for pk in corpus.order}
        self.by_section: dict[int, list[int]] = {}
        self.by_tag: dict[int, list[int]] = {}
        for n, pk in enumerate(corpus.order):  # positions, ascending: newest first
            section = corpus.sections.get(pk)
            if section is not None:
                self.by_section.setdefault(section, []).append(n)
            for tag in corpus.tags.get(pk, ()):
                self.by_tag.setdefault(tag, []).append(n)
        # The same lists' first positions packed a byte a position (search.base.packed): a
        # shared tag counts 2 and the section 1, so that a position's byte, 2 x shared tags +
        # same section, orders as _ranked does (most shared tags, then the section).
        depth = _WINDOW + 1
        self.packed_section = {k: packed(v[:depth], 1) for k, v in self.by_section.items()}
        self.packed_tag = {k: packed(v[:depth], 2) for k, v in self.by_tag.items()}
        wanted = {word for query in self.query.values() for word in query}
        self.matcher = backend().related_matcher(wanted, candidates=_timed().order_by())
        self._telling_words: dict[int, frozenset[str]] = {}

    def ids(self, pk: int, *, limit: int = RELATED_COUNT) -> list[int]:
        section = self.corpus.sections.get(pk)
        tag_ids = frozenset(self.corpus.tags.get(pk, ()))
        return _ranked(
            neighbours=self._neighbours(pk, section, tag_ids),
            matches=self.matcher.matches(self.query[pk], exclude=pk, limit=_WINDOW, best=_POOL),
            limit=limit,
            wanted=self.query[pk],
            telling=self._telling,
        )

    def _telling(self, ids: list[int]) -> dict[int, frozenset[str]]:
        """The telling words of ``ids``, each worked out once for the pass (an article is a
        stranger in the matches of many others: 19 times on average in an import's)."""
        kept, texts = self._telling_words, self.corpus.texts
        for pk in ids:
            if pk not in kept and pk in texts:
                kept[pk] = telling_words(*texts[pk])
        return kept

    def _neighbours(self, pk: int, section: int | None, tag_ids: frozenset[int]) -> list[Neighbour]:
        """The _POOL best of the newest _WINDOW sharing a tag or the section (as the page's
        query takes them), best first: all that :func:`_ranked` keeps of them."""
        depth = _WINDOW + 1
        me = self.position[pk]
        order = self.corpus.order
        tags = [tag for tag in tag_ids if tag in self.by_tag]
        lists = [self.by_tag[tag] for tag in tags]
        if section is not None and section in self.by_section:
            lists.append(self.by_section[section])
        reach = window_reach(lists, depth)
        if reach < PACKED_SPAN and 2 * len(tags) + 1 < 256:  # each byte's sum fits
            packs = [self.packed_tag[tag] for tag in tags]
            if section is not None and section in self.packed_section:
                packs.append(self.packed_section[section])
            window, sums = packed_window(packs, reach, limit=_WINDOW, exclude=me)
            # A stable sort: the newest first among equals, as below.
            best = sorted(window, key=sums.__getitem__, reverse=True)[:_POOL]
            return [Neighbour(order[n], bool(sums[n] & 1), sums[n] >> 1) for n in best]
        # An article among the newest `depth` of the union is among the newest `depth` of each
        # list holding it, so counting those prefixes counts its shared tags exactly.
        shared = collections.Counter(
            itertools.chain.from_iterable(
                self.by_tag[tag][:depth] for tag in tag_ids if tag in self.by_tag
            )
        )
        same = set(self.by_section.get(section, ())[:depth]) if section is not None else set()
        window = [n for n in sorted(same.union(shared))[:depth] if n != me][:_WINDOW]
        # _ranked's order (most shared tags, then the section, then the newest) on positions,
        # which run newest first: two stable sorts on keys looked up in C, not one by a lambda;
        # a Neighbour made only for the few it keeps.
        window.sort(key=same.__contains__, reverse=True)
        best = sorted(window, key=shared.__getitem__, reverse=True)[:_POOL]
        return [Neighbour(order[n], n in same, shared[n]) for n in best]
