"""The JSON API's article list and detail at growing corpus sizes, and webhook throughput.

    .venv/bin/python bench/api.py [--sizes 10000,1000000] [--repetitions 200] [--events 1000]

For each size, a throw-away SQLite site filled with the newsroom corpus (bench/newsroom.py's
articles, sections, tags, authors and images, through plain INSERTs checked against the
services' derivation; no search index, which these endpoints do not read), each in a process
of its own. Each operation goes through Django's test client (routing, auth, the view, its
queries, JSON; no network), as bench/dbcost.py times pages: p50, p99, time in SQL, queries.
Equal figures across sizes show an operation's cost does not grow with the corpus.

Webhooks: ``--events`` published articles become messages (the outbox's consumer, as
``newscenter worker`` runs it), then the worker's rounds (``delivery.run_due``, its threads)
deliver them, signed, to a receiver on 127.0.0.1 answering 204: events delivered a second.
Compare figures only within one run on the same machine.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    args = _arguments()
    if args.one is not None:
        print(json.dumps(_one(args.one, args)))
        return
    results = {size: _in_process(size, args) for size in args.sizes}
    _table(results, args)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda v: [int(n) for n in v.split(",")],
                        default=[10_000])  # fmt: skip
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per operation, at most")
    parser.add_argument("--events", type=int, default=1000, help="0: no webhook figures")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep each size's site in DIR/api-SIZE and "
        "reuse it on the next run (1,000,000 articles take minutes to fill)",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a size, in this process
    return parser.parse_args()


def _in_process(size: int, args) -> dict:
    command = [sys.executable, __file__, "--one", str(size), "--repetitions",
               str(args.repetitions), "--budget", str(args.budget),
               "--events", str(args.events if size == min(args.sizes) else 0)]  # fmt: skip
    if args.keep:
        command += ["--keep", str(args.keep)]
    print(f"{size:,} articles: filling and measuring ...", file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _one(size: int, args) -> dict:
    os.environ.update(
        NEWSCENTER_API_ANONYMOUS_RATE_LIMIT="100000000",  # the limits are not what is timed
        NEWSCENTER_API_RATE_LIMIT="100000000",
        NEWSCENTER_FETCH_ALLOW_PRIVATE="true",  # the receiver is on loopback
    )
    sys.path.insert(0, str(HERE))
    from throwaway import throwaway_site

    kept = args.keep / f"api-{size}" if args.keep else None
    data_dir = kept or Path(tempfile.mkdtemp(prefix="newscenter-bench-api-"))
    try:
        reused = kept is not None and (kept / "filled").exists()
        if reused and args.events:
            raise SystemExit("--events with a kept site would add articles to it: --events 0")
        throwaway_site(data_dir)
        started = time.perf_counter()
        if not reused:
            _fill(size)
            if kept:
                (kept / "filled").touch()
        filled = time.perf_counter() - started
        from django.db import connection

        import dbcost

        result = {
            "database": connection.vendor,
            "fill": "reused" if reused else f"{filled:.1f} s",
            "operations": dbcost.measure(_paths(), args.repetitions, args.budget),
        }
        if args.events:
            result["webhooks"] = _webhooks(args.events)
        return result
    finally:
        if kept is None:
            shutil.rmtree(data_dir, ignore_errors=True)


def _fill(size: int) -> None:
    import datetime as dt

    from django.utils import timezone

    from newsroom import Newsroom, _bulk_loading, _recount, fill_raw

    newsroom = Newsroom(seed=size)
    newsroom.prepare()
    end = timezone.now() - dt.timedelta(minutes=1)
    start = end - dt.timedelta(days=5 * 365)
    with _bulk_loading():
        fill_raw(newsroom, size, start, (end - start) / size)
    _recount()  # the count the INSERTs bypassed: the list's first page reads it


def _paths() -> dict[str, str]:
    """An address per operation, aimed at the middle of the corpus where it matters, and the
    list's first page, 50th page and last page (all and one section's) side by side."""
    from newscenter.news.models import Article, Section

    public = Article.objects.published().order_by("-pub_date", "-id")
    count = public.count()
    middle = public[count // 2]
    oldest = public.last()
    section = Section.objects.get(slug="company-news")
    in_section = public.filter(section=section)
    paths = {}
    for name, articles, query in (
        ("list", public, "limit=20"),
        ("list, a section", in_section, "limit=20&section=company-news"),
    ):
        total = articles.count()
        paths[f"{name}, page 1"] = f"/api/v1/articles?{query}"
        _check_total(paths[f"{name}, page 1"], total)
        last = (total - 1) // 20 * 20
        # (a corpus of fewer than 1,000 articles has no page 50: its last page stands in)
        for page, position in (("page 50", min(49 * 20, last)), ("last page", last)):
            anchor = articles[position - 1]
            paths[f"{name}, {page}"] = f"/api/v1/articles?{query}&cursor={_cursor(anchor, total)}"
    return paths | {
        "list, page 1, fields=": "/api/v1/articles?limit=20&fields=id,headline,url",
        "detail, newest": f"/api/v1/articles/{public.first().pk}",
        "detail, mid-corpus": f"/api/v1/articles/{middle.pk}",
        "detail, oldest": f"/api/v1/articles/{oldest.pk}",
        "by path, mid-corpus": f"/api/v1/articles/by-path?path={middle.get_absolute_url()}",
    }


def _check_total(path: str, total: int) -> None:
    """The first page's total is the count (a fill that bypassed the kept count would not be)."""
    from django.test import Client

    answered = json.loads(Client().get(path).content)["total"]
    if answered != total:
        raise SystemExit(f"{path}: total {answered}, but {total} articles match")


