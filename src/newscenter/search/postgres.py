"""PostgreSQL full-text search: a weighted tsvector per article under a GIN index.

The text search configuration ``newscenter`` is ``simple`` (no stemming, no stop words, as in
the SQLite backend) with ``unaccent`` in front, so diacritics fold on both sides of a match.
For a language with a stemmer, ``newscenter_german`` (and one per language of
``search.stemming``) is that language's configuration with ``unaccent`` in front: an
article's vector also holds the stems of its words in its language that differ from the words,
and a query's bare words also match their stems in the query's language.
``search_word`` is the vocabulary for spelling corrections under a pg_trgm index.
Both extensions are trusted: a database owner can create them without being a superuser.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import QuerySet

from newscenter.search.base import (
    WEIGHTS,
    Document,
    Match,
    SqlBackend,
    closest_words,
)
from newscenter.search.query import ParsedQuery, Term
from newscenter.search.scripts import indexed
from newscenter.search.stemming import ALGORITHMS, config

_SCHEMA = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'newscenter') THEN
            CREATE TEXT SEARCH CONFIGURATION newscenter (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION newscenter
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
        END IF;
    END $$""",
    *(
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'newscenter_{name}') THEN
                CREATE TEXT SEARCH CONFIGURATION newscenter_{name} (COPY = {name});
                ALTER TEXT SEARCH CONFIGURATION newscenter_{name}
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {name}_stem;
            END IF;
        END $$"""
        for name in sorted(set(ALGORITHMS.values()))
    ),
    """CREATE TABLE IF NOT EXISTS search_document (
        article_id bigint PRIMARY KEY,
        pub_date timestamptz NOT NULL,
        headline text NOT NULL,
        standfirst text NOT NULL,
        body text NOT NULL,
        document tsvector NOT NULL)
        WITH (toast_tuple_target = 8160)""",
    # How many words (positions) the vector holds besides its stems: what ranking divides by.
    "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS words integer NOT NULL DEFAULT 0",
    """CREATE OR REPLACE FUNCTION search_positions(tsvector) RETURNS integer AS $$
        SELECT coalesce(sum(coalesce(array_length(positions, 1), 1)), 0)::integer
        FROM unnest($1) $$ LANGUAGE sql IMMUTABLE""",
    # A query tests and ranks each row's vector: kept in the row (compressed if need be) it
    # costs a decompression, moved out to TOAST a lookup in another table per row as well.
    "ALTER TABLE search_document ALTER COLUMN document SET STORAGE MAIN",
    # A search reads a window of 500 rows and stops: parallel workers only cost their start
    # (a common word in one section: 86 ms with two workers, 25 ms without, at 100,000).
    "ALTER TABLE search_document SET (parallel_workers = 0)",
    # Triggers rather than a foreign key remove a deleted article's row, whatever deleted it:
    # a foreign key would also forbid TRUNCATE of the articles, which Django's flush uses.
    """CREATE OR REPLACE FUNCTION search_document_forget() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE search_document;
        ELSE
            DELETE FROM search_document WHERE article_id = OLD.id;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER search_document_article_deleted AFTER DELETE ON news_article
        FOR EACH ROW EXECUTE FUNCTION search_document_forget()""",
    """CREATE OR REPLACE TRIGGER search_document_articles_truncated
        AFTER TRUNCATE ON news_article
        FOR EACH STATEMENT EXECUTE FUNCTION search_document_forget()""",
    "CREATE INDEX IF NOT EXISTS search_document_gin ON search_document USING gin (document)",
    # New entries wait in the index's pending list until it outgrows this limit (4 MB by
    # default), and the planner costs a GIN scan by those pages too: after 2,000 edits of a
    # Chinese corpus of 20,000 (388 pending pages) it took a sequential scan testing every
    # row's vector for a rare word, 480 ms against 6 ms. 64 kB, the least, keeps it small.
    "ALTER INDEX search_document_gin SET (gin_pending_list_limit = 64)",
    # Newest first: a query on a common word walks this and stops after the ranking window.
    """CREATE INDEX IF NOT EXISTS search_document_recent
        ON search_document (pub_date DESC, article_id DESC)""",
    "CREATE TABLE IF NOT EXISTS search_word (word text PRIMARY KEY)",
    # GiST, not GIN: it returns the nearest words by trigram distance straight from the index
    # (ORDER BY <-> LIMIT), where GIN must compute the similarity of every candidate.
    """CREATE INDEX IF NOT EXISTS search_word_trigram
        ON search_word USING gist (word gist_trgm_ops)""",
)
# Pairs of adjacent words as extra lexemes were tried and withdrawn (search/0008): these
# functions are dropped where they were made.
PAIRS_DROP = (
    "DROP FUNCTION IF EXISTS search_phrase(text)",
    "DROP FUNCTION IF EXISTS search_pairs(tsvector)",
)
_DROP = (
    "DROP TRIGGER IF EXISTS search_document_article_deleted ON news_article",
    "DROP TRIGGER IF EXISTS search_document_articles_truncated ON news_article",
    "DROP FUNCTION IF EXISTS search_document_forget()",
    "DROP TABLE IF EXISTS search_word",
    "DROP TABLE IF EXISTS search_document",
    "DROP FUNCTION IF EXISTS search_positions(tsvector)",
    *PAIRS_DROP,
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS newscenter",
    *(
        f"DROP TEXT SEARCH CONFIGURATION IF EXISTS newscenter_{name}"
        for name in sorted(set(ALGORITHMS.values()))
    ),
)
# ts_rank's weights are given for the labels D, C, B, A; the headline is A, the standfirst B
# and the body D, in the same proportions as the SQLite backend's bm25 weights.
_RANK_WEIGHTS = (
    f"'{{{WEIGHTS[2] / WEIGHTS[0]:.3f}, 0, {WEIGHTS[1] / WEIGHTS[0]:.3f}, 1.0}}'::float4[]"
)
# Normalisation 1 of ts_rank, rank / log2(1 + length), so that a long article does not win by
# length alone; the length is the article's words (``words``), not its stems as well, so that a
# language with a stemmer does not make its articles look longer.
_RANK = (
    f"ts_rank({_RANK_WEIGHTS}, r.document, q.query, 0)"
    " / CASE WHEN r.words > 0 THEN ln(r.words + 1) / ln(2) ELSE 1 END"
)
_FIELDS = (("headline", "A"), ("standfirst", "B"), ("body", "D"))
# The words of the fields with their extra words (search.scripts), then, in the article's
# language's configuration, the stems that are not already among those words. The columns
# keep the text as written, for highlighting.
_WORDS = " || ".join(
    f"setweight(to_tsvector('newscenter', v.{column}_words), '{label}')"
    for column, label in _FIELDS
)
_STEMS = " || ".join(
    f"setweight(to_tsvector(v.config::regconfig, v.{column}), '{label}')"
    for column, label in _FIELDS
)
_VECTORS = (
    f"CROSS JOIN LATERAL (SELECT {_WORDS} AS words) w "
    "CROSS JOIN LATERAL (SELECT CASE WHEN v.config = '' THEN ''::tsvector "
    f"ELSE ts_delete({_STEMS}, tsvector_to_array(w.words)) END AS stems) s"
)
_CORRECTION_CANDIDATES = 50
# The planner estimates a phrase's rows as the rows holding all its words: it keeps no
# statistics of words in a row. For "dislanket valvenpre" (23,393 rows estimated, 242 found at
# 100,000) it walks the newest rows for 1,000 matches and tests all 100,000 (290 ms), where
# the GIN index's rows of both words, tested and sorted, take 64 ms. Below this share of the
# table a phrase's matches are taken from the GIN index; above it a phrase of two very common
# words is often common itself, and the walk stops early. The bench's 200 phrases at 100,000:
# rows tested at p95 100,000 as the planner chose, 96,300 with the index always, 37,600 with
# this share (0.4 to 0.6 alike).
_PHRASE_INDEX_SHARE = 0.5


class PostgresBackend(SqlBackend):
    SCHEMA = _SCHEMA
    DROP = _DROP

    def index(self, documents: Iterable[Document]) -> None:
        documents = list(documents)
        if not documents:
            return
        rows = [
            (d.article_id, d.pub_date, d.headline, d.standfirst, d.body,
             indexed(d.headline), indexed(d.standfirst), indexed(d.body), config(d.language))
            for d in documents
        ]  # fmt: skip
        columns = [list(column) for column in zip(*rows, strict=True)]
        sql = (
            "INSERT INTO search_document "
            "(article_id, pub_date, headline, standfirst, body, document, words) "
            "SELECT v.id, v.pub_date, v.headline, v.standfirst, v.body, w.words || s.stems, "
            "search_positions(w.words) "
            "FROM unnest(%s::bigint[], %s::timestamptz[], %s::text[], %s::text[], %s::text[], "
            "%s::text[], %s::text[], %s::text[], %s::text[]) "
            "AS v (id, pub_date, headline, standfirst, body, "
            "headline_words, standfirst_words, body_words, config) "
            f"{_VECTORS} "
            # An article deleted since it was read is not indexed: no trigger would remove it.
            "WHERE EXISTS (SELECT 1 FROM news_article a WHERE a.id = v.id) "
            "ON CONFLICT (article_id) DO UPDATE SET pub_date = EXCLUDED.pub_date, "
            "headline = EXCLUDED.headline, "
            "standfirst = EXCLUDED.standfirst, body = EXCLUDED.body, "
            "document = EXCLUDED.document, words = EXCLUDED.words"
        )
        self._execute(sql, columns)

    def remove(self, article_ids: Iterable[int]) -> None:
        sql = "DELETE FROM search_document WHERE article_id = ANY(%s)"
        self._execute(sql, [list(article_ids)])

    def clear(self) -> None:
        self._run(("TRUNCATE search_document, search_word",))

    def optimize(self) -> None:
        # Fresh statistics let the planner choose between the GIN index (a rare word) and
        # the newest-first walk (a common one); autovacuum does the same in time.
        # The GIN index's pending list is merged first: the planner counts its pages.
        self._run((
            "SELECT gin_clean_pending_list('search_document_gin')",
            "ANALYZE search_document",
            "ANALYZE search_word",
        ))  # fmt: skip

    def add_words(self, words: Iterable[str]) -> None:
        sql = "INSERT INTO search_word (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING"
        self._execute(sql, [sorted(set(words))])

    def matches(
        self, query: ParsedQuery, *, candidates: QuerySet, limit: int, narrowed: bool = False
    ) -> list[Match]:
        tsquery, params = ts_query(query)
        indexed_first = _has_phrase(query) and self._words_rows_few(tsquery, params)
        return self._window(
            tsquery, params, candidates, limit, narrowed=narrowed, indexed_first=indexed_first
        )

    def indexed_ids(self) -> set[int]:
        return {row[0] for row in self._fetch("SELECT article_id FROM search_document", ())}

    def texts(self, article_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        sql = "SELECT article_id, headline, body FROM search_document WHERE article_id = ANY(%s)"
        return {r[0]: (r[1], r[2]) for r in self._fetch(sql, [list(article_ids)])}

    def matches_any(self, query: ParsedQuery) -> bool:
        tsquery, params = ts_query(query)
        sql = f"SELECT EXISTS (SELECT 1 FROM search_document WHERE document @@ {tsquery})"
        return bool(self._fetch(sql, params)[0][0])

    def known_among(self, words: Iterable[str]) -> list[str]:
        # One array parameter: the few hundred spellings one slip away as placeholders cost
        # the driver more to bind than the server spends on the lookup.
        sql = "SELECT word FROM search_word WHERE word = ANY(%s::text[])"
        return [r[0] for r in self._fetch(sql, [list(words)])]

    def similar_words(self, word: str, *, limit: int) -> list[str]:
        sql = "SELECT word FROM search_word ORDER BY word <-> %s LIMIT %s"
        found = [r[0] for r in self._fetch(sql, (word, _CORRECTION_CANDIDATES))]
        return closest_words(word, found, limit)

    def related(self, words: Sequence[str], *, candidates: QuerySet, limit: int) -> list[Match]:
        if not words:
            return []
        # Labels A and B: the headline and the standfirst, as in the SQLite backend.
        alternatives = " | ".join(f"{_lexeme(w)}:AB" for w in words)
        return self._window("to_tsquery('newscenter', %s)", [alternatives], candidates, limit)

    def _words_rows_few(self, tsquery: str, params: Sequence) -> bool:
        """Whether the planner expects the rows holding all the query's words to be fewer than
        _PHRASE_INDEX_SHARE of the table: one plan, no rows read."""
        sql = (
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM search_document d WHERE d.document @@ {tsquery} "
            "UNION ALL SELECT 1 FROM search_document"
        )
        matching, every = (
            p["Plan Rows"] for p in self._fetch(sql, params)[0][0][0]["Plan"]["Plans"]
        )
        return matching < _PHRASE_INDEX_SHARE * every

    def _window(
        self,
        tsquery: str,
        query_params,
        candidates: QuerySet,
        limit: int,
        *,
        narrowed=False,
        indexed_first=False,
    ) -> list[Match]:
        """The newest ``limit`` candidates matching ``tsquery``, each with its rank.

        Nearly every indexed article is a candidate (the index holds the public and timed
        ones), so the newest matches are first taken from the index alone, twice as many as
        the window, and only those are looked up among the candidates: a word in 9,000
        articles looked every one of them up (24 of its 46 ms at 100,000). When the lookup
        leaves fewer than the window while the index had more to give (a filter by section,
        say, which the caller tells as ``narrowed``), the window is read again with every
        match looked up. ``indexed_first``: every match is found through the GIN index and
        sorted, never by walking the newest rows (a phrase of common words in few rows)."""
        within, params = candidates.order_by().values("id").query.sql_with_params()
        if narrowed:  # most of the newest matches would be left out: each is looked up
            return self._window_of_all(tsquery, query_params, within, params, limit)
        first = 2 * limit
        matching = (
            f"SELECT d.article_id, d.pub_date FROM search_document d WHERE d.document @@ {tsquery}"
        )
        if indexed_first:  # OFFSET 0: planned alone, with no order to walk for
            matching = f"SELECT * FROM ({matching} OFFSET 0) d"
        sql = (
            f"WITH m AS MATERIALIZED ({matching} "
            "ORDER BY d.pub_date DESC, d.article_id DESC LIMIT %s), "
            "w AS (SELECT m.article_id, m.pub_date FROM m "
            f"JOIN ({within}) a ON a.id = m.article_id "
            "ORDER BY m.pub_date DESC, m.article_id DESC LIMIT %s) "
            f"SELECT w.article_id, {_RANK}, w.pub_date, (SELECT count(*) FROM m) FROM w "
            "JOIN search_document r ON r.article_id = w.article_id, "
            f"(SELECT {tsquery} AS query) q ORDER BY w.pub_date DESC, w.article_id DESC"
        )
        rows = self._fetch(sql, (*query_params, first, *params, limit, *query_params))
        if len(rows) < limit and (not rows or rows[0][3] == first):
            return self._window_of_all(tsquery, query_params, within, params, limit)
        return [Match(r[0], float(r[1]), r[2]) for r in rows]

    def _window_of_all(self, tsquery, query_params, within, params, limit) -> list[Match]:
        # No ORDER BY inside: the candidates are only looked up, never walked in order.
        # The inner query finds the newest matches (walking search_document_recent for a
        # common word, the GIN index for a rare one) and carries only ids and dates through
        # its sort; only the window's rows are read again to be ranked.
        sql = (
            f"SELECT w.article_id, {_RANK}, w.pub_date FROM ("
            "SELECT d.article_id, d.pub_date FROM search_document d "
            f"JOIN ({within}) a ON a.id = d.article_id WHERE d.document @@ {tsquery} "
            "ORDER BY d.pub_date DESC, d.article_id DESC LIMIT %s) w "
            "JOIN search_document r ON r.article_id = w.article_id, "
            f"(SELECT {tsquery} AS query) q ORDER BY w.pub_date DESC, w.article_id DESC"
        )
        rows = self._fetch(sql, (*params, *query_params, limit, *query_params))
        return [Match(r[0], float(r[1]), r[2]) for r in rows]


def ts_query(query: ParsedQuery) -> tuple[str, list[str]]:
    """SQL for a tsquery of parsed terms; the words travel as parameters, never as syntax."""
    parts, params = [], []
    stems_in = config(query.language)
    for term in query.terms:
        sql, param = _term(term)
        params.append(param)
        if stems_in and query.stemmed(term):
            # A bare word, or its stem in the query's language. The configuration's name is
            # ours (search.stemming), never the reader's text.
            sql = f"({sql} || plainto_tsquery('{stems_in}', %s))"
            params.append(term.words[0])
        parts.append(f"!!({sql})" if term.exclude else sql)
    return "(" + " && ".join(parts) + ")", params


def _has_phrase(query: ParsedQuery) -> bool:
    return any(term.is_phrase and not term.prefix for term in query.positive)


def _term(term: Term) -> tuple[str, str]:
    if term.prefix:
        # Words are letters and digits only (see query.py), so quoting them as a lexeme is safe.
        return "to_tsquery('newscenter', %s)", _lexeme(term.words[-1]) + ":*"
    return "phraseto_tsquery('newscenter', %s)", " ".join(term.words)


def _lexeme(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"
