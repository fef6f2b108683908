"""What counting costs: pages with counting on and off, the write path, and the 12-month report.

    .venv/bin/python bench/analytics.py [--requests 6000] [--hits 20000] [--events 10000000]
        [--in-process] [--skip-report | --report-only]

On a throw-away SQLite site (or DATABASE_URL's PostgreSQL). Prints one table, against the
targets of issue 20 (counting under 5 % of a warm page; ingestion of 1,000 events/s with a p99
under 20 ms; the 12-month report over 10 million events under 1 s), with the load average:

- warm page throughput (page cache hits through the whole Django stack, in process) with the
  analytics middleware and without it, one request each in turn, in requests per second of the
  process's CPU time (its own, whatever else the machine runs), each stack's median request;
  with counting on, the hand-over of each full batch (``buffer.deliver``) is added. The
  worker's receiver runs in a process of its own, as ``newscenter worker`` does, and its CPU
  time is shown apart (with ``--in-process`` there is none and the web process writes);
- the request side of counting alone (``collect.count``, the front's path): its p99 per view;
- ingestion: hits of varied readers handed over and written (classification included) in
  batches of NEWSCENTER_ANALYTICS_BATCH: events per second and p99 of one batch;
- the 12-month report (``reports.report``) over the daily totals ``--events`` events over
  365 days leave (a week of raw events written and rolled up, its totals copied by SQL over
  the year: :func:`year_of_totals`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
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
    alike. Each stack's figure is its median request (a context switch or a collection that
    lands on one request of either stack says nothing of counting). With counting on, the
    hand-over of each full batch (``buffer.deliver``: to the worker's receiver, a process of
    its own, when one listens; written in this process otherwise, as before) is added, spread
    over the requests; "page side" is the pages' own part."""
    from django.conf import settings
    from django.test import Client, override_settings

    from newscenter.analytics import buffer

    deliver = getattr(buffer, "deliver", buffer.flush)  # older trees: written in the process
    full = list(settings.MIDDLEWARE)
    stacks = {}
    for name, middleware in (("on", full), ("off", [m for m in full if "analytics" not in m])):
        with override_settings(MIDDLEWARE=middleware):
            stacks[name] = Client()
            stacks[name].get(path, HTTP_USER_AGENT=AGENTS[0])  # its middleware loaded; warm
    deliver()
    spent: dict[str, list[float]] = {"on": [], "off": []}
    writes = 0.0
    for n in range(requests):
        extra = {"HTTP_USER_AGENT": AGENTS[n % 3].format(n=n % 40),
                 "REMOTE_ADDR": f"81.2.{n % 250}.{n % 200 + 1}"}  # fmt: skip
        for name in ("on", "off") if n % 2 else ("off", "on"):
            start = time.process_time()
            stacks[name].get(path, **extra)
            spent[name].append(time.process_time() - start)
        if buffer.waiting() >= settings.NEWSCENTER_ANALYTICS_BATCH:
            writes += _cpu_of(deliver)
    writes += _cpu_of(deliver)
    on, off = statistics.median(spent["on"]), statistics.median(spent["off"])
    return {"off": 1 / off, "on": 1 / (on + writes / requests), "page side": 1 / on}


def _cpu_of(work) -> float:
    """Run ``work``: the CPU time it took this process."""
    start = time.process_time()
    work()
    return time.process_time() - start


def receiver(path: str) -> subprocess.Popen:
    """The worker's receiver in a process of its own, as ``newscenter worker`` runs it (its
    tasks and loops left out: they would add noise, not counting's cost)."""
    code = (
        "import django, sys, time; django.setup()\n"
        "from newscenter.analytics import buffer, relay\n"
        "r = relay.Receiver(sys.argv[1], buffer.receive); r.start(); r.ready.wait()\n"
        "print('ready', flush=True); r.join()\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, path], stdout=subprocess.PIPE,
                             text=True)  # fmt: skip
    assert child.stdout is not None
    if child.stdout.readline().strip() != "ready":
        raise RuntimeError("the analytics receiver did not start")
    return child