def _cursor(article, total: int) -> str:
    """The cursor of the page after ``article``; also as older checkouts spelt it (no total),
    so that this script times the code before a change as well as after it."""
    from newscenter.api import listing

    if not hasattr(listing, "Anchor"):
        return listing.newest_cursor(article)
    return listing.Anchor(article.pub_date, article.pk, total).encode()


class _Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    count = None  # a multiprocessing.Value shared with the measuring process

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with _Receiver.count.get_lock():
            _Receiver.count.value += 1
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _receive(count, port) -> None:
    """The receiver, in a process of its own: its work is not the worker's to pay for (in the
    worker's process it took the interpreter from the worker's threads)."""
    _Receiver.count = count
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    port.value = server.server_port
    server.serve_forever()


def _webhooks(events: int) -> dict:
    from django.conf import settings

    from newscenter.cli import worker
    from newscenter.news.policy import SYSTEM
    from newscenter.webhooks import delivery, services
    from newscenter.webhooks.models import Delivery, Message

    count, port = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    receiver = multiprocessing.Process(target=_receive, args=(count, port), daemon=True)
    receiver.start()
    while not port.value:
        time.sleep(0.01)
    services.endpoint_create(
        acting_user=SYSTEM, url=f"http://127.0.0.1:{port.value}/hooks",
        events=["article.published"],
    )  # fmt: skip
    worker.catch_up()  # the corpus's own changes are behind us
    Message.objects.all().delete()
    _published(events)
    started = time.perf_counter()
    worker.catch_up()
    made = time.perf_counter() - started
    assert Message.objects.count() == events, Message.objects.count()
    started, cpu = time.perf_counter(), time.process_time()
    while Delivery.objects.exclude(state=Delivery.State.DELIVERED).exists() or not (
        Delivery.objects.exists()
    ):
        delivery.run_due(limit=200)
    sent, cpu = time.perf_counter() - started, time.process_time() - cpu
    receiver.terminate()
    assert count.value == events, count.value
    return {
        "events": events,
        "outbox_to_messages_s": round(made, 2),
        "delivery_s": round(sent, 2),
        "events_per_s": round(events / sent, 1),
        "cpu_ms_per_event": round(cpu * 1000 / events, 2),
        "concurrency": settings.NEWSCENTER_WEBHOOK_CONCURRENCY,
    }


def _published(count: int) -> None:
    """``count`` articles published now, in batches, as an import of dated items would."""
    import datetime as dt

    from django.utils import timezone

    from newscenter.news import services
    from newscenter.news.policy import SYSTEM
    from newscenter.news.services import NewArticle

    when = timezone.now() - dt.timedelta(seconds=30)
    for first in range(0, count, 500):
        services.article_bulk_create(acting_user=SYSTEM, new=[
            NewArticle(fields={
                "headline": f"Kesselmark service bulletin {n}", "body": "<p>Bulletin.</p>",
                "status": "published", "pub_date": when,
            })
            for n in range(first, min(count, first + 500))
        ])  # fmt: skip


def _table(results: dict, args) -> None:
    sizes = sorted(results)
    database = results[sizes[0]]["database"]
    print(f"\nJSON API through Django's test client, {args.repetitions} requests each "
          f"(page cache not involved; {database})\n")  # fmt: skip
    head = "| operation | queries | " + " | ".join(
        f"{size:,}: p50 / p99 ms (CPU p50, SQL p50)" for size in sizes
    )
    print(head + " |")
    print("|---|---|" + "---|" * len(sizes))
    for name in results[sizes[0]]["operations"]:
        cells = []
        for size in sizes:
            o = results[size]["operations"][name]
            cells.append(
                f"{o['p50_ms']:.1f} / {o['p99_ms']:.1f} "
                f"({o['cpu_p50_ms']:.1f}, {o['sql_p50_ms']:.1f})"
            )
        queries = results[sizes[0]]["operations"][name]["queries"]
        print(f"| {name} | {queries} | " + " | ".join(cells) + " |")
    print("\nDeep pages against the first (ratio of CPU p50, this process's own time whatever "
          "the machine's load; 1.0 is flat):")  # fmt: skip
    for name in ("list", "list, a section"):
        cells = []
        for size in sizes:
            o = results[size]["operations"]
            first = o[f"{name}, page 1"]["cpu_p50_ms"]
            cells.append(
                f"{size:,}: page 50 {o[f'{name}, page 50']['cpu_p50_ms'] / first:.2f}, "
                f"last page {o[f'{name}, last page']['cpu_p50_ms'] / first:.2f}"
            )
        print(f"- {name}: " + "; ".join(cells))
    print("\nFill: " + ", ".join(f"{s:,} articles: {results[s]['fill']}" for s in sizes))
    for size in sizes:
        hooks = results[size].get("webhooks")
        if hooks:
            print(
                f"\nWebhooks ({size:,}-article site): {hooks['events']} article.published "
                f"events made into messages in {hooks['outbox_to_messages_s']} s, delivered "
                f"signed to a receiver on 127.0.0.1 in {hooks['delivery_s']} s: "
                f"{hooks['events_per_s']} events/s ({hooks['concurrency']} at once), "
                f"{hooks['cpu_ms_per_event']} ms of the worker's CPU each"
            )


if __name__ == "__main__":
    main()
