"""The embeds' weight and cost: bytes on the wire (raw, gzip, brotli) against the issue's
budgets, and latency with SQL query counts through Django's test client (no network).

    .venv/bin/python bench/embed.py [--requests 300]

Builds a throw-away SQLite site in a temporary folder with the demo company, then five articles
made to weigh the most an embed shows: a lead image each (renditions and all), headlines of 90
characters and standfirsts longer than the 30 words the embeds keep. Latency is measured with
the page cache off (every request renders) and on (every request after the first is a hit).
Compare figures only within one run on the same machine.
"""

from __future__ import annotations

import argparse
import gzip
import io
import statistics
import time

from throwaway import throwaway_site

BUDGETS = {"iframe page": 8 * 1024, "custom element script": 5 * 1024}
HEADLINE = "Kesselmark's Ebersfurt plant opens a second assembly hall for large gate valves, {n}"
STANDFIRST = (
    "The hall doubles the plant's capacity for valves above one metre in diameter, which water "
    "utilities and power stations order for their largest pipelines, and brings forty new jobs "
    "to the region over the next two years, the company said on {n} March."
)


def main() -> None:
    args = _arguments()
    throwaway_site()
    _fill()
    print("Bytes on the wire: the newest 5 articles, each with a lead image\n")
    _sizes()
    print(f"\nLatency through the test client, {args.requests} requests each\n")
    _latency(args.requests)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    return parser.parse_args()


def _fill() -> None:
    from django.core.management import call_command
    from PIL import Image as Pillow

    from newscenter.news import services
    from newscenter.news.policy import SYSTEM
    from newscenter.news.services.images import image_create

    call_command("demo", verbosity=0)
    for n in range(1, 6):
        buffer = io.BytesIO()
        Pillow.new("RGB", (1600, 900), (20 * n, 90, 140)).save(buffer, format="PNG")
        image = image_create(file_or_bytes=buffer.getvalue(), alt="Hall", acting_user=SYSTEM)
        services.article_create(
            acting_user=SYSTEM,
            headline=HEADLINE.format(n=n),
            standfirst=STANDFIRST.format(n=n),
            body="<p>Body.</p>",
            status="published",
            pub_date=_now(),
            lead_image=image,
            lead_image_alt="The new hall",
        )


def _now():
    from django.utils import timezone

    return timezone.now()


def _sizes() -> None:
    from django.test import Client

    from newscenter.news.models import Article

    client = Client()
    article = Article.objects.published().first()
    assert article is not None
    rows = [
        ("iframe page", "list (default)", "/embed/latest/"),
        ("iframe page", "cards, dark", "/embed/latest/?layout=cards&theme=dark"),
        ("iframe page", "compact", "/embed/latest/?layout=compact"),
        ("iframe page", "list, no images", "/embed/latest/?images=off"),
        ("iframe page", "20 items", "/embed/latest/?limit=20"),
        ("fragment (SSI)", "list", "/embed/latest.html"),
        ("JSON", "5 items", "/embed/latest.json"),
        ("custom element script", "", "/embed/latest.js"),
        ("oEmbed card", "", f"/embed/article/{article.pk}/"),
        ("oEmbed answer", "", f"/oembed?url=http://testserver{article.get_absolute_url()}"),
    ]
    print(f"{'embed':<22} {'variant':<16} {'bytes':>7} {'gzip':>7} {'brotli':>7} {'budget':>8}")
    for name, variant, path in rows:
        body = client.get(path).content
        zipped = len(gzip.compress(body, compresslevel=9))
        budget = BUDGETS.get(name) if variant in ("", "list (default)", "cards, dark") else None
        verdict = (
            "" if budget is None else f"{'<' if zipped < budget else '>='} {budget // 1024} KB"
        )
        print(
            f"{name:<22} {variant:<16} {len(body):>7,} {zipped:>7,} {_brotli(body):>7} {verdict:>8}"
        )


def _brotli(body: bytes) -> str:
    try:
        import brotli
    except ImportError:
        return "-"
    return f"{len(brotli.compress(body)):,}"


def _latency(requests: int) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    paths = {
        "iframe page": "/embed/latest/",
        "JSON": "/embed/latest.json",
        "fragment": "/embed/latest.html",
        "news index (for scale)": "/news/",
    }
    print(f"{'page':<24} {'cache':<6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for cache_seconds, label in ((0, "off"), (600, "hit")):
        settings.NEWSCENTER_PAGE_CACHE_SECONDS = cache_seconds
        for name, path in paths.items():
            client = Client()
            client.get(path)  # the first fills the cache when it is on
            with CaptureQueriesContext(connection) as captured:
                client.get(path)
            queries = len(captured)  # now: the log is emptied when the connection reopens
            timings = []
            for _ in range(requests):
                start = time.perf_counter()
                client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
            p95 = statistics.quantiles(timings, n=20)[-1]
            print(
                f"{name:<24} {label:<6} {statistics.median(timings):>8.2f} {p95:>8.2f} {queries:>8}"
            )


if __name__ == "__main__":
    main()
