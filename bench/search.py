"""Search latency on generated corpora, for each backend, printed as a table.

    .venv/bin/python bench/search.py [--sizes 10000,100000] [--backends sqlite,postgres]
                                     [--queries 300] [--corpus latin|cjk]
                                     [--fill services|raw] [--database NAME]

Each backend and size runs in its own process with its own database: a SQLite file in a
temporary folder, or a fresh database on the throw-away PostgreSQL server that
`scripts/test-postgres` starts on loopback. Articles are made through the services (so the
index is filled by the same after-commit path as in production), then a fixed mix of queries
is timed through `newscenter.search.searching.search`: ranking, highlighting and spelling
correction included. Compare figures only within one run on the same machine.

``--fill raw`` makes the newsroom corpus (``newsroom.py``: the same words; with ``--corpus cjk``
the Chinese words of ``corpus_cjk.py``) by plain INSERTs and one reindex, minutes where the
services take one to two hours at 100,000 on a busy machine; with
``--database NAME`` the PostgreSQL database is filled once and kept, so that two checkouts
can be timed alternately on the same rows (``PYTHONPATH=<other checkout>/src``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KINDS = ("common word", "rare word", "two words", "phrase", "prefix", "misspelt", "filtered")


def main() -> None:
    args = _arguments()
    if args.worker:
        print(json.dumps(_worker(args.backend, args.size, args.queries, args.corpus, args.fill)))
        return
    rows = []
    for backend in args.backends.split(","):
        url = _postgres_url() if backend == "postgres" else None
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"… {backend}, {size:,} articles", file=sys.stderr, flush=True)
            keep = args.database if backend == "postgres" and args.fill == "raw" else None
            rows.append(_run_worker(backend, size, args.queries, url, args.corpus, args.fill, keep))
    _print_table(rows, _kinds(args.corpus))


def _kinds(corpus: str) -> tuple[str, ...]:
    if corpus == "cjk":
        sys.path.insert(0, str(Path(__file__).parent))
        from corpus_cjk import KINDS as CJK_KINDS

        return CJK_KINDS
    return KINDS


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--corpus", choices=("latin", "cjk"), default="latin",
        help="cjk: every article in Chinese, without spaces (bench/corpus_cjk.py)",
    )  # fmt: skip
    parser.add_argument(
        "--fill", choices=("services", "raw"), default="services",
        help="raw: plain INSERTs and one reindex (bench/newsroom.py), either corpus",
    )  # fmt: skip
    parser.add_argument(
        "--database", help="PostgreSQL: fill this database once and keep it (raw fill only)"
    )  # fmt: skip
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    return parser.parse_args()


def _postgres_url() -> str:
    subprocess.run([REPO / "scripts" / "test-postgres", "start"], check=True, stdout=sys.stderr)
    url = subprocess.run(
        [REPO / "scripts" / "test-postgres", "url"], check=True, capture_output=True, text=True
    ).stdout.strip()
    return url.rsplit("/", 1)[0]


def _run_worker(
    backend: str, size: int, queries: int, server: str | None, corpus: str, fill: str,
    keep: str | None = None,
) -> dict:  # fmt: skip
    env = dict(os.environ)
    database = None
    if server:
        import psycopg

        database = keep or f"newscenter_search_bench_{os.getpid()}_{size}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            if not (keep and exists):
                connection.execute(f"DROP DATABASE IF EXISTS {database}")
                connection.execute(f"CREATE DATABASE {database}")
        env["DATABASE_URL"] = f"{server}/{database}"
    try:
        command = [sys.executable, __file__, "--worker", "--backend", backend]
        command += ["--size", str(size), "--queries", str(queries), "--corpus", corpus]
        command += ["--fill", fill]
        done = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if database and not keep:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def _fill_raw(size: int, corpus_name: str = "latin"):
    """The newsroom corpus (the same words, sections and queries) by plain INSERTs, then the
    search index rebuilt once: minutes at 100,000 where the services take an hour."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    import newsroom
    from corpus_cjk import CjkCorpus
    from newscenter.news.models import Article
    from newscenter.search import indexing

    class CjkNewsroom(CjkCorpus, newsroom.Newsroom):
        """The newsroom's sections, tags and authors; the Chinese corpus's words."""

    corpus = CjkNewsroom(seed=size) if corpus_name == "cjk" else newsroom.Newsroom(seed=size)
    corpus.prepare()
    end = timezone.now() - dt.timedelta(minutes=1)
    start = end - dt.timedelta(days=5 * 365)
    if Article.objects.exists():  # a kept database: only the queries' words are made again
        for _ in corpus.new_articles(0, size, start, (end - start) / size):
            pass
        return corpus
    if connection.vendor == "sqlite":
        # The reindex too: in WAL mode it wrote a second copy of the whole index (1.8 GB for
        # the Chinese corpus at 100,000) before the checkpoint.
        with newsroom._bulk_loading():
            newsroom.fill_raw(corpus, size, start, (end - start) / size)
            indexing.reindex()
    else:
        newsroom.fill_raw(corpus, size, start, (end - start) / size)
        indexing.reindex()
    return corpus


