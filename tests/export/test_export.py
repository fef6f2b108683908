"""``newscenter export DIR``: the exported files are what the running site serves.

Every page reachable from the index (articles, listings and their older pages, feeds,
sitemaps, robots.txt) is fetched with the test client and compared byte for byte with its
file; feeds and sitemaps are parsed as readers parse them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError
from lxml import etree

from newscenter.export.files import file_for
from newscenter.export.run import watch
from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.export.conftest import export, snapshot_files
from tests.test_cli import env_with_data_dir

pytestmark = pytest.mark.django_db

PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITEMAP_NAMES = ("", "-pages", "-articles", "-sections", "-tags", "-authors")
FEED_KINDS = {"rss": "xml", "atom": "xml", "json": "json"}
# Not exported as the running site serves them: the search page searches in the browser
# (test_search_* below), and the staff-only, per-visitor and binary addresses are no pages.
SKIPPED = ("/news/search", "/news/preview/", "/news/review/", "/admin/", "/accounts/")


def _nonce_free(content: bytes) -> bytes:
    # A CSP nonce differs on every response: it is no part of what a page is.
    return re.sub(rb' nonce="[^"]*"', b' nonce=""', content)


def _links(url: str, response) -> set[str]:
    content_type = response["Content-Type"]
    found = set()
    if content_type.startswith("text/html"):
        page = BeautifulSoup(response.content, "html.parser")
        found = {tag["href"] for tag in page.find_all(["a", "link"], href=True)}
    elif "xml" in content_type and "sitemap" in url:
        root = etree.fromstring(response.content, PARSER)
        found = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    return found


def crawl(client, editions: tuple[str, ...] = ()) -> dict[str, object]:
    """Every public address reachable from the index and the sitemaps, with its response;
    with ``editions`` (``"de"``), from those editions' indexes and under their prefix too."""
    seen: dict[str, object] = {}
    queue = ["/news/", "/robots.txt", "/news/sitemap.xml", "/news/sitemap-news.xml"]
    queue += [f"/{code}/news/" for code in editions]
    public = ("/news/", "/robots.txt", *(f"/{code}/news/" for code in editions))
    skipped = SKIPPED + tuple(f"/{code}{path}" for code in editions for path in SKIPPED[:3])
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = response
        for link in _links(url, response):
            parts = urlsplit(link)
            if parts.netloc not in ("", "testserver") or parts.query:
                continue
            path = parts.path
            if path.startswith(public) and not path.startswith(skipped):
                queue.append(path)
    return seen


def _file_of(url: str, response) -> str:
    kind = "html"
    if "/feed/" in url:
        kind = FEED_KINDS[url.rstrip("/").rsplit("/", 1)[-1]]
    return file_for(url, kind)


def test_every_public_page_is_exported_as_the_site_serves_it(site, client, tmp_path):
    out = tmp_path / "out"
    export(out)
    pages = crawl(client)
    assert len(pages) > 50
    for url, response in pages.items():
        exported = out / _file_of(url, response)
        assert exported.is_file(), url
        assert _nonce_free(exported.read_bytes()) == _nonce_free(response.content), url
    assert "/news/older/" in "".join(pages)
    assert "/news/section/company-news/older/" in "".join(pages)


def test_feeds_and_sitemaps_parse(site, tmp_path):
    out = tmp_path / "out"
    export(out)
    for path in ("news/feed/rss/index.xml", "news/feed/atom/index.xml"):
        parsed = feedparser.parse((out / path).read_bytes())
        assert not parsed.bozo, path
        assert len(parsed.entries) == 20
    data = json.loads((out / "news/feed/json/index.json").read_bytes())
    assert data["version"].startswith("https://jsonfeed.org/version/1")
    assert len(data["items"]) == 20
    section_feed = feedparser.parse(
        (out / "news/section/company-news/feed/rss/index.xml").read_bytes()
    )
    assert section_feed.entries
    assert not section_feed.bozo
    index = etree.fromstring((out / "news/sitemap.xml").read_bytes(), PARSER)
    locations = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert "https://testserver/news/sitemap-articles.xml" in locations
    articles = etree.fromstring((out / "news/sitemap-articles.xml").read_bytes(), PARSER)
    assert len(list(articles.iter(f"{SITEMAP}url"))) == 25
    assert "Sitemap: https://testserver/news/sitemap.xml" in (out / "robots.txt").read_text()


