"""Soak and fault run: mixed traffic for a while, with processes killed, then a count of losses.

    .venv/bin/python bench/soak.py --minutes 30

On a throwaway SQLite site (the demo), `newscenter serve` (granian, the front, the worker)
answers three kinds of traffic at once:

- readers: the index, sections, articles, feeds and searches, several at a time;
- editors: a process of its own writing through the services (new articles, edits of
  headlines, publishing, unpublishing), one change every second or so;
- imports: `newscenter import` of a folder of text pages every minute.

Faults: every few minutes `kill -9` of a server process (granian starts another) or of the
worker (the supervisor starts another), and once, halfway, `kill -9` of everything followed by
a fresh `newscenter serve`. At the end, with the load stopped and the worker given a moment:

- lost or stale articles: `newscenter doctor` (index and outbox against the database), and
  every published article's own page and the index's first page read through the server
  (page cache included) against the database's headlines;
- answers by status: 5xx other than the deliberate 503s;
- memory: the server's resident size (all its processes) at the start and at the end.

Prints a table; writes nothing into the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import NEWSCENTER, app_env, free_port, workers_of

EDITOR = """
import os, random, time, django
django.setup()
from django.utils import timezone
from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
rng = random.Random(int(os.environ["SOAK_SEED"]))
n = 0
while True:
    n += 1
    kind = rng.random()
    try:
        if kind < 0.4:
            services.article_create(acting_user=SYSTEM, headline=f"Soak article {n} on valves",
                standfirst="Written by the soak run.", body=f"<p>Body {n} about pumps.</p>",
                status="published", pub_date=timezone.now())
        elif kind < 0.8:
            article = Article.objects.published().order_by("?").first()
            if article is not None:
                services.article_update(article=article, acting_user=SYSTEM,
                                        headline=f"{article.headline.split(' (')[0]} ({n})")
        else:
            article = Article.objects.published().order_by("?").first()
            if article is not None:
                services.article_take_down(article=article, acting_user=SYSTEM)
                services.article_publish(article=article, acting_user=SYSTEM)
    except Exception as error:
        print("editor:", type(error).__name__, error, flush=True)
    time.sleep(rng.uniform(0.5, 1.5))