def _worker(
    backend: str, size: int, queries: int, corpus_name: str = "latin", fill: str = "services"
) -> dict:
    sys.path.insert(0, str(Path(__file__).parent))
    from corpus import Corpus
    from corpus_cjk import CjkCorpus
    from throwaway import throwaway_site

    throwaway_site()
    from django.db import connection

    # Everything a query touches is imported now, before the long fill, not half-way.
    import newscenter.search.searching  # noqa: F401

    assert connection.vendor == {"sqlite": "sqlite", "postgres": "postgresql"}[backend]
    kinds = _kinds(corpus_name)
    started = time.perf_counter()
    if fill == "raw":
        corpus = _fill_raw(size, corpus_name)
    else:
        corpus = CjkCorpus(seed=size) if corpus_name == "cjk" else Corpus(seed=size)
        corpus.fill(size)
    fill_seconds = time.perf_counter() - started
    from newscenter.search.backends import backend as search_backend

    # What a deployment's index looks like after autovacuum (PostgreSQL) or automerge (SQLite).
    search_backend().optimize()
    timings = _measure(corpus, queries, kinds)
    result = {"backend": backend, "size": size, "fill_s": fill_seconds}
    every = [t for kind in kinds for t in timings[kind]]
    result["all"] = _percentiles(every)
    result |= {kind: _percentiles(timings[kind]) for kind in kinds}
    result["cpu"] = {kind: timings[f"cpu {kind}"][0] for kind in kinds}
    result["hits"] = corpus.hits
    return result


def _measure(corpus, queries: int, kinds=KINDS) -> dict[str, list[float]]:
    from newscenter.news import languages
    from newscenter.web.sitecache import site_settings

    # As the search page runs it: the site's languages known to the request (its middleware
    # reads them from the settings kept in memory), not read from the database per search.
    with languages.using(languages.SiteLanguages.of(site_settings())):
        return _timed(corpus, queries, kinds)


def _timed(corpus, queries: int, kinds) -> dict[str, list[float]]:
    from newscenter.search.searching import search

    rng = random.Random(7)
    requests = [
        (kind, request) for kind in kinds for request in corpus.requests(kind, queries, rng)
    ]
    for _, request in requests[:20]:  # warm the caches of the database and of Python
        search(request)
    timings: dict[str, list[float]] = {kind: [] for kind in kinds}
    cpu = dict.fromkeys(kinds, 0.0)
    server = _server_cpu()
    rng.shuffle(requests)
    for kind, request in requests:
        started, ours, theirs = time.perf_counter(), time.process_time(), server()
        results = search(request)
        timings[kind].append((time.perf_counter() - started) * 1000)
        cpu[kind] += time.process_time() - ours + server() - theirs
        corpus.hits += bool(results.total)
    # CPU per search in ms (this process and the database server's process for it): what a
    # query costs whatever else the machine is doing, where the wall times above count the wait
    # for a core on a shared machine too.
    timings |= {f"cpu {kind}": [cpu[kind] * 1000 / len(timings[kind])] for kind in kinds}
    return timings


def _server_cpu():
    """CPU seconds so far of the PostgreSQL process serving this connection (0 on SQLite,
    which runs inside this process), from /proc: clock ticks, so summed over many queries."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def seconds() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime, stime

    return seconds


def _percentiles(values: list[float]) -> list[float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return [statistics.median(values), cuts[94]]


def _print_table(rows: list[dict], kinds=KINDS) -> None:
    print()
    print("Search latency, ms (p50 / p95), through search(): rank, highlight, spelling")
    header = f"{'backend':<9} {'articles':>9} {'fill s':>7} {'all':>13}"
    header += "".join(f" {kind:>13}" for kind in kinds)
    print(header)
    for row in rows:
        line = f"{row['backend']:<9} {row['size']:>9,} {row['fill_s']:>7.0f}"
        line += "".join(f" {_pair(row[kind]):>13}" for kind in ("all", *kinds))
        line += f"   hits {row['hits']}"
        print(line)
    print("\nCPU per search, ms (mean): this process and the database server's, any load")
    print(f"{'backend':<9} {'articles':>9} {'':>7} {'':>13}" + "".join(f" {k:>13}" for k in kinds))
    for row in rows:
        line = f"{row['backend']:<9} {row['size']:>9,} {'':>7} {'':>13}"
        print(line + "".join(f" {row['cpu'][kind]:>13.1f}" for kind in kinds))
    print("\ncommon word: one of the 20 most frequent words; rare word: one used in ~0.1% of")
    print("articles; phrase: two adjacent words in quotes; misspelt: a word with two letters")
    print("swapped (spelling correction runs); filtered: a common word within one section.")


def _pair(values: list[float]) -> str:
    return f"{values[0]:.1f} / {values[1]:.1f}"


if __name__ == "__main__":
    main()
