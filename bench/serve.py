"""Serving benchmark: requests/s, p50 and p99 of the public pages, cold and warm, with wrk.

    .venv/bin/python bench/serve.py [--sizes 10000,100000] [--db-sizes 1000000]
                                    [--duration 10] [--connections 16] [--threads 2]

For each size, a corpus (bench/newsroom.py; cached under --cache-dir, so a rerun does not
refill) is served exactly as `make run` serves it (`newscenter setup`, then `newscenter serve`:
gunicorn, workers from the CPU count, whitenoise) on a free loopback port: once with the page
cache off (cold) and once on (warm: every URL primed first). wrk measures the article page,
the index's first and 400th page, a section, the RSS feed, the sitemap and a search. In the
same run: nginx serving the article's HTML as a static file (the machine's ceiling) and the
documented nginx deployment (deploy/nginx) in front of the warm app; `newscenter export` of
the 10,000-article corpus against Hugo building it as Markdown; each page's own cost through
Django's test client at every size and at --db-sizes (flat or not); each worker's peak memory.

The table goes to stdout and, as Markdown and JSON, to artifacts/bench/. Other work on the
machine shows in the figures: compare only within one run, on a quiet machine.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import loadgen
import newsroom
import servereport
import staticgen

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PAGES = ("article", "index", "index deep", "section", "rss", "sitemap", "search")
SITEMAP_PAGE = 1_000  # URLs a page of the articles' sitemap (news.tallies.SITEMAP_PAGE)
PRIME_CONCURRENCY, PRIME_ROUNDS = 16, 30
# The least a real page of each kind weighs: a smaller answer is an error page or empty.
MIN_BYTES = {"article": 5_000, "index": 5_000, "index deep": 5_000, "section": 5_000,
             "rss": 20_000, "sitemap": 300, "search": 3_000}  # fmt: skip


def main() -> None:
    args = _arguments()
    tools = loadgen.ensure_tools()
    results = _header(args, tools)
    work = Path(tempfile.mkdtemp(prefix="newscenter-serve-"))
    # Kept when something fails: the servers' logs are there.
    print(f"… logs and scratch files in {work}", file=sys.stderr, flush=True)
    corpora = {size: _corpus(size, args) for size in (*args.sizes, *args.db_sizes)}
    for size in args.sizes:
        print(f"… serving {size:,} articles", file=sys.stderr, flush=True)
        results["serving"][str(size)] = _serve(corpora[size], tools, args, work, results)
    if not args.skip_export:
        size = 10_000 if 10_000 in corpora else min(corpora)
        print(f"… export and Hugo, {size:,} articles", file=sys.stderr, flush=True)
        results["export"] = _export_vs_hugo(corpora[size], tools["hugo"], work)
    for size, corpus in sorted(corpora.items()):
        print(f"… page costs at {size:,} articles", file=sys.stderr, flush=True)
        results["pages_alone"][str(size)] = _page_costs(corpus, args.repetitions)
    shutil.rmtree(work, ignore_errors=True)
    results["load_after"] = os.getloadavg()
    results["corpora"] = {str(size): corpus["meta"] for size, corpus in corpora.items()}
    text = servereport.render(results)
    print(text)
    _save(results, text)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes, default=[10_000, 100_000])
    parser.add_argument("--db-sizes", type=sizes, default=[], help="page costs only (1000000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repetitions", type=int, default=200, help="per page, page costs")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument(
        "--fill", choices=("auto", "services", "raw"), default="auto",
        help="auto: the services up to 100,000 articles, plain INSERTs above",
    )  # fmt: skip
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newscenter-bench",
    )
    return parser.parse_args()


def sizes(text: str) -> list[int]:
    return [int(size) for size in text.split(",") if size]


def _header(args, tools: dict) -> dict:
    versions = {
        "wrk": _first_line([tools["wrk"], "-v"]),
        "nginx": _first_line([tools["nginx"], "-v"]),
        "hugo": _first_line([tools["hugo"], "version"]),
    }
    return {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
        "wrk": {
            "duration": args.duration,
            "connections": args.connections,
            "threads": args.threads,
        },
        "versions": versions,
        "serving": {},
        "pages_alone": {},
        "export": {},
    }


def _first_line(command: list) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout + done.stderr).strip().splitlines()[0]


# --- corpora --------------------------------------------------------------------------------


def _corpus(size: int, args) -> dict:
    """The cached corpus of ``size`` articles, filled now if this version has none yet."""
    path = args.cache_dir / newsroom.cache_key(size)
    if not (path / newsroom.META).exists():
        how = args.fill if args.fill != "auto" else ("raw" if size > 100_000 else "services")
        partial = path.with_name(path.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        print(f"… filling {size:,} articles ({how}) into {path}", file=sys.stderr, flush=True)
        command = [sys.executable, HERE / "newsroom.py", partial, "--size", str(size)]
        subprocess.run([*command, "--how", how], check=True, stdout=subprocess.DEVNULL)
        partial.rename(path)
    meta = json.loads((path / newsroom.META).read_text())
    return {"dir": path, "meta": meta}


def _paths(meta: dict) -> dict[str, str]:
    return {
        "article": meta["article"],
        "index": meta["index"],
        "index deep": meta["index_deep"],
        "section": meta["section"],
        "rss": "/news/feed/rss/",
        "sitemap": "/news/sitemap.xml",
        "search": f"/news/search/?q={meta['common_word']}",
    }


# --- serving --------------------------------------------------------------------------------


def _serve(corpus: dict, tools: dict, args, work: Path, results: dict) -> dict:
    paths = _paths(corpus["meta"])
    outcome: dict = {"pages": {page: {} for page in PAGES}, "memory_mb": {}}
    for mode in ("cold", "warm"):
        env = loadgen.app_env(corpus["dir"], page_cache=mode == "warm")
        log = work / f"app-{corpus['meta']['size']}-{mode}.log"
        loadgen.app_setup(env, log)
        port = loadgen.free_port()
        with loadgen.app_server(env, port, log) as master:
            base = f"http://127.0.0.1:{port}"
            answers = _check(base, paths, corpus["meta"])
            if mode == "cold":
                _check_deep_page(base, corpus["meta"])
                cache = _cache_off(answers)
            else:
                cache = _prime(base, paths)
            for page, path in paths.items():
                loadgen.wait_idle(loadgen.workers_of(master))
                load = _wrk(tools, base + path, args)
                print(
                    f"… {mode} {page}: {load.rps:,.0f} requests/s, p50 {load.p50_ms} ms",
                    file=sys.stderr, flush=True,
                )  # fmt: skip
                row = dataclasses.asdict(load) | {"bytes": len(answers[page].body)}
                outcome["pages"][page][mode] = row | {"x_page_cache": cache[page]}
            if mode == "warm":
                loadgen.wait_idle(loadgen.workers_of(master))
                outcome |= _nginx_runs(tools, args, work, port, corpus, paths["article"])
                if "static" not in results:
                    html = answers["article"].body
                    results["static"] = _static_ceiling(tools, args, work, html)
            outcome["memory_mb"][mode] = [
                round(loadgen.peak_mb(pid), 1) for pid in loadgen.workers_of(master)
            ]
    return outcome


def _check(base: str, paths: dict, meta: dict) -> dict:
    """Fetch every page twice (the second primes nothing when the cache is off); fail loudly
    on anything but a 200 of a plausible size."""
    answers = {}
    for page, path in paths.items():
        loadgen.fetch(base + path)
        answer = loadgen.fetch(base + path)
        if answer.status != 200 or len(answer.body) < MIN_BYTES[page]:
            raise SystemExit(f"{base}{path}: {answer.status}, {len(answer.body)} bytes")
        answers[page] = answer
    found = answers["search"].body.decode().count(meta["common_word"])
    if found < 10:
        raise SystemExit(f"search for {meta['common_word']!r} found it only {found} times")
    return answers


def _cache_off(answers: dict) -> dict:
    cache = {page: answer.headers.get("X-Page-Cache", "absent") for page, answer in answers.items()}
    if "hit" in cache.values():
        raise SystemExit(
            f"a page came from the cache with NEWSCENTER_PAGE_CACHE_SECONDS=0: {cache}"
        )
    return cache


def _prime(base: str, paths: dict) -> dict:
    """Request every page until each worker has cached it: the default cache is each worker's
    own memory, and one sequential client may keep meeting the same worker. Rounds of
    concurrent requests reach the others; a round answered wholly from the cache ends it."""
    hits = {}
    with concurrent.futures.ThreadPoolExecutor(PRIME_CONCURRENCY) as pool:
        for page, path in paths.items():
            for _ in range(PRIME_ROUNDS):
                answers = list(pool.map(loadgen.fetch, [base + path] * PRIME_CONCURRENCY))
                states = [answer.headers.get("X-Page-Cache") for answer in answers]
                if states.count("hit") == PRIME_CONCURRENCY:
                    break
            hits[page] = f"{states.count('hit')}/{PRIME_CONCURRENCY}"
    return hits


def _check_deep_page(base: str, meta: dict) -> None:
    """Follow the index's "Older" links: page N must be the one the benchmark requests."""
    url = meta["index"]
    for _ in range(meta["deep_page"] - 1):
        body = loadgen.fetch(base + url).body.decode()
        url = re.search(r'<a rel="next" href="([^"]+)"', body).group(1)
    if url != meta["index_deep"]:
        raise SystemExit(f"page {meta['deep_page']} is {url}, not {meta['index_deep']}")


