"""The desk's search: every article, drafts included, whose headline, standfirst, body or
source name contains each of the words typed, found through a trigram index.

The desk's list matched ``icontains`` over those four columns, which reads every body at each
search (5 s at 100,000 articles on PostgreSQL). Here the same question is an index lookup:

- SQLite: ``search_article_text``, an FTS5 table with the trigram tokeniser over the four
  columns of ``news_article`` itself (external content: the text is not stored twice). Triggers
  keep it in step in the writing transaction, whatever writes the row: an external-content
  entry can only be removed with the text it was made from, which only a trigger still sees.
  A phrase of the trigram tokeniser matches a substring, case folded across Unicode (Ä finds
  ä, Д finds д, which SQLite's LIKE, and so ``icontains``, did not).
- PostgreSQL: a ``pg_trgm`` GIN index over the four columns, asked with ``ILIKE``.

A word of fewer than :data:`MIN_CHARS` characters has no trigram to look up: the caller
matches it as before (``icontains``), among the articles the longer words found.
"""

from __future__ import annotations

from django.db import connection, connections

# The trigram index finds substrings of three characters or more.
MIN_CHARS = 3

TABLE = "search_article_text"
_COLUMNS = ("headline", "standfirst", "body", "source_name")
_LISTED = ", ".join(_COLUMNS)

_SQLITE_SCHEMA = (
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_article_text USING fts5(
        headline, standfirst, body, source_name,
        content = 'news_article', content_rowid = 'id', tokenize = 'trigram')""",
    """CREATE TRIGGER IF NOT EXISTS search_article_text_added AFTER INSERT ON news_article
        BEGIN
        INSERT INTO search_article_text (rowid, headline, standfirst, body, source_name)
            VALUES (new.id, new.headline, new.standfirst, new.body, new.source_name);
        END""",
    """CREATE TRIGGER IF NOT EXISTS search_article_text_removed AFTER DELETE ON news_article
        BEGIN
        INSERT INTO search_article_text
            (search_article_text, rowid, headline, standfirst, body, source_name)
            VALUES ('delete', old.id, old.headline, old.standfirst, old.body, old.source_name);
        END""",
    # Only a change of the text: a workflow step (the status) leaves the index alone.
    """CREATE TRIGGER IF NOT EXISTS search_article_text_changed
        AFTER UPDATE OF id, headline, standfirst, body, source_name ON news_article BEGIN
        INSERT INTO search_article_text
            (search_article_text, rowid, headline, standfirst, body, source_name)
            VALUES ('delete', old.id, old.headline, old.standfirst, old.body, old.source_name);
        INSERT INTO search_article_text (rowid, headline, standfirst, body, source_name)
            VALUES (new.id, new.headline, new.standfirst, new.body, new.source_name);
        END""",
    "INSERT INTO search_article_text (search_article_text) VALUES ('rebuild')",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS search_article_text_added",
    "DROP TRIGGER IF EXISTS search_article_text_removed",
    "DROP TRIGGER IF EXISTS search_article_text_changed",
    "DROP TABLE IF EXISTS search_article_text",
)
_POSTGRES_SCHEMA = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS search_article_text_trgm ON news_article USING gin (
        headline gin_trgm_ops, standfirst gin_trgm_ops, body gin_trgm_ops,
        source_name gin_trgm_ops)""",
)
_POSTGRES_DROP = ("DROP INDEX IF EXISTS search_article_text_trgm",)
_SCHEMA = {"sqlite": _SQLITE_SCHEMA, "postgresql": _POSTGRES_SCHEMA}
_DROP = {"sqlite": _SQLITE_DROP, "postgresql": _POSTGRES_DROP}


def install(db) -> None:
    """Make the index and fill it with the articles there are (a migration's step)."""
    with db.cursor() as cursor:
        for statement in _SCHEMA.get(db.vendor, ()):
            cursor.execute(statement)


def uninstall(db) -> None:
    with db.cursor() as cursor:
        for statement in _DROP.get(db.vendor, ()):
            cursor.execute(statement)


def kept_up(using: str = "default", **kwargs) -> None:
    """After each ``migrate``: SQLite drops a table's triggers when a migration remakes the
    table (its way of altering a column), so a ``news_article`` remade by a later migration
    would leave the index behind. Triggers missing: made again, and the index rebuilt."""
    db = connections[using]
    if db.vendor != "sqlite":
        return  # PostgreSQL keeps an index through ALTER TABLE
    with db.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE %s", [f"{TABLE}%"])
        present = {row[0] for row in cursor.fetchall()}
    wanted = {f"{TABLE}_added", f"{TABLE}_removed", f"{TABLE}_changed"}
    if TABLE in present and not wanted <= present:
        install(db)


