"""What counting costs: pages with counting on and off, the write path, and the 12-month report.

    .venv/bin/python bench/analytics.py [--requests 3000] [--hits 20000] [--events 1000000]

On a throw-away SQLite site (or DATABASE_URL's PostgreSQL). Prints one table:

- warm page throughput (page cache hits through the whole Django stack, in process) with the
  analytics middleware and without it, one request each in turn, in requests per second of the
  process's CPU time (its own, whatever else the machine runs); with counting on, the buffer's
  writes are added whenever a batch is full (the writer thread shares the server's process),
  and the share of counting's cost on the page's own path is shown apart;
- the request side of counting alone (``collect.count``): its p99 per view;
- ingestion: hits of varied readers written by ``buffer.flush`` (classification included) in
  batches of NEWSCENTER_ANALYTICS_BATCH: events per second and p99 of one batch's write;
- the 12-month report (``reports.report``) over ``--events`` events spread over 365 days and
  rolled up by day, as the worker leaves them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.{n}.0 "
    "Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{n} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:13{n}.0) Gecko/20100101 Firefox/13{n}.0",
]
REFERRERS = ["", "https://www.google.com/", "https://t.co/abc", "https://partner.example/x", ""]


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


def pages(requests: int, path: str) -> dict[str, float]:
    """Warm page requests a second of this process's CPU time (its own, whatever else the
    machine runs): the same page asked of two stacks, with the analytics middleware and
    without it, one request each in turn, so that the machine's ups and downs fall on both
    alike. With counting on, the buffer's writes are added (the writer thread shares the
    server's process), and shown apart: "page side" is the pages' own time."""
    from django.conf import settings
    from django.test import Client, override_settings

    from newscenter.analytics import buffer

    full = list(settings.MIDDLEWARE)
    stacks = {}
    for name, middleware in (("on", full), ("off", [m for m in full if "analytics" not in m])):
        with override_settings(MIDDLEWARE=middleware):
            stacks[name] = Client()
            stacks[name].get(path, HTTP_USER_AGENT=AGENTS[0])  # its middleware loaded; warm
    buffer.flush()
    spent = {"on": 0.0, "off": 0.0, "writes": 0.0}
    for n in range(requests):
        extra = {"HTTP_USER_AGENT": AGENTS[n % 3].format(n=n % 40),
                 "REMOTE_ADDR": f"81.2.{n % 250}.{n % 200 + 1}"}  # fmt: skip
        for name in ("on", "off") if n % 2 else ("off", "on"):
            start = time.process_time()
            stacks[name].get(path, **extra)
            spent[name] += time.process_time() - start
        if buffer.waiting() >= settings.NEWSCENTER_ANALYTICS_BATCH:
            spent["writes"] += _flushed()
    spent["writes"] += _flushed()
    return {
        "off": requests / spent["off"],
        "on": requests / (spent["on"] + spent["writes"]),
        "page side": requests / spent["on"],
    }


def _flushed() -> float:
    """Write the buffer: the CPU time it took."""
    from newscenter.analytics import buffer

    start = time.process_time()
    buffer.flush()
    return time.process_time() - start


def request_side(n: int, path: str) -> float:
    from newscenter.analytics import buffer, collect

    timings = []
    for i in range(n):
        headers = {"host": "testserver", "user-agent": AGENTS[i % 3].format(n=i % 40)}
        start = time.perf_counter()
        collect.count(method="GET", path=path, query="", headers=headers, ip="81.2.69.142",
                      status=200, results=None)  # fmt: skip
        timings.append(time.perf_counter() - start)
        if buffer.waiting() >= 5000:
            buffer._hits.clear()
    buffer._hits.clear()
    return p99(timings) * 1e6


def ingestion(hits: int, paths: list[str]) -> tuple[float, float]:
    from django.conf import settings

    from newscenter.analytics import buffer
    from newscenter.analytics.hits import Hit

    rng = random.Random(7)
    size = settings.NEWSCENTER_ANALYTICS_BATCH
    timings, total = [], 0.0
    for first in range(0, hits, size):
        for n in range(first, min(hits, first + size)):
            buffer.append(Hit(
                at=time.time(), host="testserver", path=rng.choice(paths),
                query="utm_campaign=spring" if n % 10 == 0 else "",
                ip=f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.9",
                user_agent=AGENTS[n % 3].format(n=rng.randint(0, 60)),
                referrer=rng.choice(REFERRERS), language="de-DE,de;q=0.9",
            ))  # fmt: skip
        start = time.perf_counter()
        buffer.flush()
        elapsed = time.perf_counter() - start
        timings.append(elapsed)
        total += elapsed
    return hits / total, p99(timings) * 1000


def year_of_events(events: int, article_ids: list[int]) -> float:
    """``events`` events over the 365 days before today, rolled up; seconds it took."""
    from newscenter.analytics import rollup
    from newscenter.analytics.models import Event

    rng = random.Random(11)
    today = rollup.today()
    per_day = events // 365
    countries = ["DE", "FR", "US", "GB", "AT", "CH", "NL", "IT", "ES", "PL"]
    browsers = ["Chrome", "Firefox", "Mobile Safari", "Edge", "Safari"]
    start = time.perf_counter()
    for offset in range(365, 0, -1):
        day = today - dt.timedelta(days=offset)
        at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        batch = []
        for n in range(per_day):
            article = rng.choice(article_ids)
            batch.append(Event(
                at=at, day=day, kind="article", path=f"/news/a/{article}/", article_id=article,
                section_id=1 + article % 4, visitor=f"{n % (per_day // 3 + 1):032x}",
                channel=rng.choice(["direct", "search", "social", "site"]),
                referrer=rng.choice(["google.com", "t.co", "partner.example", ""]),
                country=rng.choice(countries), device=rng.choice(["desktop", "mobile"]),
                browser=rng.choice(browsers), os="Linux", language="de",
                utm_campaign="spring" if n % 20 == 0 else "",
            ))  # fmt: skip
        Event.objects.bulk_create(batch, batch_size=5000)
        rollup.roll_day(day)
        Event.objects.filter(day=day).delete()  # past retention: the totals are what is read
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--hits", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    os.environ.setdefault("NEWSCENTER_ANALYTICS_FLUSH_SECONDS", "0")  # written in the loop
    from throwaway import throwaway_site

    throwaway_site()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from newscenter.analytics import reports
    from newscenter.news import services
    from newscenter.news.policy import SYSTEM

    articles = [
        services.article_create(acting_user=SYSTEM, headline=f"Bench article {n}",
                                body="<p>Body.</p>", status="published",
                                pub_date=dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=n + 1))
        for n in range(20)
    ]  # fmt: skip
    paths = [article.get_absolute_url() for article in articles]
    throughput = pages(args.requests, paths[0])
    on, off = throughput["on"], throughput["off"]
    append_us = request_side(20_000, paths[0])
    rate, batch_ms = ingestion(args.hits, paths)
    filled = year_of_events(args.events, [a.pk for a in articles])
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        reports.report(reports.period("12m"))
        timings.append(time.perf_counter() - start)
    engine = connection.vendor
    side = throughput["page side"]
    rows = [
        ("warm page, counting off", f"{off:,.0f} req/CPU-s"),
        ("warm page, counting on", f"{on:,.0f} req/CPU-s"),
        ("cost of counting", f"{(off - on) * 100 / off:.1f} %"),
        ("  of which on the page's path", f"{(off - side) * 100 / off:.1f} %"),
        ("request side of a view, p99", f"{append_us:.1f} us"),
        ("ingestion", f"{rate:,.0f} events/s"),
        (
            f"one batch write ({os.environ.get('NEWSCENTER_ANALYTICS_BATCH', 500)}), p99",
            f"{batch_ms:.1f} ms",
        ),
        (
            f"12-month report over {args.events:,} events (median of 5)",
            f"{statistics.median(timings):.3f} s",
        ),
        ("  filling and rolling up that year", f"{filled:.0f} s"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"analytics on {engine}, {os.cpu_count()} cores")
    print(f"{'measure':<{width}}  figure")
    for name, figure in rows:
        print(f"{name:<{width}}  {figure}")


if __name__ == "__main__":
    main()