def _wrk(tools: dict, url: str, args) -> loadgen.Load:
    return loadgen.wrk(
        tools["wrk"],
        url,
        duration=args.duration,
        threads=args.threads,
        connections=args.connections,
    )


def _static_ceiling(tools: dict, args, work: Path, html: bytes) -> dict:
    server, origin = loadgen.nginx_static(work, tools["nginx"], html)
    figures = {}
    with server:
        for name in ("article", "unlogged"):
            if loadgen.fetch(f"{origin}/{name}/").body != html:
                raise SystemExit("nginx does not serve the article's bytes")
            load = _wrk(tools, f"{origin}/{name}/", args)
            figures[name] = dataclasses.asdict(load) | {"bytes": len(html)}
    return figures["article"] | {"unlogged": figures["unlogged"]}


def _nginx_runs(tools, args, work: Path, app_port: int, corpus: dict, path: str) -> dict:
    """The warm article through the documented nginx deployment, in front of this app."""
    static_root = corpus["dir"] / "static"
    server, origin = loadgen.nginx_deployment(work, tools["nginx"], app_port, static_root)
    app = f"http://127.0.0.1:{app_port}"
    with server:
        direct = loadgen.fetch(app + path).body
        for _ in range(2):
            answer = loadgen.fetch(origin + path)
        # Absolute links (canonical, Open Graph, and the oEmbed link's url= parameter, quoted)
        # name the host the request came to.
        seen = answer.body.replace(origin.encode(), app.encode())
        seen = seen.replace(quote(origin, safe="").encode(), quote(app, safe="").encode())
        if answer.status != 200 or seen != direct:
            (work / "article-direct.html").write_bytes(direct)
            (work / "article-through-nginx.html").write_bytes(answer.body)
            raise SystemExit(
                f"{origin}{path} through nginx: {answer.status}, not the app's page "
                f"(both kept in {work})"
            )
        load = _wrk(tools, origin + path, args)
    status = answer.headers.get("X-Cache-Status", "absent")
    return {"nginx_deploy": dataclasses.asdict(load) | {"x_cache_status": status}}


