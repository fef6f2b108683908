"""The page cache under a stampede: many readers at once on a page that is not cached.

    .venv/bin/python bench/stampede.py DATA_DIR [--clients 200] [--rounds 3] [--path URL]

Serves DATA_DIR (a corpus from bench/newsroom.py) as `make run` does, page cache on, and in
each round renews the pages' generation (as a change does: every page is cold), then sends
``--clients`` requests for one page at the same moment. Prints, per round, how many answers
were rendered (``miss``), served stale, or waited for (``hit``), and the latency spread. The
first round is a page never cached (nothing stale to give); the others follow a change.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import loadgen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--path", help="the page (default: the corpus's article)")
    args = parser.parse_args()
    meta = json.loads((args.data_dir / "bench-meta.json").read_text())
    path = args.path or meta["article"]
    env = loadgen.app_env(args.data_dir, page_cache=True)
    port = loadgen.free_port()
    log = Path(tempfile.mkdtemp(prefix="stampede-")) / "server.log"
    loadgen.app_setup(env, log)
    print(f"{args.clients} clients at once on {path}, {args.rounds} rounds (server log {log})")
    print(f"{'round':<12} {'rendered':>8} {'stale':>6} {'waited':>6} {'other':>6} "
          f"{'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")  # fmt: skip
    command = [loadgen.NEWSCENTER, "serve", "--host", "127.0.0.1", "--port", str(port)]
    ready = f"http://127.0.0.1:{port}/news/"
    # A busy machine may take minutes to start the server.
    with loadgen.running(command, env=env, log=log, ready=ready, timeout=600):
        url = f"http://127.0.0.1:{port}{path}"
        for n in range(args.rounds):
            _renew(args.data_dir)
            states, timings = _stampede(url, args.clients)
            kind = "cold" if n == 0 else "after change"
            timings.sort()
            print(
                f"{kind:<12} {states['miss']:>8} {states['stale']:>6} {states['hit']:>6} "
                f"{sum(states.values()) - states['miss'] - states['stale'] - states['hit']:>6} "
                f"{statistics.median(timings):>8.0f} {timings[int(len(timings) * 0.99) - 1]:>8.0f} "
                f"{timings[-1]:>8.0f}"
            )
            others = {k: v for k, v in states.items() if k not in ("miss", "stale", "hit")}
            if others:
                print(f"{'':<12} other answers: {others}")
            time.sleep(1)


def _renew(data_dir: Path) -> None:
    """What a committed change does to the default cache's generation: a new stamp file."""
    stamp = data_dir / "pages.generation"
    temporary = stamp.with_name(f".{stamp.name}.{uuid.uuid4().hex}")
    temporary.write_text(uuid.uuid4().hex)
    temporary.replace(stamp)


def _stampede(url: str, clients: int) -> tuple[collections.Counter, list[float]]:
    start = threading.Barrier(clients)
    states: collections.Counter = collections.Counter()
    timings: list[float] = []
    lock = threading.Lock()

    def ask() -> None:
        start.wait()
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                response.read()
                state = response.headers.get("X-Page-Cache", "absent")
        except OSError as error:
            state = f"error {error}"
        with lock:
            states[state] += 1
            timings.append((time.perf_counter() - began) * 1000)

    threads = [threading.Thread(target=ask) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return states, timings


if __name__ == "__main__":
    main()
