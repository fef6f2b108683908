"""Every kind of sitemap page at scale, through Django's test client, printed as a table.

    .venv/bin/python bench/sitemaps.py [--sizes 1000000] [--backends sqlite,postgres]
                                       [--repetitions 100] [--budget 60] [--cache-dir DIR]
                                       [--database NAME]

Each backend and size runs in a process of its own with its own site, filled as
``bench/desk.py`` fills it (plain INSERTs by ``newsroom.fill_raw``, no search index, some
drafts, articles in review and archived ones): SQLite under ``--cache-dir``, kept between runs;
PostgreSQL on the throw-away server of ``scripts/test-postgres``, kept when ``--database``
names it. Old and new code are timed on the same rows with ``PYTHONPATH=<checkout>/src``
(a checkout without a migration of this one runs on the migrated file as well: it reads what
it knows). The first run of a checkout migrates the site first, and says how long that took.

For each page: p50, p95 and p99 of the whole request, this process's CPU time (p50, the fair
figure on a busy machine), the time spent in SQL and the number of queries; with the load
average, read before and after. SQL time is the time inside ``execute``: SQLite steps
through the rows as they are fetched, so the reading of a page of a thousand rows shows there
partly as CPU. The target (issue 21, 3) is p99 under 50 ms at 1,000,000
articles on both databases. A page that stays slow stops at ``--budget`` seconds (at least
five requests).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_P99_MS = 50
PAGE_SIZE = 1_000  # addresses a page of the articles' sitemap (news.tallies.SITEMAP_PAGE)


def main() -> None:
    sys.path.insert(0, str(HERE))
    from desk import each_backend_and_size, site_arguments

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=100)
    parser.add_argument("--budget", type=float, default=60, help="seconds a page at most")
    parser.add_argument("--only", help="comma-separated page names: time these alone")
    args = site_arguments(parser, sizes="1000000").parse_args()
    if args.worker:
        print(json.dumps(_worker(args)))
        return
    _print_table(each_backend_and_size(args, _run_worker))


def _run_worker(args, backend: str, size: int, server: str | None) -> dict:
    from desk import run_worker

    extra = ["--repetitions", str(args.repetitions), "--budget", str(args.budget)]
    extra += ["--only", args.only] if args.only else []
    return run_worker(__file__, "sitemaps", args, backend, size, server, extra)


# --- the worker: one backend, one size ----------------------------------------------------------


def _worker(args) -> dict:
    sys.path.insert(0, str(HERE))
    os.environ["NEWSCENTER_PAGE_CACHE_SECONDS"] = "0"  # every request does the work
    from desk import filled_site

    fill_s, migrated_s = filled_site(args, "sitemaps")
    import newscenter

    pages = _pages()
    if args.only:
        pages = {name: path for name, path in pages.items() if name in args.only.split(",")}
    result = {
        "backend": args.backend,
        "size": args.size,
        "code": str(Path(newscenter.__file__).parents[1]),
        "fill_s": fill_s,
        "migrate_s": migrated_s,
        "load_before": os.getloadavg(),
    }
    from dbcost import measure

    result["pages"] = measure(pages, args.repetitions, args.budget)
    result["load_after"] = os.getloadavg()
    return result


def _pages() -> dict[str, str]:
    from newscenter.news.models import Article

    public = Article.objects.published().count()
    last = max(1, -(-public // PAGE_SIZE))
    return {
        "index": "/news/sitemap.xml",
        "pages": "/news/sitemap-pages.xml",
        "articles 1": "/news/sitemap-articles.xml",
        "articles middle": f"/news/sitemap-articles.xml?p={max(1, last // 2)}",
        "articles last": f"/news/sitemap-articles.xml?p={last}",
        "sections": "/news/sitemap-sections.xml",
        "tags": "/news/sitemap-tags.xml",
        "authors": "/news/sitemap-authors.xml",
        "news": "/news/sitemap-news.xml",
    }


def _print_table(rows: list[dict]) -> None:
    print(f"\nSitemap pages, ms through the test client; target p99 under {TARGET_P99_MS} ms\n")
    for row in rows:
        load = " → ".join(
            "/".join(f"{x:.1f}" for x in row[key]) for key in ("load_before", "load_after")
        )
        done = f", filled in {row['fill_s']:.0f} s" if row["fill_s"] else ""
        print(f"{row['backend']}, {row['size']:,} articles{done}, code {row['code']}")
        print(f"  migrate {row['migrate_s']:.1f} s, load average {load}")
        heads = ("p50", "p95", "p99", "CPU p50", "SQL p50", "queries", "KB", "n")
        print(f"  {'page':<16}" + "".join(f"{head:>9}" for head in heads))
        for name, page in row["pages"].items():
            verdict = "" if page["p99_ms"] < TARGET_P99_MS else "  MISS"
            times = (
                page[key] for key in ("p50_ms", "p95_ms", "p99_ms", "cpu_p50_ms", "sql_p50_ms")
            )
            print(
                f"  {name:<16}"
                + "".join(f"{ms:>9.1f}" for ms in times)
                + f"{page['queries']:>9}{page['bytes'] / 1024:>9.0f}{page['repetitions']:>9}"
                + verdict
            )


if __name__ == "__main__":
    main()
