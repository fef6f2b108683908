"""SQLite FTS5: the default backend, in the same file as the articles.

``search_document`` holds each published article's words (rowid = article id) with diacritics
folded by the unicode61 tokeniser. ``search_word`` is the vocabulary for spelling corrections,
with an FTS5 trigram index over it. A trigger removes a deleted article from the index, whatever
deleted it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import QuerySet

from newscenter.search.base import (
    MARK_END,
    MARK_START,
    RECENCY_SCALE,
    SNIPPET_WORDS,
    WEIGHTS,
    Document,
    Hit,
    closest_words,
)
from newscenter.search.query import ParsedQuery, Term

_SCHEMA = (
    # prefix='2 3': prefix queries of two or three letters use a ready index instead of a scan.
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_document USING fts5(
        headline, standfirst, body,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')""",
    """CREATE TABLE IF NOT EXISTS search_word (
        id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE)""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_word_trigram USING fts5(
        word, content = 'search_word', content_rowid = 'id', tokenize = 'trigram')""",
    """CREATE TRIGGER IF NOT EXISTS search_word_added AFTER INSERT ON search_word BEGIN
        INSERT INTO search_word_trigram (rowid, word) VALUES (new.id, new.word); END""",
    """CREATE TRIGGER IF NOT EXISTS search_document_article_deleted
        AFTER DELETE ON news_article BEGIN
        DELETE FROM search_document WHERE rowid = old.id; END""",
)
_DROP = (
    "DROP TRIGGER IF EXISTS search_document_article_deleted",
    "DROP TRIGGER IF EXISTS search_word_added",
    "DROP TABLE IF EXISTS search_word_trigram",
    "DROP TABLE IF EXISTS search_word",
    "DROP TABLE IF EXISTS search_document",
)
_BM25 = "bm25(search_document, {}, {}, {})".format(*WEIGHTS)
_AGE_SCALE_DAYS = RECENCY_SCALE.days
_CORRECTION_CANDIDATES = 50


class SqliteBackend:
    def __init__(self, connection):
        self.connection = connection

    def install(self) -> None:
        self._run(_SCHEMA)

    def uninstall(self) -> None:
        self._run(_DROP)

    def index(self, documents: Iterable[Document]) -> None:
        rows = [(d.article_id, d.headline, d.standfirst, d.body) for d in documents]
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM search_document WHERE rowid = %s", [r[:1] for r in rows]
            )
            cursor.executemany(
                "INSERT INTO search_document (rowid, headline, standfirst, body) "
                "VALUES (%s, %s, %s, %s)",
                rows,
            )

    def remove(self, article_ids: Iterable[int]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM search_document WHERE rowid = %s", [(i,) for i in article_ids]
            )

    def clear(self) -> None:
        self._run(
            (
                "DELETE FROM search_document",
                "INSERT INTO search_word_trigram (search_word_trigram) VALUES ('delete-all')",
                "DELETE FROM search_word",
            )
        )

    def add_words(self, words: Iterable[str]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT OR IGNORE INTO search_word (word) VALUES (%s)", [(w,) for w in words]
            )

    def search(
        self,
        query: ParsedQuery,
        *,
        candidates: QuerySet,
        limit: int,
        offset: int = 0,
        by_date: bool = False,
    ) -> tuple[list[Hit], int]:
        within, params = candidates.values("id", "pub_date").query.sql_with_params()
        order = "pub_date DESC" if by_date else "score"
        # The window count sits outside the subquery: bm25() cannot run inside a window query.
        sql = (
            "SELECT id, score, count(*) OVER () FROM ("
            f"SELECT search_document.rowid AS id, a.pub_date AS pub_date, {_BM25} / (1.0 + "
            f"(julianday('now') - julianday(a.pub_date)) / {_AGE_SCALE_DAYS}) AS score "
            # CROSS JOIN keeps the index as the outer loop: bm25() works only on rows read
            # through MATCH, and each match then costs one primary-key lookup of its article.
            f"FROM search_document CROSS JOIN ({within}) a ON a.id = search_document.rowid "
            f"WHERE search_document MATCH %s) ORDER BY {order}, id DESC LIMIT %s OFFSET %s"
        )
        rows = self._fetch(sql, (*params, match_expression(query), limit, offset))
        # bm25 is negative, lower is better: scores are turned round so that higher is better.
        return [Hit(r[0], -r[1]) for r in rows], (rows[0][2] if rows else 0)

    def highlight(self, query: ParsedQuery, article_ids: Sequence[int]) -> dict[int, tuple]:
        if not article_ids:
            return {}
        marks = (MARK_START, MARK_END)
        placeholders = ", ".join(["%s"] * len(article_ids))
        sql = (
            "SELECT rowid, highlight(search_document, 0, %s, %s), "
            f"snippet(search_document, 2, %s, %s, '…', {SNIPPET_WORDS}) "
            f"FROM search_document WHERE search_document MATCH %s AND rowid IN ({placeholders})"
        )
        rows = self._fetch(sql, (*marks, *marks, match_expression(query), *article_ids))
        return {r[0]: (r[1], r[2]) for r in rows}

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

    def related(
        self, words: Sequence[str], *, candidates: QuerySet, limit: int
    ) -> list[tuple[int, float]]:
        if not words:
            return []
        within, params = candidates.values("id").query.sql_with_params()
        sql = (
            f"SELECT search_document.rowid, {_BM25} AS score FROM search_document "
            f"WHERE search_document MATCH %s AND search_document.rowid IN ({within}) "
            "ORDER BY score LIMIT %s"
        )
        expression = " OR ".join(_quoted(w) for w in words)
        return [(r[0], -r[1]) for r in self._fetch(sql, (expression, *params, limit))]

    def _fetch(self, sql: str, params: Sequence) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _run(self, statements: Iterable[str]) -> None:
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def match_expression(query: ParsedQuery) -> str:
    """The FTS5 query for parsed terms: every word quoted, so no input is read as syntax."""
    positive = " AND ".join(_term(t) for t in query.positive)
    excluded = [_term(t) for t in query.terms if t.exclude]
    if not excluded:
        return positive
    return f"({positive}) NOT ({' OR '.join(excluded)})"


def _term(term: Term) -> str:
    return _quoted(" ".join(term.words)) + ("*" if term.prefix else "")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