def test_images_and_static_files_the_pages_use_are_exported(site, tmp_path):
    out = tmp_path / "out"
    export(out)
    pages = [out / "news/index.html", out / file_for(site["body"].get_absolute_url())]
    pages.append(out / file_for(site[0].get_absolute_url()))
    referenced = set()
    for page in pages:
        html = page.read_text()
        referenced |= set(re.findall(r'(?:src|href)="(/(?:static|media)/[^"]+)"', html))
        referenced |= {
            u.split()[0] for s in re.findall(r'srcset="([^"]+)"', html) for u in s.split(", ")
        }
    assert any(url.startswith("/media/") for url in referenced)
    assert "/static/newscenter/site.css" in referenced
    for url in referenced:
        assert (out / url.lstrip("/")).is_file(), url


def test_drafts_and_future_articles_have_no_file_until_their_time(site, tmp_path, time_machine):
    out = tmp_path / "out"
    export(out)
    exported = "\n".join(snapshot_files(out))
    assert site["draft"].get_absolute_url() not in exported
    scheduled = file_for(site["scheduled"].get_absolute_url())
    assert not (out / scheduled).exists()
    assert "Scheduled valve news" not in (out / "news/search/articles.json").read_text()
    time_machine.shift(86400 + 60)
    export(out)
    assert (out / scheduled).is_file()
    assert "Scheduled valve news" in (out / "news/index.html").read_text()


def test_a_second_run_writes_nothing(site, tmp_path):
    out = tmp_path / "out"
    export(out)
    before = snapshot_files(out)
    output = export(out)
    assert " 0 written" in output
    assert "0 removed" in output
    assert "0 static and media files copied" in output
    assert snapshot_files(out) == before


def test_one_edit_rewrites_exactly_the_files_that_show_it(site, client, tmp_path):
    out = tmp_path / "out"
    export(out)
    before = snapshot_files(out)
    edited = site[7]
    services.article_update(
        article=edited, acting_user=SYSTEM, headline="Ebersfurt valves sold out"
    )
    output = export(out)
    after = snapshot_files(out)
    rewritten = {path for path in after if after[path][0] != before.get(path, (None,))[0]}
    changed = {path for path in after if after[path][1] != before.get(path, (None, None))[1]}
    assert rewritten == changed  # nothing written whose bytes stayed the same
    written = int(re.search(r"([\d,]+) written", output)[1])
    assert written == len(changed - {".newscenter-export.json"})
    showing = {path for path in changed if b"Ebersfurt valves sold out" in after[path][1]}
    # Besides the files that show the headline, only sitemaps change (their lastmod dates).
    others = changed - showing - {".newscenter-export.json"}
    assert others <= {f"news/sitemap{name}.xml" for name in SITEMAP_NAMES}, others
    assert file_for(edited.get_absolute_url()) in showing
    assert {"news/index.html", "news/feed/rss/index.xml", "news/search/articles.json"} <= showing
    assert "news/section/company-news/index.html" in showing
    assert file_for(site[20].get_absolute_url()) not in changed
    for url, response in crawl(client).items():  # and every file is still what the site serves
        exported = out / _file_of(url, response)
        assert _nonce_free(exported.read_bytes()) == _nonce_free(response.content), url


