"""Every public page type's server cost with the page cache off: queries, p50, p99, SQL time.

    .venv/bin/python bench/page_costs.py DATA_DIR [--repetitions 100] [--json]

DATA_DIR is a corpus bench/serve.py or bench/newsroom.py filled. Each page goes through
Django's test client (bench/dbcost.py: routing, middleware, view, queries, templates; no
network), so the figures are the server's own time, the one the issue's "3 ms at p50"
speaks of. Compare before and after only within one run on one machine.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def paths() -> dict[str, str]:
    """One address of every public page type, worked out from the corpus itself."""
    from newscenter.news.models import Article, Author, Tag

    public = Article.objects.published().order_by("-pub_date", "-id")
    middle = public[public.count() // 2]
    anchor = public.values_list("id", flat=True)[20 * 50 - 1]
    tag = Tag.objects.filter(articles__isnull=False).order_by("name").first()
    author = Author.objects.filter(articles__isnull=False).order_by("name").first()
    section = middle.section
    return {
        "article": middle.get_absolute_url(),
        "index": "/news/",
        "index page 50": f"/news/older/{anchor}/",
        "section": section.get_absolute_url() if section else "/news/",
        **older(public.filter(section=section), "section page", section),
        "tag": tag.get_absolute_url() if tag else "/news/",
        **older(public.filter(tags=tag), "tag page", tag),
        "author": author.get_absolute_url() if author else "/news/",
        **older(public.filter(authors=author), "author page", author),
        "rss": "/news/feed/rss/",
        "sitemap index": "/news/sitemap.xml",
        "sitemap articles 1": "/news/sitemap-articles.xml",
        "sitemap pages": "/news/sitemap-pages.xml",
        "sitemap sections": "/news/sitemap-sections.xml",
        "sitemap tags": "/news/sitemap-tags.xml",
        "sitemap authors": "/news/sitemap-authors.xml",
        "sitemap news": "/news/sitemap-news.xml",
        "api list": "/api/v1/articles",
        "api article": f"/api/v1/articles/{middle.pk}",
        **search_paths(public, middle),
    }


def older(articles, name: str, subject) -> dict[str, str]:
    """An older page of a section's, tag's or author's listing: the fifth, or the last when
    there are fewer (none when there is one page)."""
    if subject is None:
        return {}
    page = min(5, (articles.count() - 1) // 20 + 1)
    if page < 2:
        return {}
    anchor = articles.values_list("id", flat=True)[20 * (page - 1) - 1]
    return {f"{name} {page}": f"{subject.get_absolute_url()}older/{anchor}/"}


def search_paths(public, middle) -> dict[str, str]:
    """The search page for a common word (the most frequent of six letters or more in the
    newest headlines, as bench/newsroom.py picks its) and a rare one (the word of the middle
    article's headline that the fewest articles match)."""
    from collections import Counter

    from newscenter.search.searching import SearchRequest, search

    headlines = public.values_list("headline", flat=True)[:500]
    counts = Counter(w for h in headlines for w in set(h.lower().split()) if len(w) >= 6)
    common = counts.most_common(1)[0][0]
    words = {w for w in middle.headline.lower().split() if len(w) >= 6} or {common}
    rare = min(sorted(words), key=lambda w: search(SearchRequest(w)).total)
    return {
        "search common": f"/news/search/?q={common}",
        "search rare": f"/news/search/?q={rare}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repetitions", type=int, default=100)
    parser.add_argument("--budget", type=float, default=10, help="seconds per page at most")
    parser.add_argument("--json", action="store_true", help="print JSON, not a table")
    parser.add_argument("--only", help="these pages alone (names, comma-separated)")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from dbcost import measure, uncached
    from throwaway import throwaway_site

    uncached()
    throwaway_site(args.data_dir)
    chosen = paths()
    if args.only:
        chosen = {name: chosen[name] for name in args.only.split(",")}
    found = measure(chosen, args.repetitions, args.budget)
    if args.json:
        print(json.dumps(found))
        return
    print("p50/p99: wall clock; CPU p50: this process's CPU time (fair on a busy machine)")
    header = (
        f"{'page':<20} {'queries':>7} {'p50 ms':>8} {'p99 ms':>8} {'CPU p50':>8} {'SQL p50':>8}"
    )
    print(header + f" {'bytes':>8}")
    for page, row in found.items():
        print(
            f"{page:<20} {row['queries']:>8} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{row['cpu_p50_ms']:>8.2f} {row['sql_p50_ms']:>8.2f} {row['bytes']:>8}"
        )


if __name__ == "__main__":
    main()
