"""The page cache: readers get stored pages, and every change shows at once everywhere."""

from __future__ import annotations

import datetime as dt
import email.utils
import http.server
import json
import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.utils import timezone

from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.builders import make_article
from tests.conftest import REPO, https_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.NEWSCENTER_PAGE_CACHE_SECONDS = 600


def listings(article: Article, section_slug: str, tag_slug: str, author_slug: str) -> list[str]:
    """Every public page that lists an article, besides its own."""
    return [
        "/news/",
        f"/news/section/{section_slug}/",
        f"/news/tag/{tag_slug}/",
        f"/news/author/{author_slug}/",
        "/news/feed/rss/",
        "/news/feed/json/",
        f"/news/section/{section_slug}/feed/atom/",
        "/news/sitemap-articles.xml",
        "/news/sitemap-news.xml",
        "/news/search/?q=turbine",
        "/news/search.json?q=turbine",
    ]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write and what follows its commit (the change signal), as a request would."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


@pytest.fixture
def site():
    section = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    tag = services.tag_get_or_create(name="Energy", acting_user=SYSTEM)
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    first = make_article(
        headline="The turbine hall reopens",
        section=section,
        tags=[tag],
        authors=[author],
    )
    return {"section": section, "tag": tag, "author": author, "first": first}


def _urls(site) -> list[str]:
    return listings(site["first"], site["section"].slug, site["tag"].slug, site["author"].slug)


def _warm(client, urls):
    for url in urls:
        assert client.get(url).status_code == 200, url
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_a_readers_second_visit_is_served_from_the_cache_without_the_database(
    client, site, django_assert_num_queries
):
    url = site["first"].get_absolute_url()
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # What the middleware below added on the way out is stored with the page.
    for header in ("Content-Security-Policy", "Strict-Transport-Security", "Content-Type"):
        assert second[header] == first[header], header


def test_a_new_article_shows_at_once_on_every_page_that_lists_it(
    client, site, django_capture_on_commit_callbacks
):
    urls = _urls(site)
    _warm(client, urls)
    with django_capture_on_commit_callbacks(execute=True):  # the search index follows commits
        make_article(
            headline="A second turbine for the works",
            section=site["section"],
            tags=[site["tag"]],
            authors=[site["author"]],
        )
    for url in urls:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "a-second-turbine-for-the-works" in response.text, url


def test_an_edit_shows_at_once_on_the_article_and_its_listings(
    client, site, django_capture_on_commit_callbacks
):
    article = site["first"]
    urls = [article.get_absolute_url(), *_urls(site)]
    _warm(client, urls)
    before = {url: client.get(url).content for url in urls}
    with django_capture_on_commit_callbacks(execute=True):
        services.article_update(
            article=article, acting_user=SYSTEM, headline="The turbine hall reopens on Monday"
        )
    for url in urls:
        after = client.get(url)
        assert after.content != before[url], url
        if "sitemap-articles" not in url:  # which lists addresses and dates, not headlines
            assert "hall reopens on Monday" in after.text, url  # search marks "turbine"


def test_an_unpublished_article_leaves_every_page_at_once(client, site, committed):
    article = site["first"]
    url = article.get_absolute_url()
    _warm(client, [url, *_urls(site)])
    committed(services.article_take_down, article=article, acting_user=SYSTEM)
    assert client.get(url).status_code == 410
    for listing in _urls(site):
        assert "The turbine hall reopens" not in client.get(listing).text, listing


def test_renaming_a_section_and_changing_the_site_settings_show_at_once(client, site, committed):
    urls = ["/news/", site["first"].get_absolute_url(), f"/news/section/{site['section'].slug}/"]
    _warm(client, urls)
    section = site["section"]
    section.name = "Works and plants"
    committed(services.taxonomy_save, obj=section, acting_user=SYSTEM)
    for url in urls[1:]:
        assert "Works and plants" in client.get(url).text, url
    committed(
        services.site_settings_update,
        acting_user=SYSTEM,
        tagline="Valves since 1921, news since today",
    )
    for url in urls:
        assert "Valves since 1921, news since today" in client.get(url).text, url