"""

READER_PATHS = ["/news/", "/news/feed/rss/", "/news/search/?q=valves", "/news/search/?q=pump",
                "/news/sitemap.xml", "/news/section/company-news/"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--readers", type=int, default=8, help="concurrent reader loops")
    parser.add_argument("--fault-every", type=float, default=180, help="seconds between kills")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (server.log)")
    options = parser.parse_args()
    if options.keep:
        Path(options.keep).mkdir(parents=True)
        print(json.dumps(soak(Path(options.keep), options), indent=2), file=sys.stderr)
        return
    with tempfile.TemporaryDirectory(prefix="newscenter-soak-") as work:
        print(json.dumps(soak(Path(work), options), indent=2), file=sys.stderr)


def soak(work: Path, options) -> dict:
    rng = random.Random(options.seed)
    env = app_env(work / "data", page_cache=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(work / "server.log", "ab")  # noqa: SIM115 (closed at the end)
    subprocess.run([NEWSCENTER, "setup"], env=env, check=True, stdout=log, stderr=log)
    imports = _import_folder(work / "pages", 20)
    stats = Stats()
    server = _serve(env, port, log)
    memory: dict[str, float] = {}
    stop = threading.Event()
    readers = [threading.Thread(target=_reader, args=(base, stats, stop, rng.random()))
               for _ in range(options.readers)]  # fmt: skip
    for thread in readers:
        thread.start()
    editor = subprocess.Popen(
        [sys.executable, "-c", EDITOR],
        env={**env, "DJANGO_SETTINGS_MODULE": "newscenter.settings", "SOAK_SEED": "1"},
        stdout=log, stderr=log,
    )  # fmt: skip
    began = time.monotonic()
    end = began + options.minutes * 60
    next_fault = began + options.fault_every
    next_import = began + 60
    restarted = False
    restart_at = began
    faults: Counter[str] = Counter()
    try:
        while time.monotonic() < end:
            time.sleep(1)
            now = time.monotonic()
            if "1 min in" not in memory and now - began > 60:
                memory["1 min in"] = _rss_mb(server.pid)
            if now >= next_import:
                next_import = now + 60
                subprocess.run([NEWSCENTER, "import", str(imports)], env=env, stdout=log,
                               stderr=log)  # fmt: skip
                stats.imports += 1
            if not restarted and now - began > options.minutes * 30:
                restarted = True
                restart_at = now
                memory["before the restart"] = _rss_mb(server.pid)
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
                faults["whole site killed and restarted"] += 1
                server = _serve(env, port, log)
                continue
            if restarted and "2 min after it" not in memory and now - restart_at > 120:
                memory["2 min after it"] = _rss_mb(server.pid)
            if now >= next_fault:
                next_fault = now + options.fault_every
                faults[_kill_one(server.pid, rng)] += 1
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=30)
        editor.kill()
        editor.wait()
    memory["end"] = _rss_mb(server.pid)
    time.sleep(10)  # the worker's next rounds
    verdict = _verify(env, base)
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)
    log.close()
    _print_table(options, stats, faults, verdict, memory)
    return {"answers": dict(stats.codes), "faults": dict(faults), "memory": memory, **verdict}


class Stats:
    def __init__(self) -> None:
        self.codes: Counter[int | str] = Counter()
        self.imports = 0
        self.lock = threading.Lock()

    def add(self, code: int | str) -> None:
        with self.lock:
            self.codes[code] += 1


START_SECONDS = 600


def _serve(env: dict, port: int, log) -> subprocess.Popen:
    process = subprocess.Popen(
        [NEWSCENTER, "serve", "--port", str(port), "--no-access-log"],
        env=env, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + START_SECONDS  # a busy machine starts slowly
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/news/", timeout=5).read()
            return process
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)  # never leave a half-started server behind
    raise RuntimeError("the server did not start")


def _reader(base: str, stats: Stats, stop: threading.Event, seed: float) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        path = rng.choice(READER_PATHS)
        try:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                response.read()
                stats.add(response.status)
        except urllib.error.HTTPError as error:
            stats.add(error.code)
        except OSError:
            stats.add("connection failed")  # a server process being killed, or restarting
            time.sleep(0.5)
        time.sleep(rng.uniform(0, 0.2))


def _kill_one(supervisor: int, rng: random.Random) -> str:
    children = workers_of(supervisor)  # granian's main process and the worker
    server_processes = [pid for child in children for pid in workers_of(child)]
    worker = [pid for pid in children if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    if worker and (rng.random() < 0.5 or not server_processes):
        os.kill(worker[0], signal.SIGKILL)
        return "worker killed"
    if server_processes:
        os.kill(rng.choice(server_processes), signal.SIGKILL)
        return "server process killed"
    return "nothing to kill"


def _rss_mb(supervisor: int) -> float:
    pids = [supervisor]
    for child in workers_of(supervisor):
        pids += [child, *workers_of(child)]
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def _verify(env: dict, base: str) -> dict:
    doctor = subprocess.run([NEWSCENTER, "doctor"], env=env, capture_output=True, text=True)
    code = (
        "import json; from newscenter.news.models import Article; "
        "print(json.dumps([[a.get_absolute_url(), a.headline] for a in "
        "Article.objects.published().order_by('-pub_date', '-id')]))"
    )
    listed = subprocess.run([NEWSCENTER, "shell", "-v", "0", "-c", code], env=env,
                            capture_output=True, text=True, check=True)  # fmt: skip
    articles = json.loads(listed.stdout)
    stale = []
    for url, headline in articles:
        with urllib.request.urlopen(base + url, timeout=30) as response:
            if headline not in response.read().decode():
                stale.append(url)
    with urllib.request.urlopen(base + "/news/", timeout=30) as response:
        index = response.read().decode()
    missing_from_index = [h for _, h in articles[:20] if h.replace("&", "&amp;") not in index]
    return {
        "doctor exit status": doctor.returncode,
        "doctor": doctor.stdout.strip().splitlines(),
        "published articles": len(articles),
        "stale article pages": len(stale),
        "missing from the index's first page": len(missing_from_index),
    }


def _import_folder(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        (folder / f"page-{n}.txt").write_text(
            f"Plant news {n} from the soak run\n\nMarch {n % 28 + 1}, 2025\n\n"
            f"The plant in town {n} opened a new line for valves and pumps today.\n\n"
            "Its staff of forty will build pumps there from next month on.\n"
        )
    return folder


def _print_table(options, stats: Stats, faults, verdict, memory: dict[str, float]) -> None:
    server_errors = sum(n for code, n in stats.codes.items() if isinstance(code, int)
                        and code >= 500 and code != 503)  # fmt: skip
    rows = [
        ("duration", f"{options.minutes:g} min, {options.readers} reader loops"),
        ("answers", ", ".join(f"{code}: {n}" for code, n in sorted(stats.codes.items(), key=str))),
        ("5xx other than 503", str(server_errors)),
        ("imports run", str(stats.imports)),
        ("faults", ", ".join(f"{name}: {n}" for name, n in faults.items()) or "none"),
        ("published articles at the end", str(verdict["published articles"])),
        ("stale article pages", str(verdict["stale article pages"])),
        ("newest 20 missing from /news/", str(verdict["missing from the index's first page"])),
        ("`newscenter doctor`", f"exit {verdict['doctor exit status']}"),
        (
            "server memory (RSS of all its processes), MB",
            ", ".join(f"{when}: {mb:.0f}" for when, mb in memory.items()),
        ),
    ]
    width = max(len(name) for name, _ in rows)
    print("\n## Soak and fault run\n")
    print(f"| {'measure'.ljust(width)} | value |")
    print(f"| {'-' * width} | ----- |")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    print()
    for line in verdict["doctor"]:
        print(f"    {line}")


if __name__ == "__main__":
    main()