def cpu_seconds(pid: int) -> float:
    """A process's user and system CPU time so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    """Hits of varied readers handed over and written batch by batch (``buffer.deliver``: to
    the receiver when one listens, and waiting for its commit): events a second, and the p99
    of one batch's hand-over in milliseconds."""
    from django.conf import settings

    from newscenter.analytics import buffer
    from newscenter.analytics.hits import Hit

    deliver = getattr(buffer, "deliver", buffer.flush)

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
        deliver()
        elapsed = time.perf_counter() - start
        timings.append(elapsed)
        total += elapsed
    return hits / total, p99(timings) * 1000


def _zipf(rng: random.Random, n: int, size: int) -> list[int]:
    """``size`` draws of 0..n-1, the first the likeliest (weights 1/rank): a long tail."""
    weights = list(itertools.accumulate(1 / rank for rank in range(1, n + 1)))
    return rng.choices(range(n), cum_weights=weights, k=size)


def day_of_events(day: dt.date, per_day: int, rng: random.Random) -> list[tuple]:
    """One day's raw events, as the writer stores them (rows in classify.COLUMNS order), with
    the long tails a site of that size has: 2,000 articles in 12 sections, 300 referring
    sites, 60 countries, 1,000 different searches, 40 languages, 30 campaigns, feed pollers."""
    from newscenter.analytics.classify import COLUMNS

    at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    articles, sites = _zipf(rng, 2000, per_day), _zipf(rng, 300, per_day)
    countries, searches = _zipf(rng, 60, per_day), _zipf(rng, 1000, per_day)
    languages, campaigns = _zipf(rng, 40, per_day), _zipf(rng, 30, per_day)
    kinds = rng.choices(["article", "index", "section", "tag", "search", "feed", "embed"],
                        [75, 10, 5, 3, 4, 2, 1], k=per_day)  # fmt: skip
    channels = rng.choices(["direct", "search", "social", "site", "internal"], [40, 30, 15, 10, 5],
                           k=per_day)  # fmt: skip
    browsers = ["Chrome", "Mobile Safari", "Firefox", "Edge", "Safari", "Samsung Internet",
                "Chrome Mobile", "Opera", "Firefox Mobile", "Brave", "Other"]  # fmt: skip
    systems = ["Windows", "Android", "iOS", "Mac OS X", "Linux", "Chrome OS", "Ubuntu", "Other"]
    rows = []
    for n in range(per_day):
        kind, channel, article = kinds[n], channels[n], articles[n]
        row = dict.fromkeys(COLUMNS, "") | {"at": at, "day": day, "kind": kind,
                                             "results": None, "subscribers": None,
                                             "article_id": None, "section_id": None}  # fmt: skip
        if kind == "article":
            row |= {"path": f"/news/2026/01/01/article-{article}/", "article_id": article + 1,
                    "section_id": article % 12 + 1}  # fmt: skip
        elif kind == "section":
            row |= {"path": f"/news/section/s{article % 12}/", "section_id": article % 12 + 1}
        elif kind == "tag":
            row["path"] = f"/news/tag/t{article % 150}/"
        elif kind == "search":
            row |= {"path": "/news/search/", "query": f"query {searches[n]}",
                    "results": 0 if searches[n] % 5 == 0 else searches[n] % 40 + 1}  # fmt: skip
        elif kind == "feed" and n % 4 == 0:  # a feed aggregator's poll
            row |= {"path": "/news/feed/rss/", "subscribers": 10 + n % 90,
                    "browser": f"Aggregator {n % 5}"}  # fmt: skip
            rows.append(tuple(row[name] for name in COLUMNS))
            continue
        elif kind == "feed":
            row["path"] = "/news/feed/atom/"
        elif kind == "embed":
            row |= {"path": f"/embed/{article}/", "article_id": article + 1}
        else:
            row["path"] = "/news/" if n % 3 else "/news/page/2/"
        row["channel"] = "site" if kind == "embed" else channel
        if row["channel"] == "search":
            row["referrer"] = ["google.com", "bing.com", "duckduckgo.com", "ecosia.org"][n % 4]
        elif row["channel"] == "social":
            row["referrer"] = ["t.co", "linkedin.com", "facebook.com", "reddit.com"][n % 4]
        elif row["channel"] == "site":
            row["referrer"] = f"site{sites[n]}.example"
        if campaigns[n] < 3:  # one view in twelve or so comes from a campaign
            row |= {"utm_campaign": f"campaign-{campaigns[n] + n % 10}",
                    "utm_source": ["newsletter", "linkedin", "partner"][n % 3],
                    "utm_medium": ["email", "social", "referral"][n % 3]}  # fmt: skip
        row |= {"visitor": f"{rng.randrange(per_day * 2 // 5):032x}",
                "country": chr(65 + countries[n] % 26) + chr(65 + countries[n] // 26),
                "device": ["desktop", "mobile", "tablet"][n % 20 // 9 if n % 20 < 19 else 2],
                "browser": browsers[n % len(browsers) if n % 3 else 0],
                "os": systems[n % len(systems) if n % 2 else 0],
                "language": f"l{languages[n]}"}  # fmt: skip
        rows.append(tuple(row[name] for name in COLUMNS))
    return rows


def year_of_totals(events: int, sample_days: int) -> tuple[float, int, int]:
    """The daily totals ``events`` events over the 365 days before today leave: ``sample_days``
    days of raw events are written (as the writer does) and rolled up by the worker's own
    code, then their totals stand for the other days of the year, copied in bulk by SQL
    (adding a day's long tail again is what a year's rollup does, 365 times). Seconds it took,
    raw events written, daily totals in the year."""
    from django.db import connection, transaction

    from newscenter.analytics import buffer, rollup
    from newscenter.analytics.models import DailyTotal, Event, RolledDay

    rng = random.Random(11)
    today = rollup.today()
    per_day = events // 365
    start = time.perf_counter()
    first = today - dt.timedelta(days=365)
    sample = [first + dt.timedelta(days=n) for n in range(sample_days)]
    for day in sample:
        rows = day_of_events(day, per_day, rng)
        with transaction.atomic():
            for offset in range(0, len(rows), 5000):
                buffer._insert(rows[offset : offset + 5000])
        rollup.roll_day(day)
    table = connection.ops.quote_name(DailyTotal._meta.db_table)
    columns = "day, dimension, value, views, visitors"
    with connection.cursor() as cursor, transaction.atomic():
        for n in range(sample_days, 365):
            source, target = sample[n % sample_days], first + dt.timedelta(days=n)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT %s, dimension, value, views, visitors "  # noqa: S608
                f"FROM {table} WHERE day = %s",
                [connection.ops.adapt_datefield_value(target),
                 connection.ops.adapt_datefield_value(source)],
            )  # fmt: skip
    for n in range(0, 366, 28):  # each month's totals from its days', as roll_day leaves them
        rollup.roll_month(first + dt.timedelta(days=n))
    rollup.roll_month(today - dt.timedelta(days=1))
    Event.objects.filter(day__in=sample).delete()  # past retention: the totals are what is read
    RolledDay.objects.bulk_create(
        [RolledDay(day=first + dt.timedelta(days=n), events=per_day)
         for n in range(sample_days, 365)]
    )  # fmt: skip
    # Today so far (half a day's views): not rolled up yet, the report totals it from the raw
    # events, as it does on a site at noon.
    rows = day_of_events(today, per_day // 2, rng)
    with transaction.atomic():
        for offset in range(0, len(rows), 5000):
            buffer._insert(rows[offset : offset + 5000])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - start, per_day * sample_days, DailyTotal.objects.count()


def pages_rows(args: argparse.Namespace, paths: list[str]) -> list[tuple[str, str]]:
    """The table's rows of pages and ingestion (the receiver listens on the settings' socket,
    none when it is empty)."""
    from django.conf import settings

    socket_path = getattr(settings, "NEWSCENTER_ANALYTICS_SOCKET", "")  # none in older trees
    child = receiver(socket_path) if socket_path else None
    try:
        ingestion(1000, paths)  # the writer's caches warm (ua-parser, geoip2fast, the pages)
        writer_before = cpu_seconds(child.pid) if child else 0.0
        throughput = pages(args.requests, paths[0])
        writer = (cpu_seconds(child.pid) - writer_before) if child else 0.0
        append_us = request_side(20_000, paths[0])
        rate, batch_ms = ingestion(args.hits, paths)
    finally:
        if child is not None:
            child.terminate()
            child.wait(10)
    on, off = throughput["on"], throughput["off"]
    side = throughput["page side"]
    cost = (off - on) * 100 / off
    return [
        ("warm page, counting off", f"{off:,.0f} req/CPU-s"),
        ("warm page, counting on", f"{on:,.0f} req/CPU-s"),
        ("cost of counting to the web process (target < 5 %)",
         f"{cost:.1f} %  {'met' if cost < 5 else 'NOT MET'}"),
        ("  of which on the page's path", f"{(off - side) * 100 / off:.1f} %"),
        ("  writes, " + ("in the worker's process" if child else "in the web process"),
         f"{(writer * off * 100 / args.requests):.1f} % of a page's CPU" if child else "included"),
        ("a view handed in on the page's path, p99 (target < 20 ms)", f"{append_us:.1f} us"),
        ("ingestion, written (target >= 1,000 events/s)", f"{rate:,.0f} events/s"),
        (f"  one batch of {os.environ.get('NEWSCENTER_ANALYTICS_BATCH', 500)} written, p99",
         f"{batch_ms:.1f} ms"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--hits", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument(
        "--sample-days",
        type=int,
        default=7,
        help="days of raw events rolled up, whose totals stand for the year's",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="no worker: each web process writes its own hits (the fallback)",
    )
    parser.add_argument("--skip-report", action="store_true", help="pages and ingestion only")
    parser.add_argument("--report-only", action="store_true", help="the 12-month report only")
    args = parser.parse_args()
    os.environ.setdefault("NEWSCENTER_ANALYTICS_FLUSH_SECONDS", "0")  # written in the loop
    from throwaway import throwaway_site

    data_dir = Path(tempfile.mkdtemp(prefix="newscenter-bench-"))
    socket_path = "" if args.in_process else str(data_dir / "analytics.sock")
    os.environ["NEWSCENTER_ANALYTICS_SOCKET"] = socket_path
    throwaway_site(data_dir)
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
    rows = []
    if not args.report_only:
        rows = pages_rows(args, paths)
    if not args.skip_report:
        filled, raw, totals = year_of_totals(args.events, args.sample_days)
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            reports.report(reports.period("12m"))
            timings.append(time.perf_counter() - start)
        rows += [
            (f"12-month report over {args.events:,} events, median of 5 (target < 1 s)",
             f"{statistics.median(timings):.3f} s  "
             f"{'met' if statistics.median(timings) < 1 else 'NOT MET'}"),
            (f"  daily totals of that year ({raw:,} raw events rolled up)", f"{totals:,}"),
            ("  today's raw events, totalled as the report is read",
             f"{args.events // 365 // 2:,}"),
            ("  filling them", f"{filled:.0f} s"),
        ]  # fmt: skip
    width = max(len(name) for name, _ in rows)
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"analytics on {connection.vendor}, {os.cpu_count()} cores, load average {load}")
    print(f"{'measure':<{width}}  figure")
    for name, figure in rows:
        print(f"{name:<{width}}  {figure}")


if __name__ == "__main__":
    main()
