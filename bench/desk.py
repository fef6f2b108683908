"""The editors' desk at scale: its article list, filters, search, workflow page and import
preview, timed through Django's test client as a signed-in editor, printed as a table.

    .venv/bin/python bench/desk.py [--sizes 100000,1000000] [--backends sqlite,postgres]
                                   [--repetitions 20] [--cache-dir DIR] [--pages tag,list]

Each backend and size runs in a process of its own with its own database: a SQLite site
under ``--cache-dir`` (kept, keyed like ``serve.py``'s corpora, so a rerun starts at once), or
a fresh database on the throw-away PostgreSQL server of ``scripts/test-postgres`` (dropped at
the end). Articles go in by plain INSERTs (``newsroom.fill_raw``, checked against the
services' derivation) without a search index, then one in 40 becomes a draft, one in 200 is in
review and one in 1,000 is archived, by one UPDATE each, so that every state filter has rows.
The target (issue 21, 4) is p95 under 150 ms at 1,000,000 articles. Compare figures only
within one run on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 150
LIST = "/admin/news/article/"
WXR_POSTS = 20  # the import preview's file: a small export, as an editor uploads one


def main() -> None:
    args = _arguments()
    if args.worker:
        print(json.dumps(_worker(args)))
        return
    _print_table(each_backend_and_size(args, _run_worker))


def each_backend_and_size(args, run) -> list[dict]:
    """``run(args, backend, size, server)`` for each of ``--backends`` and ``--sizes``."""
    rows = []
    for backend in args.backends.split(","):
        server = _postgres_server() if backend == "postgres" else None
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"… {backend}, {size:,} articles", file=sys.stderr, flush=True)
            rows.append(run(args, backend, size, server))
    return rows


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=20)
    parser.add_argument(
        "--pages", default="", help="only these pages, by their names in the table (comma list)"
    )  # fmt: skip
    return site_arguments(parser, sizes="100000,1000000").parse_args()


def site_arguments(parser: argparse.ArgumentParser, *, sizes: str) -> argparse.ArgumentParser:
    """The options of a bench that fills a site per backend and size (``run_worker``)."""
    parser.add_argument("--sizes", default=sizes)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--cache-dir", type=Path, default=Path.home() / ".cache" / "newscenter-bench"
    )  # fmt: skip
    parser.add_argument(
        "--database", help="PostgreSQL: fill this database once and keep it (for old vs new)"
    )  # fmt: skip
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    return parser


def _postgres_server() -> str:
    script = REPO / "scripts" / "test-postgres"
    subprocess.run([script, "start"], check=True, stdout=sys.stderr)
    url = subprocess.run([script, "url"], check=True, capture_output=True, text=True)
    return url.stdout.strip().rsplit("/", 1)[0]


def _run_worker(args, backend: str, size: int, server: str | None) -> dict:
    return run_worker(
        __file__,
        "desk",
        args,
        backend,
        size,
        server,
        ["--repetitions", str(args.repetitions), "--pages", args.pages],
    )


def run_worker(
    script: str, name: str, args, backend: str, size: int, server: str | None, extra: list[str]
) -> dict:
    """Run ``script --worker`` for one backend and size, on a site of its own named after
    ``name``: a SQLite folder under ``--cache-dir`` or a PostgreSQL database (dropped at the
    end unless ``--database`` names it, kept then for old against new)."""
    env = dict(os.environ)
    database = None
    if server:
        import psycopg

        database = args.database or f"newscenter_{name}_bench_{os.getpid()}_{size}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            query = "SELECT 1 FROM pg_database WHERE datname = %s"
            if not (args.database and connection.execute(query, (database,)).fetchone()):
                connection.execute(f"DROP DATABASE IF EXISTS {database}")
                connection.execute(f"CREATE DATABASE {database}")
        env["DATABASE_URL"] = f"{server}/{database}"
        data_dir = args.cache_dir / f"{name}-postgres-{database}"
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        from newsroom import cache_key

        data_dir = args.cache_dir / f"{name}-{cache_key(size)}"
    try:
        command = [sys.executable, script, "--worker", "--backend", backend, "--size", str(size)]
        command += [*extra, "--data-dir", str(data_dir)]
        done = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if database and not args.database:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


# --- the worker: one backend, one size ----------------------------------------------------------


def _worker(args) -> dict:
    fill_s, _ = filled_site(args, "desk")
    import newscenter.asgi  # noqa: F401  (as the server starts: what it loads, then frozen)

    client = _editor_client()
    pages = _pages(args.data_dir)
    if args.pages:
        pages = {name: pages[name] for name in args.pages.split(",")}
    result = {"backend": args.backend, "size": args.size, "fill_s": fill_s, "pages": {}}
    for name, (method, path, data) in pages.items():
        result["pages"][name] = _measure(client, method, path, data, args.repetitions)
    return result


def filled_site(args, name: str) -> tuple[float, float]:
    """Django set up on ``--data-dir`` (migrated, which runs a checkout's new migrations
    once), filled by :func:`_fill` the first time; seconds taken to fill and to migrate."""
    sys.path.insert(0, str(Path(__file__).parent))
    from throwaway import throwaway_site

    data_dir = args.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    marker = data_dir / f"{name}-bench.json"
    filled = marker.exists()
    started = time.perf_counter()
    throwaway_site(data_dir)
    migrate_s = time.perf_counter() - started
    from django.db import connection

    assert connection.vendor == {"sqlite": "sqlite", "postgres": "postgresql"}[args.backend]
    fill_s = 0.0
    if not filled:
        started = time.perf_counter()
        _fill(args.size)
        fill_s = time.perf_counter() - started
        marker.write_text(json.dumps({"size": args.size}))
    with connection.cursor() as cursor:  # what autovacuum or `newscenter setup` leaves
        cursor.execute("ANALYZE")
    return fill_s, migrate_s


def _fill(size: int) -> None:
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    import newsroom

    room = newsroom.Newsroom(seed=size)
    room.prepare()
    end = timezone.now() - dt.timedelta(minutes=1)
    start = end - dt.timedelta(days=5 * 365)
    with newsroom._bulk_loading() if connection.vendor == "sqlite" else _nothing():
        newsroom.fill_raw(room, size, start, (end - start) / size)
    with transaction.atomic(), connection.cursor() as cursor:
        for status, every in (("draft", 40), ("review", 200), ("archived", 1000)):
            cursor.execute(
                "UPDATE news_article SET status = %s WHERE id %% %s = 7", (status, every)
            )
    newsroom._recount()


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _editor_client():
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from newscenter.news.policy import SYSTEM, Role
    from newscenter.news.services import accounts

    model = get_user_model()
    editor = model.objects.filter(username="bench-editor").first()
    if editor is None:
        editor = accounts.user_create(
            username="bench-editor", password=None, role=Role.parse("editor"), acting_user=SYSTEM
        )
    # Signed in with the second factor confirmed, as the code step leaves a session.
    client = Client()
    client.force_login(editor)
    device, _ = TOTPDevice.objects.get_or_create(user=editor, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _pages(data_dir: Path) -> dict[str, tuple[str, str, dict | None]]:
    import datetime as dt
    from urllib.parse import urlencode

    from django.utils import timezone

    from newscenter.news.models import Article, Section, Tag

    newest = Article.objects.order_by("-pub_date", "-id").values_list("pk", flat=True).first()
    middle = Article.objects.get(
        pk=Article.objects.order_by("-pk").values_list("pk", flat=True)[0] // 2
    )
    section = Section.objects.order_by("name").first()
    tag = Tag.objects.order_by("name").first()
    month = timezone.localdate().replace(day=1)
    after = (month + dt.timedelta(days=31)).replace(day=1)
    deep = min(49, Article.objects.count() // 100 - 1)  # the admin's pages count from 0
    rare = max(middle.headline.split(), key=len)  # a long word: one of the rarer ones
    # Its syllables recur in other words, so that as a part of words (the desk's search) the
    # "rare" word is in most articles; an editor finding one article types its headline.
    phrase = urlencode({"q": '"' + " ".join(middle.headline.split()[:3]) + '"'})
    wxr = _wxr_file(data_dir)
    return {
        "list": ("get", LIST, None),
        f"list page {deep + 1}": ("get", f"{LIST}?p={deep}", None),
        "state: draft": ("get", f"{LIST}?state=draft", None),
        "state: published": ("get", f"{LIST}?state=published", None),
        "section": ("get", f"{LIST}?section__id__exact={section.pk}", None),
        "tag": ("get", f"{LIST}?tags__id__exact={tag.pk}", None),
        "date: this month": ("get", f"{LIST}?pub_date__gte={month}&pub_date__lt={after}", None),
        "year": ("get", f"{LIST}?pub_date__year={month.year}", None),
        "search: common": ("get", f"{LIST}?q=ka", None),
        "search: rare": ("get", f"{LIST}?q={rare}", None),
        "search: headline": ("get", f"{LIST}?{phrase}", None),
        "workflow page": ("get", f"{LIST}{newest}/transition/", None),
        "import preview": ("post", f"{LIST}import/", {"path": wxr}),
    }


def _wxr_file(data_dir: Path) -> Path:
    import random

    from imports import write_wxr

    path = data_dir / "desk-preview.xml"
    if not path.exists():
        write_wxr(path, WXR_POSTS, random.Random(5), site="desk-preview.example")
    return path


def _measure(client, method: str, path: str, data: dict | None, repetitions: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, cpu, queries, sql_ms = [], [], 0, 0.0
    for n in range(repetitions + 2):  # two to warm Python's and the database's caches
        with CaptureQueriesContext(connection) as captured:
            started, processed = time.perf_counter(), time.process_time()
            response = _request(client, method, path, data)
            took = (time.perf_counter() - started) * 1000
            used = (time.process_time() - processed) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        if n >= 2:
            timings.append(took)
            cpu.append(used)
            queries = len(captured.captured_queries)
            sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return {
        "p50": statistics.median(timings),
        "p95": cuts[94],
        "cpu": statistics.median(cpu),  # this process's CPU: the fair figure on a busy machine
        "queries": queries,
        "sql": sql_ms,
    }


def _request(client, method: str, path: str, data: dict | None):
    if method == "get":
        return client.get(path)
    with Path(data["path"]).open("rb") as upload:
        return client.post(path, {"upload": upload, "format": "auto", "status": "draft"})


def _print_table(rows: list[dict]) -> None:
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nThe desk as an editor, ms through the test client (load average {load})")
    print(f"target: p95 under {TARGET_P95_MS} ms at 1,000,000 articles\n")
    for row in rows:
        fill = f", filled in {row['fill_s']:.0f} s" if row["fill_s"] else ""
        print(f"{row['backend']}, {row['size']:,} articles{fill}")
        print(f"  {'page':<20} {'p50':>8} {'p95':>8} {'CPU p50':>8} {'SQL ms':>8} {'queries':>8}")
        for name, page in row["pages"].items():
            verdict = "" if page["p95"] < TARGET_P95_MS else "  MISS"
            print(
                f"  {name:<20} {page['p50']:>8.1f} {page['p95']:>8.1f} {page['cpu']:>8.1f} "
                f"{page['sql']:>8.1f} "
                f"{page['queries']:>8}{verdict}"
            )


if __name__ == "__main__":
    main()
