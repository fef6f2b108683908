"""What each page costs the server alone, page cache off: for bench/serve.py's flatness figures.

    .venv/bin/python bench/dbcost.py DATA_DIR --paths JSON [--repetitions 200] [--budget 30]

Each page goes through Django's test client (URL routing, view, queries, templates; no
network, no gunicorn), ``--repetitions`` times (or for ``--budget`` seconds, at least five
times) after two warm-up requests, timing the whole
request and, separately, the time spent in SQL. Run on corpora of different sizes, equal
figures show that a page's cost does not grow with the number of articles.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def uncached() -> None:
    """Before Django's settings are read: every request does the page's work (the page cache
    off), and the API's rate limits (120 anonymous requests a minute) are not what is timed."""
    os.environ["NEWSCENTER_PAGE_CACHE_SECONDS"] = "0"
    os.environ["NEWSCENTER_API_ANONYMOUS_RATE_LIMIT"] = "100000000"
    os.environ["NEWSCENTER_API_RATE_LIMIT"] = "100000000"


def measure(paths: dict[str, str], repetitions: int, budget: float) -> dict:
    from django.db import connection
    from django.test import Client

    import newscenter.asgi  # noqa: F401  (as the server starts: what it loads, then frozen)

    client = Client()
    results = {}
    for page, path in paths.items():
        sql: list[float] = []

        def timed(execute, *args, sql=sql):
            started = time.perf_counter()
            try:
                return execute(*args)
            finally:
                sql.append(time.perf_counter() - started)

        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        with connection.execute_wrapper(timed):
            client.get(path)
            queries = len(sql)
            totals, in_sql, cpu = [], [], []
            deadline = time.perf_counter() + budget
            # A page that grows with the corpus stops at the budget, not after hours.
            while len(totals) < repetitions and (len(totals) < 5 or time.perf_counter() < deadline):
                sql.clear()
                started, started_cpu = time.perf_counter(), time.process_time()
                answer = client.get(path)
                if answer.status_code != 200:  # a refusal (429) is cheap: it must not be timed
                    raise SystemExit(f"{path}: {answer.status_code} after {len(totals)} requests")
                totals.append((time.perf_counter() - started) * 1000)
                # This process's CPU time: on a busy machine, what the page costs the server
                # without the time it waited for a core.
                cpu.append((time.process_time() - started_cpu) * 1000)
                in_sql.append(sum(sql) * 1000)
        results[page] = {
            "queries": queries,
            "p50_ms": statistics.median(totals),
            "p95_ms": _percentile(totals, 95),
            "p99_ms": _percentile(totals, 99),
            "sql_p50_ms": statistics.median(in_sql),
            "cpu_p50_ms": statistics.median(cpu),
            "bytes": len(response.content),
            "repetitions": len(totals),
        }
    return results


def _percentile(values: list[float], n: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[n - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--budget", type=float, default=30, help="seconds per page at most")
    parser.add_argument("--paths", required=True, help="JSON: page name -> path")
    args = parser.parse_args()
    uncached()
    sys.path.insert(0, str(HERE))
    from throwaway import throwaway_site

    throwaway_site(args.data_dir)
    print(json.dumps(measure(json.loads(args.paths), args.repetitions, args.budget)))


if __name__ == "__main__":
    main()
