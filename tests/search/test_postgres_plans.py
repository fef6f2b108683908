"""PostgreSQL's search reads its window without parallel workers: a search stops after 500
rows, and starting workers cost more than the walk they would share (bench/search.py)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def test_a_phrase_is_narrowed_by_the_index_to_the_rows_with_its_words_in_a_row(publish):
    # Every article holds both words; one holds them side by side. The GIN index cannot check
    # positions: without the pairs of adjacent words it handed every row to the recheck.
    for n in range(40):
        publish(headline=f"Valve {n} and pump", body="<p>A pump was fitted to each valve.</p>")
    publish(headline="Pump valve 7 tested", body="<p>The pump valve passed.</p>")
    assert found('"pump valve"') == ["Pump valve 7 tested"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the index, whatever 41 rows cost
        cursor.execute(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT article_id FROM search_document "
            "WHERE document @@ search_phrase('pump valve')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    scan = re.search(r"Bitmap Index Scan on search_document_gin \(actual rows=(\d+)", plan)
    assert scan, plan
    assert scan.group(1) == "1", plan


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
def test_phrases_with_their_pairs_find_what_they_did(publish, query, headlines):
    publish(headline="Pump valve tested in Zürich")
    publish(headline="The valve, pump and seal")
    assert found(query) == headlines