# --- export, page costs ---------------------------------------------------------------------


def _export_vs_hugo(corpus: dict, hugo: str, work: Path) -> dict:
    """`newscenter export` and Hugo on a copy of one corpus, side by side on the same disk."""
    site = work / "export-site"
    shutil.copytree(corpus["dir"], site, ignore=shutil.ignore_patterns("static"))
    env = loadgen.app_env(site, page_cache=True)
    loadgen.app_setup(env, work / "export-setup.log")  # migrations newer than the corpus
    try:
        from export import measure_export  # bench/export.py
    except ImportError as error:
        exported = {"missing": f"bench/export.py: {error}"}
    else:
        # It edits one article for its last run: hence the copy.
        exported = measure_export(site, work / "export-out")
    hugo_site = work / "hugo-site"
    command = [sys.executable, HERE / "staticgen.py", site, hugo_site]
    written = _json_of(command, env)
    hugo_s = staticgen.hugo_build(hugo, hugo_site)
    files = sum(1 for p in (hugo_site / "public").rglob("*") if p.is_file())
    return {"export": exported, "hugo": {"full_s": hugo_s, "files": files, **written}}


def _cost_paths(meta: dict) -> dict[str, str]:
    """The served pages and every kind of sitemap page: the first and the last page of the
    articles' sitemap (the last one is where an OFFSET would cost most), the listings'."""
    last = max(1, -(-meta["public"] // SITEMAP_PAGE))
    return _paths(meta) | {
        "sitemap articles 1": "/news/sitemap-articles.xml",
        "sitemap articles last": f"/news/sitemap-articles.xml?p={last}",
        "sitemap sections": "/news/sitemap-sections.xml",
        "sitemap tags": "/news/sitemap-tags.xml",
        "sitemap authors": "/news/sitemap-authors.xml",
        "sitemap news": "/news/sitemap-news.xml",
    }


def _page_costs(corpus: dict, repetitions: int) -> dict:
    paths = json.dumps(_cost_paths(corpus["meta"]))
    command = [sys.executable, HERE / "dbcost.py", corpus["dir"], "--paths", paths]
    return _json_of([*command, "--repetitions", str(repetitions)], dict(os.environ))


def _json_of(command: list, env: dict) -> dict:
    done = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _save(results: dict, text: str) -> None:
    folder = REPO / "artifacts" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = results["started"].replace(":", "").replace("+0000", "Z")
    (folder / f"serve-{stamp}.json").write_text(json.dumps(results, indent=1, default=str))
    (folder / f"serve-{stamp}.md").write_text(text)
    print(f"\nSaved artifacts/bench/serve-{stamp}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
