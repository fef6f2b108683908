"""Latency and query counts of the public pages through Django's test client (no network).

    .venv/bin/python bench/pages.py [--articles 2000] [--requests 200]

Builds a throw-away SQLite site in a temporary folder, fills it through the services, and
prints p50/p95 per page with the number of SQL queries each page makes. Compare figures only
within one run on the same machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time

from throwaway import throwaway_site


def main() -> None:
    args = _arguments()
    throwaway_site()
    article = _fill(args.articles)
    paths = {
        "index": "/news/",
        f"index page {args.articles // 20}": f"/news/?page={args.articles // 20}",
        "section": "/news/section/company-news/",
        "article": article.get_absolute_url(),
    }
    print(f"{args.articles} articles, {args.requests} requests per page\n")
    print(f"{'page':<18} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for name, path in paths.items():
        p50, p95, queries = _measure(path, args.requests)
        print(f"{name:<18} {p50:>8.2f} {p95:>8.2f} {queries:>8}")


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    return parser.parse_args()


def _fill(count: int):
    from django.db import transaction
    from django.utils import timezone

    from newscenter.news import services
    from newscenter.news.policy import SYSTEM

    section = services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    start = timezone.now() - dt.timedelta(days=count)
    with transaction.atomic():
        for n in range(count):
            article = services.article_create(
                acting_user=SYSTEM,
                headline=f"Plant {n} reaches a milestone in its {n % 40 + 1}th year",
                standfirst="A short standfirst of one sentence for the listing.",
                body="<p>Body paragraph.</p>" * 8,
                status="published",
                pub_date=start + dt.timedelta(days=n),
                section=section,
            )
    return article


def _measure(path: str, requests: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test import Client

    client = Client()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(path).status_code == 200, path
    timings = []
    for _ in range(requests):
        began = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(queries)


if __name__ == "__main__":
    sys.exit(main())
