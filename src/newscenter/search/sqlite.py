"""SQLite FTS5: the default backend, in the same file as the articles.

``search_document`` holds each published article's words with diacritics folded by the
unicode61 tokeniser, followed by the extra words of Chinese, Japanese, Korean and Arabic text
(``search.scripts``). Its rowid is a *recency key* (publication time in seconds, shifted left
24 bits, plus the article id): FTS5 walks a word's matches in rowid order, so the newest
matches come first and a query stops after its ranking window instead of reading every match.
``search_key`` maps an article to its key. ``search_word`` is the vocabulary for spelling
corrections, with an FTS5 trigram index over it. A trigger removes a deleted article from the
index, whatever deleted it.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Sequence

from django.db import connections
from django.db.models import QuerySet

from newscenter.search.base import (
    LAST_CHARACTER,
    PACKED_SPAN,
    WEIGHTS,
    Document,
    Match,
    SqlBackend,
    closest_words,
    packed,
    packed_window,
    window_reach,
)
from newscenter.search.query import ParsedQuery, Term, fold
from newscenter.search.query import words as words_of
from newscenter.search.scripts import indexed, stored
from newscenter.search.stemming import stem

ID_BITS = 24
ID_MASK = (1 << ID_BITS) - 1  # article ids up to 16,777,215 fit beside the time

# A deleted article's document goes with it (kept_up makes it again after a migration).
_ARTICLE_DELETED = """CREATE TRIGGER IF NOT EXISTS search_document_article_deleted
    AFTER DELETE ON news_article BEGIN
    DELETE FROM search_document
        WHERE rowid = (SELECT key FROM search_key WHERE article_id = old.id);
    DELETE FROM search_key WHERE article_id = old.id; END"""
_SCHEMA = (
    # prefix='2 3': prefix queries of two or three letters use a ready index instead of a scan.
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_document USING fts5(
        headline, standfirst, body,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')""",
    """CREATE TABLE IF NOT EXISTS search_key (
        article_id INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE)""",
    """CREATE TABLE IF NOT EXISTS search_word (
        id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE)""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_word_trigram USING fts5(
        word, content = 'search_word', content_rowid = 'id', tokenize = 'trigram')""",
    """CREATE TRIGGER IF NOT EXISTS search_word_added AFTER INSERT ON search_word BEGIN
        INSERT INTO search_word_trigram (rowid, word) VALUES (new.id, new.word); END""",
    _ARTICLE_DELETED,
)
_DROP = (
    "DROP TRIGGER IF EXISTS search_document_article_deleted",
    "DROP TRIGGER IF EXISTS search_word_added",
    "DROP TABLE IF EXISTS search_word_trigram",
    "DROP TABLE IF EXISTS search_word",
    "DROP TABLE IF EXISTS search_key",
    "DROP TABLE IF EXISTS search_document",
)
_CORRECTION_CANDIDATES = 50
_EXPANSIONS = 50  # the most words a prefix is spelled out as
_INDEXED_PREFIX = 3  # the longest prefix with an index of its own: see prefix = '2 3'


def kept_up(using: str = "default", **kwargs: object) -> None:
    """After each ``migrate``: SQLite drops a table's triggers when a migration remakes it (its
    way of altering a column), and a later migration of ``news_article`` would leave deleted
    articles' documents in the index. The trigger missing: made again, and the documents of
    articles deleted meanwhile deleted as it would have."""
    db = connections[using]
    if db.vendor != "sqlite":
        return
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name IN "
            "('search_document', 'search_document_article_deleted')"
        )
        present = {row[0] for row in cursor.fetchall()}
        if present != {"search_document"}:
            return  # no index here, or its trigger in place
        cursor.execute(_ARTICLE_DELETED)
        gone = "article_id NOT IN (SELECT id FROM news_article)"
        cursor.execute(
            f"DELETE FROM search_document WHERE rowid IN (SELECT key FROM search_key WHERE {gone})"
        )
        cursor.execute(f"DELETE FROM search_key WHERE {gone}")


