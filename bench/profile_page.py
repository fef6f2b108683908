"""Where one page's time goes: cProfile over repeated requests through Django's test client.

    .venv/bin/python bench/profile_page.py DATA_DIR PATH [--cache] [--requests 200] [--top 25]
                                          [--sort cumulative] [--match newscenter]

Without --cache the page cache is off, so every request runs the view, its queries and its
templates; with --cache the first request fills the cache and the profile shows a hit's cost.
The data folder is one bench/serve.py filled (see its --cache-dir), or any site's.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("path")
    parser.add_argument("--cache", action="store_true", help="profile page cache hits")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--match", help="only functions whose file matches (e.g. newscenter)")
    args = parser.parse_args()
    if not args.cache:
        os.environ["NEWSCENTER_PAGE_CACHE_SECONDS"] = "0"
    sys.path.insert(0, str(Path(__file__).parent))
    from throwaway import throwaway_site

    throwaway_site(args.data_dir)
    from django.test import Client

    client = Client()
    for _ in range(3):  # imports, template loading, the cache's first fill
        response = client.get(args.path)
    print(f"{args.path}: {response.status_code}, X-Page-Cache {response.get('X-Page-Cache')}")
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.requests):
        client.get(args.path)
    profile.disable()
    each = (time.perf_counter() - started) / args.requests * 1000
    print(f"{each:.2f} ms a request under the profiler ({args.requests} requests)\n")
    stats = pstats.Stats(profile).sort_stats(args.sort)
    stats.print_stats(*([args.match] if args.match else []), args.top)


if __name__ == "__main__":
    main()
