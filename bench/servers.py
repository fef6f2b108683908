"""Which server answers a cached page fastest: the warm article through granian (`newscenter
serve`, as `make run` serves), gunicorn (gthread and sync) and uvicorn, beside nginx serving
the same bytes as a static file, in one run.

    .venv/bin/python bench/servers.py DATA_DIR [--duration 10] [--rounds 2] [--connections 16]

DATA_DIR is a corpus bench/serve.py or bench/newsroom.py filled. Each server gets as many
workers as the machine has CPUs, writes an access log to a file (nginx too), and is primed
until every worker answers the article from its own page cache; then wrk runs once its
processes are idle. Servers take turns, round after round, so that the machine's other work
falls on all of them alike. uvicorn is not a dependency of the project: a server that is not
installed is reported as such: `.tools/bin/uv pip install --python .venv/bin/python --target DIR
uvicorn` and `--extra-path DIR` include it (outside .venv, which `make install-dev` syncs).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

import loadgen
import serve


def commands(port: int, workers: int, log: Path) -> dict[str, list | None]:
    python = sys.executable
    bind = ["--bind", f"127.0.0.1:{port}"]
    gunicorn = [
        python,
        "-m",
        "gunicorn",
        "newscenter.wsgi:application",
        *bind,
        "--workers",
        str(workers),
        "--access-logfile",
        str(log),
    ]
    uvicorn = None
    if importlib.util.find_spec("uvicorn") is not None or os.environ.get("BENCH_EXTRA_PATH"):
        uvicorn = [
            python,
            "-m",
            "uvicorn",
            "newscenter.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    return {
        "granian (newscenter serve)": [
            loadgen.NEWSCENTER,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        "gunicorn gthread (4 threads)": [*gunicorn, "--worker-class", "gthread", "--threads", "4"],
        "gunicorn sync": [*gunicorn, "--worker-class", "sync"],
        "uvicorn": uvicorn,
    }


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        children = loadgen.workers_of(todo.pop())
        found += children
        todo += children
    return found


def measure(server: list, env: dict, port: int, path: str, args, work: Path, name: str) -> dict:
    log = work / f"{name.split()[0]}.log"
    base = f"http://127.0.0.1:{port}"
    # A busy machine may take minutes to collect static files and start every worker.
    with loadgen.running(server, env=env, log=log, ready=f"{base}/news/", timeout=600) as master:
        primed = serve._prime(base, {"article": path})["article"]
        body = loadgen.fetch(base + path).body
        loadgen.wait_idle(descendants(master))
        load = loadgen.wrk(
            args.wrk,
            base + path,
            duration=args.duration,
            threads=args.threads,
            connections=args.connections,
        )
    return dataclasses.asdict(load) | {"primed": primed, "body": body}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--extra-path", help="a folder of servers installed outside .venv")
    args = parser.parse_args()
    if args.extra_path:
        os.environ["BENCH_EXTRA_PATH"] = args.extra_path
        sys.path.append(args.extra_path)
    tools = loadgen.ensure_tools()
    args.wrk = tools["wrk"]
    work = Path(tempfile.mkdtemp(prefix="newscenter-servers-"))
    meta = json.loads((args.data_dir / "bench-meta.json").read_text())
    path = meta["article"]
    env = loadgen.app_env(args.data_dir, page_cache=True)
    env["DJANGO_SETTINGS_MODULE"] = "newscenter.settings"
    if args.extra_path:
        env["PYTHONPATH"] = args.extra_path  # only uvicorn and what it needs (click, h11)
    loadgen.app_setup(env, work / "setup.log")
    load_before = os.getloadavg()
    workers = os.cpu_count() or 1
    html = b""
    runs: dict[str, list] = {}
    for _ in range(args.rounds):
        for name in commands(0, workers, work / "x"):
            port = loadgen.free_port()
            server = commands(port, workers, work / f"access-{name.split()[0]}.log")[name]
            if server is None:
                runs[name] = []
                continue
            print(f"… {name}", file=sys.stderr, flush=True)
            found = measure(server, env, port, path, args, work, name)
            html = html or found.pop("body")
            found.pop("body", None)
            runs.setdefault(name, []).append(found)
            done = f"  {found['rps']:,.0f} req/s, load {os.getloadavg()}"
            print(done, file=sys.stderr, flush=True)
        nginx, origin = loadgen.nginx_static(work, tools["nginx"], html)
        with nginx:
            load = loadgen.wrk(
                args.wrk,
                f"{origin}/article/",
                duration=args.duration,
                threads=args.threads,
                connections=args.connections,
            )
        runs.setdefault("nginx, the same bytes as a static file", []).append(
            dataclasses.asdict(load)
        )
    static = statistics.median(r["rps"] for r in runs["nginx, the same bytes as a static file"])
    print(
        f"# The warm article's hit path, {workers} workers each, wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration}s, {args.rounds} rounds taken in turn\n"
    )
    print(f"load average before {load_before}, after {os.getloadavg()}\n")
    print(
        "| server | req/s (median of rounds) | each round | p50 ms | p99 ms | share of static "
        "| target >= 10% |\n|---|---|---|---|---|---|---|"
    )
    for name, rows in runs.items():
        if not rows:
            print(f"| {name} | not installed | | | | | |")
            continue
        rps = statistics.median(r["rps"] for r in rows)
        share = rps / static
        each = ", ".join(f"{r['rps']:,.0f}" for r in rows)
        p50 = statistics.median(r["p50_ms"] for r in rows)
        p99 = statistics.median(r["p99_ms"] for r in rows)
        mark = "" if name.startswith("nginx") else ("pass" if share >= 0.10 else "MISS")
        print(f"| {name} | {rps:,.0f} | {each} | {p50:.2f} | {p99:.2f} | {share:.1%} | {mark} |")
    print(f"\nscratch and logs: {work}")


if __name__ == "__main__":
    main()