def test_an_unpublished_article_loses_its_file(site, tmp_path):
    out = tmp_path / "out"
    export(out)
    gone = site[3]
    path = out / file_for(gone.get_absolute_url())
    assert path.is_file()
    services.article_take_down(article=gone, acting_user=SYSTEM)
    output = export(out)
    assert not path.exists()
    assert not path.parent.exists()  # no empty folder left behind either
    assert int(re.search(r"(\d+) removed", output)[1]) >= 1
    assert gone.headline.encode() not in (out / "news/index.html").read_bytes()


def test_full_renders_everything_but_writes_only_what_differs(site, tmp_path):
    out = tmp_path / "out"
    export(out)
    before = snapshot_files(out)
    output = export(out, "--full")
    assert " 0 written" in output
    assert snapshot_files(out) == before


def test_a_file_deleted_by_hand_is_written_again(site, tmp_path):
    out = tmp_path / "out"
    export(out)
    (out / "news/index.html").unlink()
    output = export(out)
    assert (out / "news/index.html").is_file()
    assert "1 written" in output


def test_search_index_and_page_work_without_a_server(site, client, tmp_path):
    out = tmp_path / "out"
    export(out)
    index = json.loads((out / "news/search/articles.json").read_text())
    headlines = {row[1] for row in index["articles"]}
    public = Article.objects.published()
    assert headlines == set(public.values_list("headline", flat=True))
    assert "Draft about valves" not in headlines
    row = next(r for r in index["articles"] if r[1] == site[0].headline)
    assert row[0] == site[0].get_absolute_url()
    assert index["sections"][row[4]][0] == "Product news"
    page = BeautifulSoup((out / "news/search/index.html").read_text(), "html.parser")
    scripts = [tag["src"] for tag in page.find_all("script", src=True)]
    assert scripts == ["/static/web/search.js"]
    assert (out / "static/web/search.js").is_file()
    box = page.find(id="static-search")
    assert box["data-index"] == "/news/search/articles.json"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert len(page.find_all("h1")) == 1


def test_the_output_ends_with_a_summary_and_no_progress_bar_off_a_terminal(site, tmp_path):
    output = export(tmp_path / "out")
    lines = output.strip().splitlines()
    assert len(lines) == 1, output  # no progress bar when not on a terminal
    assert re.fullmatch(
        r"Exported [\d,]+ pages in [\d.]+ s: [\d,]+ written \([\d.,]+ [KM]B\), 0 unchanged, "
        r"0 removed; [\d,]+ static and media files copied; [\d.,]+ [KM]B in all\.",
        lines[0],
    )


def test_bad_directories_are_refused_clearly(db, tmp_path, settings):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    with pytest.raises(CommandError, match="is a file, not a folder"):
        export(a_file)
    with pytest.raises(CommandError, match=r"inside the site's own files \(MEDIA_ROOT\)"):
        export(Path(settings.MEDIA_ROOT) / "export")
    with pytest.raises(CommandError, match=r"inside the site's own files \(STATIC_ROOT\)"):
        export(Path(settings.STATIC_ROOT))
    with pytest.raises(CommandError, match="holds the site's own"):
        export(Path(settings.MEDIA_ROOT).parent)
    with pytest.raises(CommandError, match="Cannot write to"):
        export(Path("/proc/newscenter-export"))