def test_a_scheduled_article_appears_on_time_though_nothing_was_written(client, site, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    goes_live = timezone.now() + dt.timedelta(minutes=10)
    make_article(headline="Scheduled turbine news", pub_date=goes_live, section=site["section"])
    first = client.get("/news/")
    assert "Scheduled turbine news" not in first.text
    # Shared caches are told to keep the page no longer than until the article is due.
    time_machine.move_to(goes_live - dt.timedelta(seconds=30), tick=False)
    before = client.get("/news/")
    assert before["X-Page-Cache"] == "hit"
    assert "s-maxage=30," in before["Cache-Control"]
    time_machine.move_to(goes_live + dt.timedelta(seconds=1), tick=False)
    for url in ("/news/", "/news/feed/rss/", f"/news/section/{site['section'].slug}/"):
        assert "Scheduled turbine news" in client.get(url).text, url


def test_validators_answer_304_and_change_with_the_page(client, site, committed):
    url = site["first"].get_absolute_url()
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert email.utils.parsedate_to_datetime(last_modified) <= timezone.now()
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
        unchanged = client.get(url, headers=headers)
        assert unchanged.status_code == 304, headers
        assert unchanged.content == b""
        assert unchanged["ETag"] == etag
    committed(
        services.article_update, article=site["first"], acting_user=SYSTEM, standfirst="New words."
    )
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_shared_caches_get_s_maxage_and_stale_while_revalidate(client, site, settings):
    settings.NEWSCENTER_SHARED_MAX_AGE = 120
    settings.NEWSCENTER_STALE_WHILE_REVALIDATE = 45
    response = client.get("/news/")
    assert response["Cache-Control"] == (
        "public, max-age=0, s-maxage=120, stale-while-revalidate=45"
    )


def test_signed_in_staff_never_get_or_leave_a_cached_page(client, site, role_client):
    article = site["first"]
    url = article.get_absolute_url()
    _warm(client, [url])
    editor = role_client("editor")
    response = editor.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert "public" not in response.get("Cache-Control", "")
    # The page the editor saw was not stored either: a reader still gets the cached one.
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_previews_review_links_admin_and_posts_are_never_cached(client, site):
    for url in ("/news/preview/1/", "/news/review/nonsense/", "/admin/", "/accounts/login/"):
        client.get(url)
        assert "X-Page-Cache" not in client.get(url), url
    response = client.post("/news/", {})
    assert "X-Page-Cache" not in response


def test_searches_are_kept_and_not_found_pages_are_not(client, site):
    # Any address can be asked for: keeping 404s would let anyone fill the cache.
    assert client.get("/news/search/?q=turbine")["X-Page-Cache"] == "miss"
    assert client.get("/news/search/?q=turbine")["X-Page-Cache"] == "hit"
    assert client.get("/news/does-not-exist/").status_code == 404
    assert client.get("/news/does-not-exist/")["X-Page-Cache"] == "miss"


def test_with_the_page_cache_off_pages_still_carry_validators(client, site, settings):
    settings.NEWSCENTER_PAGE_CACHE_SECONDS = 0
    url = site["first"].get_absolute_url()
    first = client.get(url)
    assert first["X-Page-Cache"] == "off"
    assert client.get(url)["X-Page-Cache"] == "off"
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    assert "s-maxage=" in first["Cache-Control"]


def test_a_change_made_by_another_process_renews_this_ones_pages(client, site):
    """Workers of one machine each keep their own pages; the generation they share is a file
    in the data folder, so a change saved through any of them renews them all."""
    url = "/news/"
    _warm(client, [url])
    code = (
        "import django; django.setup()\n"
        "from newscenter.web.pagecache import generation\n"
        "generation.renew()\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newscenter.settings",
        "NEWSCENTER_DATA_DIR": str(settings.DATA_DIR),
        "PYTHONPATH": str(REPO / "src"),
    }
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert client.get(url)["X-Page-Cache"] == "miss"


class _Recorder(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        _Recorder.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.django_db(transaction=True)  # real commits, as in use
def test_the_purge_hook_is_told_once_after_each_committed_change(client, site, settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Recorder.received.clear()
    settings.NEWSCENTER_PURGE_URL = f"http://127.0.0.1:{server.server_port}/purge"
    try:
        tags = [services.tag_get_or_create(name="Purges", acting_user=SYSTEM)]
        authors = [services.author_get_or_create(name="Ola Berg", acting_user=SYSTEM)]
        _wait_for(lambda: _Recorder.received)
        _Recorder.received.clear()
        # One transaction saving the article, its tags and its authors, then announcing it.
        services.article_update(
            article=site["first"], acting_user=SYSTEM, headline="Purged", tags=tags, authors=authors
        )
        _wait_for(lambda: _Recorder.received)
        threading.Event().wait(0.5)  # room for any further call to arrive
    finally:
        server.shutdown()
    assert len(_Recorder.received) == 1, _Recorder.received  # once per transaction
    assert _Recorder.received[0]["paths"] is None  # every page changed
    assert _Recorder.received[0]["generation"]


def _wait_for(condition, seconds: float = 10) -> None:
    deadline = timezone.now() + dt.timedelta(seconds=seconds)
    while not condition() and timezone.now() < deadline:
        threading.Event().wait(0.05)


@pytest.mark.django_db(transaction=True)  # the threads' own connections see the articles
def test_simultaneous_misses_render_a_page_once(site):
    """A cold page asked for by many readers at once is rendered by one of them; the others
    wait for it. After a change the page is rendered once again, the others meanwhile get the
    copy from before the change (stale) or the new one."""
    from django.test.signals import template_rendered

    url = site["first"].get_absolute_url()
    renders: list[str] = []

    def rendered(sender, template, **kwargs):
        if template.name == "web/article_detail.html":
            renders.append(template.name)

    def together(count: int) -> list:
        start = threading.Barrier(count)
        answers: list = [None] * count

        def ask(n: int) -> None:
            start.wait()
            answers[n] = https_client().get(url)

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers

    template_rendered.connect(rendered)
    try:
        cold = together(12)
        assert len(renders) == 1
        assert {a.status_code for a in cold} == {200}
        assert len({a.content for a in cold}) == 1
        assert sorted(a["X-Page-Cache"] for a in cold).count("miss") == 1

        services.article_update(article=site["first"], acting_user=SYSTEM, headline="Reopened")
        renewed = together(12)
        assert len(renders) == 2
        states = {a["X-Page-Cache"] for a in renewed}
        assert states <= {"miss", "stale", "hit"}
        for answer in renewed:
            fresh = b"Reopened" in answer.content
            assert fresh == (answer["X-Page-Cache"] != "stale")
            if not fresh:  # no shared cache keeps a stale copy
                assert "s-maxage=0" in answer["Cache-Control"]
    finally:
        template_rendered.disconnect(rendered)
