"""SQLite FTS5: the default backend, in the same file as the articles.

``search_document`` holds each published article's words with diacritics folded by the
unicode61 tokeniser. Its rowid is a *recency key* (publication time in seconds, shifted left
24 bits, plus the article id): FTS5 walks a word's matches in rowid order, so the newest
matches come first and a query stops after its ranking window instead of reading every match.
``search_key`` maps an article to its key. ``search_word`` is the vocabulary for spelling
corrections, with an FTS5 trigram index over it. A trigger removes a deleted article from the
index, whatever deleted it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import QuerySet

from newscenter.search.base import (
    LAST_CHARACTER,
    MARK_END,
    MARK_START,
    SNIPPET_WORDS,
    WEIGHTS,
    Document,
    Match,
    closest_words,
    vocabulary_lookup,
)
from newscenter.search.query import ParsedQuery, Term, fold

ID_BITS = 24
ID_MASK = (1 << ID_BITS) - 1  # article ids up to 16,777,215 fit beside the time

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
    """CREATE TRIGGER IF NOT EXISTS search_document_article_deleted
        AFTER DELETE ON news_article BEGIN
        DELETE FROM search_document
            WHERE rowid = (SELECT key FROM search_key WHERE article_id = old.id);
        DELETE FROM search_key WHERE article_id = old.id; END""",
)
_DROP = (
    "DROP TRIGGER IF EXISTS search_document_article_deleted",
    "DROP TRIGGER IF EXISTS search_word_added",
    "DROP TABLE IF EXISTS search_word_trigram",
    "DROP TABLE IF EXISTS search_word",
    "DROP TABLE IF EXISTS search_key",
    "DROP TABLE IF EXISTS search_document",
)
_BM25 = "bm25(search_document, {}, {}, {})".format(*WEIGHTS)
_CORRECTION_CANDIDATES = 50
_EXPANSIONS = 50  # words a prefix stands for when highlighting: enough for any page of results


class SqliteBackend:
    def __init__(self, connection):
        self.connection = connection

    def install(self) -> None:
        self._run(_SCHEMA)

    def uninstall(self) -> None:
        self._run(_DROP)

    def index(self, documents: Sequence[Document]) -> None:
        self.remove(d.article_id for d in documents)
        keyed = [(recency_key(d.pub_date, d.article_id), d) for d in documents]
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_document (rowid, headline, standfirst, body) "
                "VALUES (%s, %s, %s, %s)",
                [(key, d.headline, d.standfirst, d.body) for key, d in keyed],
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

    def matches(self, query: ParsedQuery, *, candidates: QuerySet, limit: int) -> list[Match]:
        return self._window(match_expression(query), candidates, limit)

    def highlight(self, query: ParsedQuery, article_ids: Sequence[int]) -> dict[int, tuple]:
        if not article_ids:
            return {}
        placeholders = ", ".join(["%s"] * len(article_ids))
        keys = self._fetch(
            f"SELECT key FROM search_key WHERE article_id IN ({placeholders})", article_ids
        )
        # Literal keys, not a subquery: FTS5 then seeks each row instead of testing every match.
        placeholders = ", ".join(["%s"] * len(keys))
        marks = (MARK_START, MARK_END)
        sql = (
            f"SELECT search_document.rowid & {ID_MASK}, highlight(search_document, 0, %s, %s), "
            f"snippet(search_document, 2, %s, %s, '…', {SNIPPET_WORDS}) FROM search_document "
            f"WHERE search_document MATCH %s AND search_document.rowid IN ({placeholders})"
        )
        expression = match_expression(self._expanded(query))
        params = (*marks, *marks, expression, *(k for (k,) in keys))
        return {r[0]: (r[1], r[2]) for r in self._fetch(sql, params)}

    def _expanded(self, query: ParsedQuery) -> ParsedQuery:
        """Prefix terms spelled out as the words they stand for (``valv`` as ``valve OR valves``).

        FTS5 answers a prefix query by merging every matching word's list in full before it
        can seek one row; highlighting twenty rows would cost as much as ranking thousands.
        """
        terms = []
        for term in query.terms:
            if not term.prefix or term.is_phrase:
                terms.append(term)
                continue
            words = self._words_starting(fold(term.words[0]))
            terms.append(Term(term.words, exclude=term.exclude, alternatives=tuple(words)))
        return ParsedQuery(tuple(terms))

    def _words_starting(self, prefix: str) -> list[str]:
        sql = "SELECT word FROM search_word WHERE word >= %s AND word < %s ORDER BY word LIMIT %s"
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

    def knows(self, word: str, *, prefix: bool) -> bool:
        return bool(self._fetch(*vocabulary_lookup(word, prefix=prefix)))

    def related(self, words: Sequence[str], *, candidates: QuerySet, limit: int) -> list[Match]:
        if not words:
            return []
        alternatives = " OR ".join(_quoted(w) for w in words)
        return self._window(f"{{headline standfirst}} : ({alternatives})", candidates, limit)

    def _window(self, expression: str, candidates: QuerySet, limit: int) -> list[Match]:
        # No ORDER BY inside: the candidates are only looked up, never walked in order.
        within, params = candidates.order_by().values("id").query.sql_with_params()
        # CROSS JOIN keeps the index as the outer loop, read newest first: bm25() only works
        # on rows read through MATCH, each match costs one primary-key lookup of its article
        # (public? in the section?), and LIMIT ends the walk after the window.
        sql = (
            f"SELECT search_document.rowid, {_BM25} FROM search_document "
            f"CROSS JOIN ({within}) a ON a.id = (search_document.rowid & {ID_MASK}) "
            "WHERE search_document MATCH %s ORDER BY search_document.rowid DESC LIMIT %s"
        )
        rows = self._fetch(sql, (*params, expression, limit))
        # bm25 is negative, lower is better: turned round so that higher is better.
        return [Match(key & ID_MASK, -bm25, _key_time(key)) for key, bm25 in rows]

    def _fetch(self, sql: str, params: Sequence) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _run(self, statements: Iterable[str]) -> None:
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def recency_key(pub_date: dt.datetime, article_id: int) -> int:
    if not 0 < article_id <= ID_MASK:
        raise ValueError(f"the SQLite search index holds article ids up to {ID_MASK:,}")
    # Multiplication, not a shift of a possibly negative time: dates before 1970 order too.
    return int(pub_date.timestamp()) * (1 << ID_BITS) + article_id


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