def test_a_bad_directory_exits_non_zero_without_a_traceback(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    result = subprocess.run(
        [sys.executable, "-m", "newscenter", "export", str(a_file)],
        env=env_with_data_dir(tmp_path / "data"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "is a file, not a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_watch_refuses_an_interval_that_is_no_time_without_a_traceback(tmp_path):
    command = [sys.executable, "-m", "newscenter", "export", str(tmp_path / "out"), "--watch"]
    for interval in ("0", "nan"):
        result = subprocess.run(
            [*command, "--interval", interval],
            env=env_with_data_dir(tmp_path / "data"),
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0
        assert "--interval must be a positive number of seconds" in result.stderr, interval
        assert "Traceback" not in result.stderr


def test_each_edition_is_exported_under_its_prefix(site, client, tmp_path):
    """A site in English and German: /de/news/ with its articles, listings, feeds and search
    index, each file as the site serves it; the English edition keeps only English articles."""
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    for n in (0, 1):
        german = services.translation_create(acting_user=SYSTEM, source=site[n], language="de")
        services.article_update(
            article=german, acting_user=SYSTEM, headline=f"Werk {n} verdoppelt die Ventilproduktion"
        )
        services.article_publish(article=german, acting_user=SYSTEM)
    out = tmp_path / "out"
    export(out)
    pages = crawl(client, editions=("de",))
    german_pages = [url for url in pages if url.startswith("/de/news/")]
    assert "/de/news/feed/rss/" in german_pages
    assert any(url.startswith("/de/news/section/") for url in german_pages)
    assert any(url.startswith("/de/news/20") for url in german_pages)  # an article
    for url, response in pages.items():
        exported = out / _file_of(url, response)
        assert exported.is_file(), url
        assert _nonce_free(exported.read_bytes()) == _nonce_free(response.content), url
    german_feed = feedparser.parse((out / "de/news/feed/rss/index.xml").read_bytes())
    assert german_feed.feed.language == "de"
    assert sorted(e.title for e in german_feed.entries) == [
        "Werk 0 verdoppelt die Ventilproduktion",
        "Werk 1 verdoppelt die Ventilproduktion",
    ]
    english = (out / "news/index.html").read_text()
    assert "Werk 0" not in english
    index = json.loads((out / "de/news/search/articles.json").read_text())
    assert sorted(a[1] for a in index["articles"]) == [
        "Werk 0 verdoppelt die Ventilproduktion",
        "Werk 1 verdoppelt die Ventilproduktion",
    ]
    assert all(a[0].startswith("/de/news/") for a in index["articles"])
    assert (out / "de/news/search/index.html").is_file()


def test_a_run_after_changes_leaves_what_a_fresh_full_export_writes(site, tmp_path):
    """The incremental plan misses nothing: after an edit, a take-down and a publication, the
    folder a second run leaves holds the same files, byte for byte, as a full export of the
    site as it now stands into an empty folder."""
    out = tmp_path / "out"
    export(out)
    services.article_update(article=site[7], acting_user=SYSTEM, headline="Valves sold out")
    services.article_take_down(article=site[3], acting_user=SYSTEM)
    tag = site[0].tags.get(name="Valves")
    tag.name = "Plant visits"  # a rename reaches every page that names the tag
    services.taxonomy_save(obj=tag, acting_user=SYSTEM)
    export(out)
    fresh = tmp_path / "fresh"
    export(fresh, "--full")
    after, expected = _contents(out), _contents(fresh)
    assert sorted(after) == sorted(expected)
    assert [path for path in after if after[path] != expected[path]] == []
    assert not (out / file_for(site[3].get_absolute_url())).exists()
    assert b"Plant visits" in after[file_for(site[0].get_absolute_url())]


def _contents(directory: Path) -> dict[str, bytes]:
    return {path: content for path, (_, content) in snapshot_files(directory).items()}


def test_watch_exports_again_after_each_change_and_only_then(
    site, tmp_path, django_capture_on_commit_callbacks
):
    out = tmp_path / "out"
    reports, looks = [], []
    edited = site[7]

    def until() -> bool:
        looks.append(len(reports))
        if len(looks) == 3:  # two looks after the first run: nothing changed, no run
            assert len(reports) == 1
            # The commit's callbacks are what renews the pages' generation.
            with django_capture_on_commit_callbacks(execute=True):
                services.article_update(
                    article=edited, acting_user=SYSTEM, headline="Ebersfurt valves sold out"
                )
        return len(reports) == 2

    watch(out, report=reports.append, interval=0.01, until=until)
    first, second = reports
    assert first.written == first.pages
    assert 0 < second.written < second.pages
    page = out / file_for(edited.get_absolute_url())
    assert b"Ebersfurt valves sold out" in page.read_bytes()