def indexed(term: str) -> bool:
    """Whether the index can find ``term`` (else it is matched by ``icontains``)."""
    return len(term) >= MIN_CHARS


# PostgreSQL: the rows a sample reads to tell a common word from a rare one.
SAMPLE_ROWS = 500


def sampled_share(terms: list[str]) -> tuple[float, float] | None:
    """PostgreSQL: the share of a sample of the articles holding every one of ``terms``, and
    the planner's count of articles; None elsewhere, or when the table was never analysed.

    A GIN index cannot stop early: for a word in most articles it hands over nearly every row
    and the database reads each body again to confirm it (2 s at 100,000 articles), where
    reading the list newest first finds a page of matches in a few hundred rows. A sample of
    the table's pages (TABLESAMPLE SYSTEM) tells the two apart in a few milliseconds.

    The same pages each time (REPEATABLE): a word is judged the same way at each search, and
    the pages are in memory after the first (18 ms at a million articles, 35-45 ms when each
    search read pages of its own).
    """
    if connection.vendor != "postgresql":
        return None
    where, params = _where(terms, _READ)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'news_article'::regclass")
        (rows,) = cursor.fetchone()
        if not rows or rows <= 0:
            return None
        percent = min(100.0, 100.0 * SAMPLE_ROWS / rows)
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE "  # noqa: S608 (named columns only)
            f"{where}) FROM (SELECT {_LISTED} FROM news_article "
            "TABLESAMPLE SYSTEM (%s) REPEATABLE (0) LIMIT %s) AS sample",
            [*params, percent, 2 * SAMPLE_ROWS],
        )
        sampled, held = cursor.fetchone()
    return (held / sampled if sampled else 0.0), float(rows)


def newest_holding(newest, terms: list[str], wanted: int) -> list[tuple]:
    """PostgreSQL: the ids and dates of the first ``wanted`` articles of ``newest`` (a queryset
    of articles in the list's order, newest first, cut to a window) that contain every one of
    ``terms``, of any length; fewer when the window holds fewer.

    The words are tested outside the cut, so that the window is read by the list's index and
    stops at the ``wanted``-th match. Asked as ``id IN (the window)``, a window of 77,000
    articles was joined to every article tested for the words: 26 s at a million."""
    sql, params = newest.values_list("id", "pub_date", *_COLUMNS).query.sql_with_params()
    where, patterns = _where(terms, _READ)
    with connections[newest.db].cursor() as cursor:
        cursor.execute(
            f"SELECT id, pub_date FROM ({sql}) AS newest WHERE {where} "  # noqa: S608
            "ORDER BY pub_date DESC, id DESC LIMIT %s",
            [*params, *patterns, wanted],
        )
        return cursor.fetchall()


def matching(terms: list[str]) -> tuple[str, list]:
    """SQL selecting the ids of the articles containing every one of ``terms`` (each of
    :data:`MIN_CHARS` characters or more) in one of the four columns, and its parameters."""
    if not terms or not all(indexed(t) for t in terms):
        raise ValueError("every term needs at least three characters")
    if connection.vendor == "sqlite":
        phrases = " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)
        return "SELECT rowid FROM search_article_text WHERE search_article_text MATCH %s", [phrases]
    where, params = _where(terms, _INDEXED)
    return f"SELECT id FROM news_article WHERE {where}", params  # noqa: S608


def matching_ids(terms: list[str], limit: int) -> list[int]:
    """The ids of up to ``limit`` articles containing every one of ``terms``."""
    sql, params = matching(terms)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s", [*params, limit])
        return [row[0] for row in cursor.fetchall()]


# Each column's test of a word: the trigram index answers ILIKE (not UPPER(...) LIKE); rows
# read one by one are tested as Django's icontains tests them on PostgreSQL, as the list's
# filters are (and faster: 35 ms where ILIKE took 47, over the same 1,303 bodies).
_INDEXED = "{} ILIKE %s"
_READ = "UPPER({}::text) LIKE UPPER(%s)"


def _where(terms: list[str], test: str) -> tuple[str, list[str]]:
    each = "(" + " OR ".join(test.format(c) for c in _COLUMNS) + ")"
    patterns = [p for t in terms for p in [_like_pattern(t)] * len(_COLUMNS)]
    return " AND ".join([each] * len(terms)), patterns


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
