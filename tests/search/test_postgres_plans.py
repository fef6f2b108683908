"""PostgreSQL's search reads its window without parallel workers: a search stops after 500
rows, and starting workers cost more than the walk they would share (bench/search.py)."""

import importlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newscenter.search.backends import backend
from newscenter.search.searching import SearchRequest, search
from tests.search.test_contract import found

FREE_PARALLEL = (
    "parallel_setup_cost",
    "parallel_tuple_cost",
    "min_parallel_table_scan_size",
    "min_parallel_index_scan_size",
)
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL planner setting"
)


def test_the_search_window_is_planned_without_parallel_workers(publish):
    for n in range(30):
        publish(headline=f"Valve line {n} opens", body="<p>The valve line opens today.</p>")
    with CaptureQueriesContext(connection) as captured:
        assert search(SearchRequest("valve")).total == 30
    window = next(q["sql"] for q in captured.captured_queries if "ts_rank" in q["sql"])
    with connection.cursor() as cursor:
        # Parallel plans made free: the planner takes them wherever a table allows them.
        for setting in FREE_PARALLEL:
            cursor.execute(f"SET LOCAL {setting} = 0")
        cursor.execute("SET LOCAL enable_indexscan = off")  # a scan of the table, parallel or not
        cursor.execute("EXPLAIN " + window)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "on search_document" in plan
    # (The articles' table may go parallel: a setting of its own, not the search's.)
    assert not re.search(r"Parallel [^\n]* on search_document", plan), plan


@pytest.mark.django_db
def test_the_gin_index_keeps_its_pending_list_small():
    # Edits wait in the GIN index's pending list, which the planner costs page by page: with
    # PostgreSQL's 4 MB list, 2,000 edits of a Chinese corpus of 20,000 made it test every
    # row's vector for a rare word (480 ms) instead of reading the index (6 ms, bench/search.py).
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'search_document_gin'")
        (options,) = cursor.fetchone()
    assert "gin_pending_list_limit=64" in (options or []), options


@pytest.mark.parametrize(
    ("query", "headlines"),
    [
        ('"pump valve"', ["Pump valve tested in Zürich"]),
        ('"valve tested in zurich"', ["Pump valve tested in Zürich"]),  # accents fold
        ('"tested pump"', []),
        ('"valve pump"', ["The valve, pump and seal"]),  # punctuation is no gap
        ('pump -"pump valve"', ["The valve, pump and seal"]),
        ('"zurich pump"', []),
    ],
)
def test_phrases_find_their_words_in_a_row(publish, query, headlines):
    publish(headline="Pump valve tested in Zürich")
    publish(headline="The valve, pump and seal")
    assert found(query) == headlines


def test_the_withdrawn_pairs_of_words_are_taken_out_where_they_were_added(publish):
    """search/0008: a database indexed with the pairs (lexemes behind a space) keeps each
    article's words and stems, loses the pairs and the pairs' functions, and finds as before."""
    publish(headline="Pump valve tested in Zürich")
    with connection.cursor() as cursor:
        cursor.execute("SELECT document::text FROM search_document")
        (before,) = cursor.fetchone()
        cursor.execute(
            "CREATE FUNCTION search_pairs(tsvector) RETURNS tsvector "
            "AS $$ SELECT $1 $$ LANGUAGE sql IMMUTABLE"
        )
        cursor.execute(
            "UPDATE search_document SET document = "
            "document || array_to_tsvector(ARRAY[' 0a1b2c3d4e5f', ' 9f8e7d6c5b4a'])"
        )
    migration = importlib.import_module("newscenter.search.migrations.0008_no_phrase_pairs")
    with connection.schema_editor() as editor:
        migration.remove_pairs(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT document::text FROM search_document")
        assert cursor.fetchone()[0] == before
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'search_pairs'")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'search_document_gin'")
        assert cursor.fetchone()[0] == 1
    assert found('"pump valve"') == ["Pump valve tested in Zürich"]


def _window_plan(query: str) -> tuple[str, list[str]]:
    """The plan of the search's window query for ``query`` as on a large table (no scan of
    every row), and the headlines the search found."""
    with CaptureQueriesContext(connection) as captured:
        headlines = found(query)
    window = next(q["sql"] for q in captured.captured_queries if "ts_rank" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + window)
        return "\n".join(row[0] for row in cursor.fetchall()), headlines


def test_a_phrase_of_words_in_few_rows_is_read_from_the_gin_index(publish):
    """The planner estimates a phrase's rows as its words' rows: walking the newest rows for
    a phrase that is rarer than its words tested every row at 100,000 (bench/search.py)."""
    for n in range(30):
        publish(headline=f"Line {n} opens", body="<p>The line opens today.</p>")
    for n in range(6):
        publish(headline=f"Valve test {n}", body="<p>A pump with a valve.</p>")
    publish(headline="Pump valve tested")
    backend().optimize()
    plan, headlines = _window_plan('"pump valve"')
    assert headlines == ["Pump valve tested"]
    assert "search_document_gin" in plan, plan
    assert "search_document_recent" not in plan, plan