class SqliteBackend(SqlBackend):
    SCHEMA = _SCHEMA
    DROP = _DROP

    def index(self, documents: Sequence[Document]) -> None:
        self.remove(d.article_id for d in documents)
        keyed = [(recency_key(d.pub_date, d.article_id), d) for d in documents]
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_document (rowid, headline, standfirst, body) "
                "VALUES (%s, %s, %s, %s)",
                [
                    (
                        key,
                        indexed(d.headline, d.language),
                        indexed(d.standfirst, d.language),
                        indexed(d.body, d.language),
                    )
                    for key, d in keyed
                ],
            )
            cursor.executemany(
                "INSERT INTO search_key (article_id, key) VALUES (%s, %s)",
                [(d.article_id, key) for key, d in keyed],
            )

    def remove(self, article_ids: Iterable[int]) -> None:
        ids = [(i,) for i in article_ids]
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM search_document "
                "WHERE rowid = (SELECT key FROM search_key WHERE article_id = %s)",
                ids,
            )
            cursor.executemany("DELETE FROM search_key WHERE article_id = %s", ids)

    def clear(self) -> None:
        self._run(
            (
                "DELETE FROM search_document",
                "DELETE FROM search_key",
                "INSERT INTO search_word_trigram (search_word_trigram) VALUES ('delete-all')",
                "DELETE FROM search_word",
            )
        )

    def optimize(self) -> None:
        # Merges the index's segments into one: fewer b-trees to read per query.
        self._run(("INSERT INTO search_document (search_document) VALUES ('optimize')",))

    def add_words(self, words: Iterable[str]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT OR IGNORE INTO search_word (word) VALUES (%s)", [(w,) for w in words]
            )

    def matches(
        self, query: ParsedQuery, *, candidates: QuerySet, limit: int, narrowed: bool = False
    ) -> list[Match]:
        original = query
        query = self._expanded(query)
        keys = self._window(match_expression(query), candidates, limit)
        relevance = dict.fromkeys(keys, WEIGHTS[2])  # every match is at least a body match
        if not keys:
            return []
        # For each word and column, the window's matches of the word as typed (and of its
        # stem alone): all of them in one query.
        asked: list[tuple[str, Term]] = []
        weighed: list[tuple[float, int, int | None]] = []  # weight, then positions in asked
        for before, term in zip(original.terms, query.terms, strict=True):
            if term.exclude:
                continue
            # The word as typed counts in full, its stem alone for half: "valves" ranks
            # "Gate valves" above "Valve seminar".
            stemmed = stem(before.words[0], query.language) if query.stemmed(before) else None
            forms = Term(
                term.words,
                prefix=term.prefix,
                alternatives=tuple(a for a in term.alternatives if a != stemmed),
            )
            for column, weight in zip(("headline", "standfirst"), WEIGHTS, strict=False):
                forms_at, stem_at = len(asked), None
                asked.append((column, forms))
                if stemmed is not None:
                    stem_at = len(asked)
                    asked.append((column, Term((stemmed,))))
                weighed.append((weight, forms_at, stem_at))
        matched = self._in_columns(asked, low=keys[-1], high=keys[0])
        for weight, forms_at, stem_at in weighed:
            found = set(matched[forms_at])
            if stem_at is not None:
                for key in matched[stem_at]:
                    if key in relevance and key not in found:
                        relevance[key] += weight / 2
            for key in found:
                if key in relevance:
                    relevance[key] += weight
        return [Match(key & ID_MASK, relevance[key], _key_time(key)) for key in keys]

    def indexed_ids(self) -> set[int]:
        return {row[0] for row in self._fetch("SELECT article_id FROM search_key", ())}

    def texts(self, article_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        if not article_ids:
            return {}
        placeholders = ", ".join(["%s"] * len(article_ids))
        # CROSS JOIN: the keys first, each document then found by its rowid.
        sql = (
            "SELECT search_key.article_id, search_document.headline, search_document.body "
            "FROM search_key CROSS JOIN search_document "
            "ON search_document.rowid = search_key.key "
            f"WHERE search_key.article_id IN ({placeholders})"
        )
        rows = self._fetch(sql, article_ids)
        return {r[0]: (stored(r[1]), stored(r[2])) for r in rows}

    def _expanded(self, query: ParsedQuery) -> ParsedQuery:
        """Prefix terms spelled out as the words they stand for (``valv`` as ``valve OR valves``).

        FTS5 answers a prefix query by merging every matching word's list in full before it
        can return a row: 14 ms for a six-letter prefix at 100,000 articles, against 0.8 ms
        for the same words spelled out, which it merges lazily and stops reading after the
        window. Prefixes of two or three letters have an index of their own (``prefix``
        above). A longer prefix stands for at most ``_EXPANSIONS`` words, the shortest first:
        the forms of the word typed ("valve", "valves") before its longest compounds.
        A bare word also matches its stem in the query's language (search.stemming), indexed
        as an extra word: "pumpen" is ``pumpen* OR pump``.
        """
        terms = []
        for term in query.terms:
            word = fold(term.words[0])
            if not term.prefix or term.is_phrase or len(word) <= _INDEXED_PREFIX:
                terms.append(term)
                continue
            words = self._words_starting(word)
            stemmed = stem(term.words[0], query.language) if query.stemmed(term) else None
            if stemmed is not None and stemmed not in words:
                words.append(stemmed)
            terms.append(Term(term.words, exclude=term.exclude, alternatives=tuple(words)))
        return ParsedQuery(tuple(terms), query.language)

    def _words_starting(self, prefix: str) -> list[str]:
        sql = (
            "SELECT word FROM search_word WHERE word >= %s AND word < %s "
            "ORDER BY length(word), word LIMIT %s"
        )
        return [r[0] for r in self._fetch(sql, (prefix, prefix + LAST_CHARACTER, _EXPANSIONS))]

    def matches_any(self, query: ParsedQuery) -> bool:
        sql = "SELECT 1 FROM search_document WHERE search_document MATCH %s LIMIT 1"
        return bool(self._fetch(sql, (match_expression(query),)))

    def similar_words(self, word: str, *, limit: int) -> list[str]:
        grams = {word[i : i + 3] for i in range(len(word) - 2)}
        if not grams:
            return []
        sql = (
            "SELECT word FROM search_word_trigram WHERE search_word_trigram MATCH %s "
            "ORDER BY rank LIMIT %s"
        )
        expression = " OR ".join(_quoted(g) for g in sorted(grams))
        found = [r[0] for r in self._fetch(sql, (expression, _CORRECTION_CANDIDATES))]
        return closest_words(word, found, limit)

    def related(self, words: Sequence[str], *, candidates: QuerySet, limit: int) -> list[Match]:
        if not words:
            return []
        alternatives = " OR ".join(_quoted(w) for w in words)
        expression = f"{{headline standfirst}} : ({alternatives})"
        keys = self._window(expression, candidates, limit)
        if not keys:
            return []
        # How many of the words each shares: the more, the more alike.
        shared = dict.fromkeys(keys, 0.0)
        for word in words:
            term = Term((word,))
            for key in self._in_column("headline standfirst", term, low=keys[-1], high=keys[0]):
                if key in shared:
                    shared[key] += 1.0
        return [Match(key & ID_MASK, shared[key], _key_time(key)) for key in keys]

    def related_matcher(self, words: set[str], *, candidates: QuerySet) -> Postings:
        return Postings(self, words, candidates)

    def _window(self, expression: str, candidates: QuerySet, limit: int) -> list[int]:
        """Recency keys of the newest ``limit`` candidates matching ``expression``, newest first."""
        # No ORDER BY inside: the candidates are only looked up, never walked in order.
        within, params = candidates.order_by().values("id").query.sql_with_params()
        # CROSS JOIN keeps the index as the outer loop, read newest first: each match costs
        # one primary-key lookup of its article (public? in the section?), and LIMIT ends
        # the walk after the window.
        sql = (
            "SELECT search_document.rowid FROM search_document "
            f"CROSS JOIN ({within}) a ON a.id = (search_document.rowid & {ID_MASK}) "
            "WHERE search_document MATCH %s ORDER BY search_document.rowid DESC LIMIT %s"
        )
        return [key for (key,) in self._fetch(sql, (*params, expression, limit))]

    def _in_columns(
        self, asked: Sequence[tuple[str, Term]], *, low: int, high: int
    ) -> list[list[int]]:
        """``_in_column`` for each (column, term) asked, in one query: each a list of keys in
        the order FTS5 gives them."""
        if not asked:
            return []
        arm = (
            "SELECT %s, rowid FROM search_document WHERE search_document MATCH %s "
            "AND rowid >= %s AND rowid <= %s"
        )
        params: list[object] = []
        for n, (column, term) in enumerate(asked):
            params += [n, f"{{{column}}} : {_term(term)}", low, high]
        found: list[list[int]] = [[] for _ in asked]
        for n, key in self._fetch(" UNION ALL ".join([arm] * len(asked)), params):
            found[n].append(key)
        return found

    def _in_column(self, column: str, term: Term, *, low: int, high: int) -> list[int]:
        # Bounded by the window's keys, FTS5 seeks into the word's list instead of reading it.
        sql = (
            "SELECT rowid FROM search_document WHERE search_document MATCH %s "
            "AND rowid >= %s AND rowid <= %s"
        )
        return [key for (key,) in self._fetch(sql, (f"{{{column}}} : {_term(term)}", low, high))]


class Postings:
    """:meth:`SqliteBackend.related` for a batch: each wanted word's matches among the
    candidates, newest first, read from the index's own text in one query.

    Headlines and standfirsts are split with ``query.words``, which folds words as the FTS5
    tokeniser does (the premise of the spelling vocabulary too): one scan instead of an FTS5
    query per article.
    """

    def __init__(self, engine: SqliteBackend, wanted: set[str], candidates: QuerySet):
        public = set(candidates.values_list("pk", flat=True))
        self.order: list[int] = []  # the candidates' keys, newest first
        self.at: dict[int, int] = {}  # article id -> its position in order
        self.positions: dict[str, list[int]] = {}  # word -> positions holding it, ascending
        rows = engine._fetch(
            "SELECT rowid, headline, standfirst FROM search_document ORDER BY rowid DESC", ()
        )
        for key, headline, standfirst in rows:
            if key & ID_MASK not in public:
                continue  # not a candidate: scheduled, or no longer public
            self.at[key & ID_MASK] = len(self.order)
            for word in set(_words(headline)).union(_words(standfirst)) & wanted:
                self.positions.setdefault(word, []).append(len(self.order))
            self.order.append(key)
        self.depths: dict[int, dict[str, int]] = {}  # the words packed, per depth asked

    def matches(
        self, words: Sequence[str], *, exclude: int, limit: int, best: int | None = None
    ) -> list[Match]:
        """The newest ``limit`` candidates but ``exclude`` holding any of ``words``, each with
        the number of them it holds; only the ``best`` holding most, when given.

        An article among the newest ``limit`` of the union is among the newest ``limit + 1``
        of each word it holds (``exclude`` may come first), so counting those prefixes counts
        exactly: by adding the words' packed positions when the window lies within
        PACKED_SPAN (search.base.packed_window), else with a Counter.
        """
        depth = limit + 1
        held = [w for w in words if w in self.positions]
        me = self.at.get(exclude)
        lists = [self.positions[w] for w in held]
        reach = window_reach(lists, depth)
        counts: Callable[[int], int]
        if reach < PACKED_SPAN and len(held) < 256:  # each byte's sum fits
            packs = self.depths.get(depth)
            if packs is None:
                packs = self.depths[depth] = {
                    w: packed(found[:depth]) for w, found in self.positions.items()
                }
            newest, sums = packed_window([packs[w] for w in held], reach, limit=limit, exclude=me)
            counts = sums.__getitem__
        else:
            counter = collections.Counter(
                itertools.chain.from_iterable(found[:depth] for found in lists)
            )
            newest = [n for n in sorted(counter)[:depth] if n != me][:limit]
            counts = counter.__getitem__
        if best is not None:  # a stable sort keeps the newest first among equals
            newest = sorted(newest, key=counts, reverse=True)[:best]
        order = self.order
        return [Match(order[n] & ID_MASK, float(counts(n)), _key_time(order[n])) for n in newest]


def _words(text: str) -> list[str]:
    # ASCII text needs no Unicode folding: lower case is what fold() would give.
    if text.isascii():
        return _ASCII_WORD.findall(text.lower())
    return words_of(text)


_ASCII_WORD = re.compile(r"[a-z0-9]+")


def recency_key(pub_date: dt.datetime, article_id: int) -> int:
    if not 0 < article_id <= ID_MASK:
        raise ValueError(f"the SQLite search index holds article ids up to {ID_MASK:,}")
    # Multiplication, not a shift of a possibly negative time: dates before 1970 order too.
    return int(pub_date.timestamp()) * (1 << ID_BITS) + article_id


# A batch of related lists reads the same few thousand keys hundreds of thousands of times.
@functools.lru_cache(maxsize=65_536)
def _key_time(key: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(key >> ID_BITS, tz=dt.UTC)


def match_expression(query: ParsedQuery) -> str:
    """The FTS5 query for parsed terms: every word quoted, so no input is read as syntax."""
    positive = " AND ".join(_term(t) for t in query.positive)
    excluded = [_term(t) for t in query.terms if t.exclude]
    if not excluded:
        return positive
    return f"({positive}) NOT ({' OR '.join(excluded)})"


def _term(term: Term) -> str:
    if term.alternatives:
        return "(" + " OR ".join(_quoted(w) for w in (term.words[0], *term.alternatives)) + ")"
    return _quoted(" ".join(term.words)) + ("*" if term.prefix else "")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
