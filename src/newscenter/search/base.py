"""The search protocol every backend implements, and what it takes and returns."""

from __future__ import annotations

import bisect
import datetime as dt
import html
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from newscenter.news.rendering import text_of
from newscenter.search.query import ParsedQuery

# Backends wrap matches in these private-use characters; the page escapes the text, then turns
# them into <mark>. Highlighting never passes document text through as HTML.
MARK_START, MARK_END = "\ue000", "\ue001"
# Weights of headline, standfirst and body in relevance: a word in the headline counts most.
WEIGHTS = (10.0, 4.0, 1.0)
# Relevance is divided by (1 + age / RECENCY_SCALE): at equal relevance a newer article wins,
# and a year-old article needs twice the relevance of today's to rank beside it.
RECENCY_SCALE = dt.timedelta(days=365)
SNIPPET_WORDS = 30
# A search ranks at most this many matches: the newest ones (by publication date) among the
# articles it may return. A word in half of 100,000 articles would otherwise cost 50,000
# relevance computations per query; with the window a query costs the same at any size, and a
# reader who pages past the 25th page of results is better served by a narrower query. Below
# the window (nearly every specific query) ranking and the total are exact. bench/search.py:
# halving the window from 1,000 took PostgreSQL's p50 for a common word at 100,000 articles
# from 28 to 16 ms.
RANKING_WINDOW = 500
# pg_trgm's default threshold: below it two words share too little to be a misspelling.
CORRECTION_MIN_SIMILARITY = 0.3
# A body longer than this is indexed by its beginning: PostgreSQL refuses a tsvector over 1 MB,
# and no reader's query needs the hundred-thousandth word of an article to find it.
MAX_INDEXED_CHARS = 200_000


@dataclass(frozen=True)
class Document:
    """What the index holds of one article: its words in three weighted fields."""

    article_id: int
    pub_date: dt.datetime  # orders the index newest first; never decides what is public
    headline: str
    standfirst: str
    body: str  # plain text
    language: str = ""  # the article's language (the site's default if it names none)

    FIELDS = ("id", "pub_date", "headline", "standfirst", "body", "language")

    @classmethod
    def from_values(cls, row: dict, default_language: str = "") -> Document:
        # A space before every tag keeps words of adjacent paragraphs apart ("end.</p><p>Next").
        body = text_of((row["body"] or "").replace("<", " <"))
        return cls(
            row["id"],
            row["pub_date"],
            _indexable(row["headline"]),
            _indexable(row["standfirst"]),
            _indexable(" ".join(body.split())[:MAX_INDEXED_CHARS]),
            row.get("language") or default_language,
        )

    def text(self) -> str:
        return f"{self.headline} {self.standfirst} {self.body}"


class Match(NamedTuple):
    """One article a query matched, as a backend reports it, before blending and paging. A
    named tuple: a search for a common word makes one for each of the window's 500 matches,
    and a frozen dataclass took more than twice as long to make."""

    article_id: int
    relevance: float  # higher is better; comparable only within one query and backend
    pub_date: dt.datetime


@dataclass(frozen=True)
class Hit:
    article_id: int
    score: float
    headline: str = ""  # with MARK_START/MARK_END around matches
    snippet: str = ""

    @property
    def headline_html(self) -> SafeString:
        return marked_html(self.headline)

    @property
    def snippet_html(self) -> SafeString:
        return marked_html(self.snippet)


@dataclass(frozen=True)
class Results:
    hits: Sequence[Hit]
    total: int
    # True when more articles matched than were ranked: ``total`` is then a lower bound.
    more: bool = False
    corrected: ParsedQuery | None = None  # set when a spelling correction produced these hits


