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
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="no worker: each web process writes its own hits (the fallback)",
    )
    parser.add_argument("--skip-report", action="store_true", help="pages and ingestion only")
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
    rows = [
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
    if not args.skip_report:
        filled = year_of_events(args.events, [a.pk for a in articles])
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            reports.report(reports.period("12m"))
            timings.append(time.perf_counter() - start)
        rows += [
            (f"12-month report over {args.events:,} events (median of 5)",
             f"{statistics.median(timings):.3f} s"),
            ("  filling and rolling up that year", f"{filled:.0f} s"),
        ]  # fmt: skip
    width = max(len(name) for name, _ in rows)
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"analytics on {connection.vendor}, {os.cpu_count()} cores, load average {load}")
    print(f"{'measure':<{width}}  figure")
    for name, figure in rows:
        print(f"{name:<{width}}  {figure}")


if __name__ == "__main__":
    main()
