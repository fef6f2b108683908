#!/usr/bin/env python3
"""Lighthouse 12 over the public page types of a demo site, on phones and on desktops.

Starts a throwaway News center as `make run` serves it (`newscenter setup` with the demo,
then `newscenter serve` on a free loopback port), runs Lighthouse (npm, `make node-tools`)
with Debian's chromium over the index, an article, a section, a tag, an author and the search
page, mobile then desktop, and prints the four scores as a table. The search page is `noindex`
on purpose, so its SEO score is not 100 (Lighthouse counts that as "blocked from indexing").

    make lighthouse                       # or: .venv/bin/python scripts/lighthouse.py
    .venv/bin/python scripts/lighthouse.py --json artifacts/lighthouse.json --min 90

docs/public-site.md says what the scores mean and what is expected.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

REPO = Path(__file__).resolve().parents[1]
NEWSCENTER = REPO / ".venv" / "bin" / "newscenter"
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def main() -> int:
    args = _arguments()
    for tool in (NEWSCENTER, LIGHTHOUSE, Path(CHROMIUM)):
        if not tool.exists():
            sys.exit(f"{tool} is missing: run `make install node-tools` (and install chromium)")
    with tempfile.TemporaryDirectory(prefix="newscenter-lighthouse-") as work:
        env = _app_env(Path(work))
        log = Path(work) / "server.log"
        _run([str(NEWSCENTER), "setup"], env, log)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        with _server(env, port, log):
            pages = _pages(base)
            if args.pages:
                pages = {name: pages[name] for name in args.pages.split(",")}
            reports = Path(args.reports or work)
            reports.mkdir(parents=True, exist_ok=True)
            rows = []
            for preset in ("mobile", "desktop"):
                for name, path in pages.items():
                    report = reports / f"{name}-{preset}.json"
                    scores = _lighthouse(base + path, preset, report)
                    rows.append({"page": name, "path": path, "device": preset, **scores})
                    print(_line(rows[-1]), file=sys.stderr, flush=True)
    print(_table(rows))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rows, indent=2))
    below = [row for row in rows if any(_below(row, c, args.min) for c in CATEGORIES)]
    return 1 if args.min is not None and below else 0


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="also write the scores to this file")
    parser.add_argument("--reports", help="keep each page's full Lighthouse report in this folder")
    parser.add_argument(
        "--pages", help="only these page types, comma-separated (index,article,...)"
    )
    parser.add_argument(
        "--min",
        type=int,
        help="exit 1 when a score is below this (the search page's SEO aside: it is noindex)",
    )
    return parser.parse_args()


def _app_env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("NEWSCENTER_PAGE_CACHE_SECONDS", None)  # as `make run` has it
    env.update(
        NEWSCENTER_DATA_DIR=str(data_dir / "data"),
        NEWSCENTER_HTTPS="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        CHROME_PATH=CHROMIUM,
    )
    return env


def _run(command: list[str], env: dict, log: Path) -> None:
    with open(log, "ab") as output:
        subprocess.run(command, env=env, stdout=output, stderr=output, check=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _server(env: dict, port: int, log: Path):
    """`newscenter serve` in a process group of its own, stopped (group and all) at the end."""
    command = [str(NEWSCENTER), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "1", "--no-worker"]
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_ready(f"http://127.0.0.1:{port}/news/", process, log)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_ready(url: str, process: subprocess.Popen, log: Path, timeout: float = 600) -> None:
    # Generous: `serve` collects the static files first, and a shared machine may be busy.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server stopped: see {log}\n{log.read_text()[-2000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url, timeout=5) as answer,  # noqa: S310 (loopback)
        ):
            if answer.status == 200:
                return
        time.sleep(0.5)
    sys.exit(f"the server did not answer {url} within {timeout:.0f} s\n{log.read_text()[-2000:]}")


def _first_loc(base: str, sitemap: str) -> str:
    with urllib.request.urlopen(f"{base}/news/sitemap-{sitemap}.xml") as answer:  # noqa: S310
        root = ElementTree.fromstring(answer.read())  # noqa: S314 (our own server's sitemap)
    location = root.findtext(f"{SITEMAP}url/{SITEMAP}loc") or ""
    # The sitemap names the configured base URL; the path is what the local server serves.
    return "/" + location.split("/", 3)[3]


def _pages(base: str) -> dict[str, str]:
    return {
        "index": "/news/",
        "article": _first_loc(base, "articles"),
        "section": _first_loc(base, "sections"),
        "tag": _first_loc(base, "tags"),
        "author": _first_loc(base, "authors"),
        "search": "/news/search/?q=valves",
    }


def _lighthouse(url: str, preset: str, report: Path) -> dict[str, int | None]:
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    categories = json.loads(report.read_text())["categories"]
    return {name: _score(categories.get(name, {})) for name in CATEGORIES}


def _score(category: dict) -> int | None:
    score = category.get("score")
    return None if score is None else round(score * 100)


def _below(row: dict, category: str, minimum: int | None) -> bool:
    if minimum is None or (row["page"] == "search" and category == "seo"):
        return False
    return row[category] is None or row[category] < minimum


def _line(row: dict) -> str:
    scores = " ".join(f"{c}={row[c]}" for c in CATEGORIES)
    return f"{row['device']:<8} {row['page']:<8} {scores}"


def _table(rows: list[dict]) -> str:
    header = ["page", "device", "performance", "accessibility", "best practices", "SEO"]
    lines = [header] + [
        [row["page"], row["device"], *("-" if row[c] is None else str(row[c]) for c in CATEGORIES)]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = [
        " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in lines
    ]
    text.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(text)


if __name__ == "__main__":
    if not shutil.which("node"):
        sys.exit("node is missing: install Node.js 20 (with npm), then `make node-tools`")
    sys.exit(main())
