"""Static export against Hugo, on the same corpus and disk, for bench/serve.py.

    NEWSCENTER_DATA_DIR=DATA_DIR .venv/bin/python bench/staticgen.py DATA_DIR SITE_DIR

writes a Hugo site: the public articles as Markdown with front matter (section as category,
tags, authors as taxonomies; twenty a page, as our listings) and a minimal layout of our own
(list and single templates; Hugo adds its default feeds and sitemap). ``hugo_build`` times
one full build. bench/serve.py puts it beside bench/export.py's ``measure_export``.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

CONFIG = """baseURL = "http://127.0.0.1/"
title = "News center"
languageCode = "en"
paginate = 20
[taxonomies]
category = "categories"
tag = "tags"
author = "authors"
"""
_HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{{ .Title }} · {{ site.Title }}</title></head><body>"
    '<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header><main>'
)
_LIST = (
    "<h1>{{ .Title }}</h1>{{ range $pager.Pages }}<article>"
    '<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>'
    '<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">'
    '{{ .Date.Format "Jan 2, 2006" }}</time></p><p>{{ .Description }}</p></article>{{ end }}'
    '<nav>{{ with $pager.Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }}'
    '{{ with $pager.Next }}<a rel="next" href="{{ .URL }}">Older</a>{{ end }}</nav>'
)
_TAIL = "</main></body></html>\n"
LAYOUTS = {
    "index.html": _HEAD + "{{ $pager := .Paginate site.RegularPages }}" + _LIST + _TAIL,
    "_default/list.html": _HEAD + "{{ $pager := .Paginate .Pages }}" + _LIST + _TAIL,
    "_default/single.html": _HEAD
    + '<article><h1>{{ .Title }}</h1><p><time datetime="{{ .Date.Format "2006-01-02" }}">'
    '{{ .Date.Format "Jan 2, 2006" }}</time> {{ range .GetTerms "categories" }}'
    '<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>'
    '<p class="standfirst">{{ .Description }}</p>{{ .Content }}<ul>'
    '{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>'
    "{{ end }}</ul></article>" + _TAIL,
}


def hugo_site(site: Path) -> int:
    """Write Hugo's config, layouts and one Markdown file per public article (Django set up)."""
    from newscenter.news.models import Article

    files = {"config.toml": CONFIG, **{f"layouts/{k}": v for k, v in LAYOUTS.items()}}
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    content = site / "content" / "news"
    content.mkdir(parents=True, exist_ok=True)
    articles = (
        Article.objects.published()
        .select_related("section")
        .prefetch_related("tags", "authors")
        .order_by("-pub_date", "-id")
    )
    count = 0
    for article in articles.iterator(chunk_size=2_000):
        (content / f"{article.pk}-{article.slug[:60]}.md").write_text(_markdown(article))
        count += 1
    return count


def _markdown(article) -> str:
    front = {
        "title": article.headline,
        "date": article.pub_date.isoformat(),
        "slug": article.slug,
        "description": article.standfirst,
        "categories": [article.section.name] if article.section else [],
        "tags": [t.name for t in article.tags.all()],
        "authors": [a.name for a in article.authors.all()],
    }
    paragraphs = re.findall(r"<p>(.*?)</p>", article.body, re.DOTALL)
    body = "\n\n".join(html.unescape(p) for p in paragraphs)
    # JSON is YAML: front matter without a YAML library.
    lines = [f"{key}: {json.dumps(value)}" for key, value in front.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


def hugo_build(hugo: str, site: Path) -> float:
    """Seconds for one full `hugo` build of ``site`` into site/public."""
    clean(site)
    started = time.perf_counter()
    subprocess.run([hugo, "--quiet", "--source", str(site)], check=True, timeout=900)
    return time.perf_counter() - started


def clean(site: Path) -> None:
    """What a build leaves, removed: the next build is a full one."""
    shutil.rmtree(site / "public", ignore_errors=True)
    shutil.rmtree(site / "resources", ignore_errors=True)


def main() -> None:
    # The caller's environment points the app at the corpus (NEWSCENTER_DATA_DIR).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newscenter.settings")
    import django

    django.setup()
    print(json.dumps({"articles": hugo_site(Path(sys.argv[2]))}))


if __name__ == "__main__":
    main()