class Backend(Protocol):
    """One per database. ``candidates`` is a queryset of the articles a search may return
    (public, filtered by section, tag or date): a backend narrows it by text, never widens it.
    """

    def install(self) -> None: ...

    def uninstall(self) -> None: ...

    def index(self, documents: Sequence[Document]) -> None: ...

    def remove(self, article_ids: Iterable[int]) -> None: ...

    def clear(self) -> None: ...

    def add_words(self, words: Iterable[str]) -> None: ...

    def optimize(self) -> None:
        """Bring the index into its fastest shape after a large change (a full reindex)."""
        ...

    def matches(
        self, query: ParsedQuery, *, candidates: QuerySet, limit: int, narrowed: bool = False
    ) -> list[Match]:
        """The newest ``limit`` candidates that match, newest first, with their relevance.
        ``narrowed``: a filter keeps only part of the public articles as candidates."""
        ...

    def texts(self, article_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """(headline, body) as indexed, per article: what highlighting works on."""
        ...

    def indexed_ids(self) -> set[int]:
        """Every article the index holds (for ``newscenter doctor``)."""
        ...

    def matches_any(self, query: ParsedQuery) -> bool: ...

    def similar_words(self, word: str, *, limit: int) -> list[str]: ...

    def knows(self, word: str, *, prefix: bool) -> bool:
        """Whether the vocabulary has ``word`` (or, with ``prefix``, a word it begins)."""
        ...

    def known_among(self, words: Iterable[str]) -> list[str]:
        """Those of ``words`` the vocabulary has."""
        ...

    def related(self, words: Sequence[str], *, candidates: QuerySet, limit: int) -> list[Match]:
        """Candidates whose headline or standfirst share any of ``words``, newest first, each
        with the number of those words it shares as its relevance."""
        ...

    def related_matcher(self, words: set[str], *, candidates: QuerySet) -> RelatedMatcher:
        """:meth:`related` for many articles in a row (a batch): asked only for ``words``
        among ``candidates``, it may read what it needs once."""
        ...


class RelatedMatcher(Protocol):
    def matches(
        self, words: Sequence[str], *, exclude: int, limit: int, best: int | None = None
    ) -> list[Match]:
        """What ``related(words, ...)`` returns for the candidates but article ``exclude``;
        with ``best``, only that many of it, the most relevant first (newest first among
        equals)."""
        ...


@dataclass(frozen=True)
class QueryEachTime:
    """The plain batch matcher: one :meth:`Backend.related` query per article."""

    backend: Backend
    candidates: QuerySet

    def matches(
        self, words: Sequence[str], *, exclude: int, limit: int, best: int | None = None
    ) -> list[Match]:
        others = self.candidates.exclude(pk=exclude)
        found = self.backend.related(words, candidates=others, limit=limit)
        # sorted() keeps equal relevance in the backend's order: newest first.
        return found if best is None else sorted(found, key=lambda m: -m.relevance)[:best]


LAST_CHARACTER = "\U0010ffff"  # sorts after any character a word can hold


class SqlBackend:
    """What both backends share: the connection, their DDL, and the vocabulary's SQL.

    Subclasses give ``SCHEMA`` and ``DROP`` (statements run in order) and the searching.
    """

    SCHEMA: tuple[str, ...] = ()
    DROP: tuple[str, ...] = ()

    def __init__(self, connection):
        self.connection = connection

    def install(self) -> None:
        self._run(self.SCHEMA)

    def related(self, words: Sequence[str], *, candidates: QuerySet, limit: int) -> list[Match]:
        raise NotImplementedError

    def related_matcher(self, words: set[str], *, candidates: QuerySet) -> RelatedMatcher:
        return QueryEachTime(self, candidates)  # type: ignore[arg-type]

    def uninstall(self) -> None:
        self._run(self.DROP)

    def knows(self, word: str, *, prefix: bool) -> bool:
        if prefix:
            sql = "SELECT 1 FROM search_word WHERE word >= %s AND word < %s LIMIT 1"
            return bool(self._fetch(sql, (word, word + LAST_CHARACTER)))
        return bool(self._fetch("SELECT 1 FROM search_word WHERE word = %s", (word,)))

    def known_among(self, words: Iterable[str]) -> list[str]:
        words = tuple(words) or ("",)
        placeholders = ", ".join(["%s"] * len(words))
        sql = f"SELECT word FROM search_word WHERE word IN ({placeholders})"
        return [r[0] for r in self._fetch(sql, words)]

    def _fetch(self, sql: str, params: Sequence) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _execute(self, sql: str, params: Sequence) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _run(self, statements: Iterable[str]) -> None:
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


# --- The related window, counted in bytes -------------------------------------------------------
#
# Ranking related articles counts, for each article, how many of its lists (the articles
# holding each of its words, or each of its tags) hold each of the newest few hundred articles
# of their union. Counted with a Counter that is about 2,400 additions an article, each a
# dictionary update. Here each list is an integer with a byte per position (newest first) once
# for the batch, and an article's counts are the sum of its lists' integers: one addition of a
# few kilobytes per list, in C. Lists reaching past PACKED_SPAN positions keep the Counter.
PACKED_SPAN = 2048  # positions (bytes) an integer covers: ten windows of 200


def packed(positions: Sequence[int], weight: int = 1) -> int:
    """``positions`` (ascending) below PACKED_SPAN as an integer holding ``weight`` in byte p
    for each position p."""
    below = positions[: bisect.bisect_left(positions, PACKED_SPAN)]
    if not below:
        return 0
    buffer = bytearray(below[-1] + 1)
    for position in below:
        buffer[position] = weight
    return int.from_bytes(buffer, "little")


def window_reach(lists: Iterable[Sequence[int]], depth: int) -> int:
    """The last position the ``depth`` smallest of the union of ``lists`` (ascending, each of
    distinct positions) can take: a list of ``depth`` or more holds ``depth`` positions up to
    its ``depth``-th, so the union's ``depth`` smallest are at or below the lowest of those;
    with no such list, the last position of any. -1 for no positions at all."""
    lists = list(lists)
    full = [values[depth - 1] for values in lists if len(values) >= depth]
    if full:
        return min(full)
    return max((values[-1] for values in lists if values), default=-1)


def packed_window(
    packs: Iterable[int], reach: int, *, limit: int, exclude: int | None
) -> tuple[list[int], bytearray]:
    """The first ``limit`` positions up to ``reach`` held by any of the packed lists but
    ``exclude``, ascending, and the sums: byte p is the sum of the lists' weights at p.

    The caller keeps each sum below 256 (a byte) and ``reach`` below PACKED_SPAN, where every
    list's positions are packed."""
    total = sum(packs)
    sums = bytearray(total.to_bytes(max((total.bit_length() + 7) // 8, reach + 1), "little"))
    if exclude is not None and 0 <= exclude <= reach:
        sums[exclude] = 0
    held = itertools.compress(range(reach + 1), sums)
    return list(itertools.islice(held, limit)), sums


def closest_words(word: str, found: Iterable[str], limit: int) -> list[str]:
    """The words most like ``word`` by trigrams, best first, that are similar enough."""
    scored = sorted(
        ((trigram_similarity(word, w), w) for w in set(found) if w != word), reverse=True
    )
    return [w for score, w in scored if score >= CORRECTION_MIN_SIMILARITY][:limit]


def trigram_similarity(a: str, b: str) -> float:
    """Shared trigrams over all trigrams, padded as pg_trgm pads, so both backends agree."""
    x, y = _trigrams(a), _trigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _indexable(text: str) -> str:
    # Stored text must not carry the highlight markers, or a page could get an unclosed <mark>.
    # Nor the separator of indexed extra words (search.scripts), nor NUL.
    return (
        (text or "")
        .replace(MARK_START, "")
        .replace(MARK_END, "")
        .replace("\x00", "")
        .replace("\x1f", " ")
    )


def marked_html(text: str) -> SafeString:
    """``text`` escaped, with the markers as ``<mark>``: safe, since every character of the
    document was escaped first and the markers are ours (stripped from indexed text)."""
    escaped = html.escape(text, quote=False)
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308
