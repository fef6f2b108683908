"""A crawler over the demo News center in its three languages: every hreflang link leads to a
public page that links back with the same set (100% reciprocity), each page names itself,
and no alternate points at a draft or a missing translation."""

from __future__ import annotations

import io
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from lxml import html

from newscenter.conf import site_url
from newscenter.news.models import Article
from tests.conftest import module_data

pytestmark = pytest.mark.django_db

STARTS = ("/news/", "/de/news/", "/zh-hans/news/")
SKIPPED = ("/feed/", "/search", "/sitemap", "/preview/", "/review/")


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo in its three languages, loaded once for the module's crawls."""
    folder = tmp_path_factory.mktemp("demo")
    with module_data(django_db_blocker, folder):
        call_command("demo", stdout=io.StringIO())
        yield folder / "media"


@pytest.fixture
def demo(loaded, settings):
    settings.MEDIA_ROOT = loaded  # the pages read the logo's size from its file


def crawl(client) -> dict[str, dict[str, str]]:
    """Each public page reached from the three indexes, with its hreflang links."""
    seen: dict[str, dict[str, str]] = {}
    queue = deque(STARTS)
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code == 200, path
        tree = html.fromstring(response.content)
        seen[path] = {
            link.get("hreflang"): link.get("href")
            for link in tree.xpath("//head/link[@rel='alternate'][@hreflang]")
        }
        # Links readers follow, and the alternates search engines follow: each must answer 200.
        for href in [*tree.xpath("//a/@href"), *seen[path].values()]:
            parts = urlsplit(href)
            ours = not parts.netloc or href.startswith(site_url("/"))
            target = parts.path
            if ours and "/news/" in target and not any(s in target for s in SKIPPED):
                queue.append(target)
    return seen


def test_hreflang_is_reciprocal_over_the_whole_demo_site(client, demo):
    pages = crawl(client)
    by_url = {site_url(path): links for path, links in pages.items()}
    with_alternates = {url: links for url, links in by_url.items() if links}
    assert len(pages) > 30
    assert len(with_alternates) >= 8  # four translated articles' groups, and the listings

    drafts = {site_url(a.get_absolute_url()) for a in Article.objects.exclude(pub_day=None)}
    drafts -= {site_url(a.get_absolute_url()) for a in Article.objects.published()}
    checked = 0
    for url, links in with_alternates.items():
        assert url in links.values(), f"{url} does not name itself"
        for language, target in links.items():
            assert target not in drafts
            assert target in by_url, f"{url} -> {language} {target}: not crawled"
            assert by_url[target] == links, f"{target} does not link back the same set as {url}"
            checked += 1
    assert checked >= 24


def test_no_alternate_to_an_unpublished_translation(client, demo):
    draft = Article.objects.exclude(translated_from=None).get(status="draft")
    source_page = client.get(draft.translated_from.get_absolute_url())
    tree = html.fromstring(source_page.content)
    languages = tree.xpath("//head/link[@rel='alternate']/@hreflang")
    assert draft.language not in languages
    assert "de" in languages
