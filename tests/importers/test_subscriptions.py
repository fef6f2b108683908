"""Feed subscriptions end to end: `newscenter feeds` against a feed served on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError

from newscenter.importers import subscriptions
from newscenter.importers.subscriptions import feed_subscribe, feeds_poll
from newscenter.news import services
from newscenter.news.models import Article, AuditEntry, FeedSubscription
from newscenter.news.policy import SYSTEM
from tests.builders import make_user
from tests.test_fetching import FeedServer, send

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
ENTRIES = [
    ("https://wire.contoso.example/news/1", "Contoso opens a plant in Porto", "Mon, 06 May 2024"),
    ("https://wire.contoso.example/news/2", "Contoso hires forty engineers", "Tue, 07 May 2024"),
    ("https://wire.contoso.example/news/3", "Contoso wins a design award", "Wed, 08 May 2024"),
]


def feed_xml(entries, *, body: str = "Full story inside.") -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{date} 10:00:00 +0000</pubDate><description>{body}</description></item>"
        for link, title, date in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Contoso Wire</title><link>https://wire.contoso.example/</link>"
        f"{items}</channel></rss>"
    ).encode()


@pytest.fixture(autouse=True)
def feed_settings(settings):
    settings.NEWSCENTER_IMPORT_FORMATS = {"feed": "newscenter.importers.parsers.feed"}
    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = True  # the test server is on loopback


@pytest.fixture
def server():
    with FeedServer() as running:
        running.feed("/wire.xml", feed_xml(ENTRIES[:2]), etag='"v1"')
        running.routes["/broken"] = lambda h: send(h, 500, b"database on fire")
        running.routes["/page.html"] = lambda h: send(h, 200, b"<!DOCTYPE html><html></html>")
        yield running


def feeds(*args: str) -> str:
    out = io.StringIO()
    call_command("feeds", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def poll_failing(*args: str) -> tuple[str, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("feeds", "poll", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue(), str(failed.value)


# --- subscribing --------------------------------------------------------------------------------


def test_add_subscribes_with_a_section_and_records_who(server):
    url = server.url("/wire.xml")
    out = feeds("add", url, "--section", "Industry news")
    assert out == f"subscribed to {url}; new entries will be saved as drafts\n"
    subscription = FeedSubscription.objects.get()
    assert (subscription.url, subscription.section.name, subscription.publish) == (
        url,
        "Industry news",
        False,
    )
    assert AuditEntry.objects.get(action="feed_subscribe").detail["feed"] == subscription.url


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "ftp://files.contoso.example/feed.xml"], "must start with http:// or https://"),
        (["add", "file:///etc/passwd"], "must start with http:// or https://"),
        (["add", "https://"], "url: Enter a valid URL."),
        (["add"], "the following arguments are required: URL"),
        (["add", "https://wire.contoso.example/rss", "--bogus"], "unrecognized arguments"),
        ([], "the following arguments are required: ACTION"),
        (["subscribe"], "invalid choice: 'subscribe'"),
        (["remove", "https://nowhere.example/rss"], "no subscription to"),
    ],
)
def test_mistakes_are_reported_as_command_errors(args, message):
    with pytest.raises(CommandError, match=message):
        feeds(*args)


def test_the_same_feed_cannot_be_added_twice():
    feeds("add", "https://wire.contoso.example/rss")
    with pytest.raises(CommandError, match="url: Feed subscription with this Url already exists"):
        feeds("add", "https://wire.contoso.example/rss")


# --- polling --------------------------------------------------------------------------------------


def test_poll_imports_drafts_then_costs_a_304_then_adds_only_what_is_new(server, time_machine):
    time_machine.move_to(NOW)
    url = server.url("/wire.xml")
    feeds("add", url, "--section", "Industry news")

    assert feeds("poll") == f"ok  {url}: 2 new, 0 updated, 0 unchanged\n"
    porto = Article.objects.get(headline="Contoso opens a plant in Porto")
    assert porto.status == Article.Status.DRAFT
    assert porto.source_name == "Contoso Wire"
    assert porto.source_url == "https://wire.contoso.example/news/1"
    assert porto.section.name == "Industry news"
    assert porto.pub_date == dt.datetime(2024, 5, 6, 10, 0, tzinfo=dt.UTC)
    assert porto.import_record.origin == url
    subscription = FeedSubscription.objects.get()
    assert subscription.etag == '"v1"'
    assert NOW <= subscription.last_polled < NOW + dt.timedelta(minutes=1)
    assert subscription.last_status == "2 new, 0 updated, 0 unchanged"

    assert feeds("poll") == f"ok  {url}: not modified\n"
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'
    assert Article.objects.count() == 2

    server.feed("/wire.xml", feed_xml(ENTRIES), etag='"v2"')
    assert feeds("poll") == f"ok  {url}: 1 new, 0 updated, 2 unchanged\n"
    assert Article.objects.count() == 3
    assert Article.objects.filter(headline="Contoso wins a design award").exists()
    assert FeedSubscription.objects.get().etag == '"v2"'

    listing = feeds("list").splitlines()
    assert listing[0].split() == ["URL", "SECTION", "MODE", "LAST", "POLLED", "LAST", "STATUS"]
    assert listing[1].split("  ")[0] == url
    assert "Industry news" in listing[1]
    assert "draft" in listing[1]
    assert "2024-06-01 12:00" in listing[1]
    assert listing[1].endswith("1 new, 0 updated, 2 unchanged")


def test_an_entry_edited_upstream_updates_its_draft(server):
    url = server.url("/wire.xml")
    feeds("add", url)
    feeds("poll")
    server.feed("/wire.xml", feed_xml(ENTRIES[:2], body="Corrected story."), etag='"v1b"')
    assert feeds("poll") == f"ok  {url}: 0 new, 2 updated, 0 unchanged\n"
    assert set(Article.objects.values_list("body", flat=True)) == {"Corrected story."}
    assert Article.objects.count() == 2


def test_a_published_subscription_shows_the_source_on_the_article_page(server, client):
    feeds("add", server.url("/wire.xml"), "--publish")
    feeds("poll")
    porto = Article.objects.get(headline="Contoso opens a plant in Porto")
    assert porto.status == Article.Status.PUBLISHED
    response = client.get(porto.get_absolute_url())
    assert response.status_code == 200
    source = BeautifulSoup(response.content, "html.parser").select_one("article .source")
    assert source.get_text(" ", strip=True) == "Source: Contoso Wire"
    assert source.a["href"] == "https://wire.contoso.example/news/1"


def test_a_failing_feed_is_reported_and_does_not_stop_the_others(server):
    broken, page, wire = server.url("/broken"), server.url("/page.html"), server.url("/wire.xml")
    for url in (broken, page, wire):
        feeds("add", url)
    out, error = poll_failing()
    assert error == "2 of 3 feed(s) failed"
    lines = dict(line.split(": ", 1) for line in out.splitlines())
    assert lines[f"FAILED  {broken}"] == (
        f"the server answered 500 Internal Server Error for {broken}"
    )
    assert lines[f"FAILED  {page}"] == "this is an HTML page, not an RSS or Atom feed"
    assert lines[f"ok  {wire}"] == "2 new, 0 updated, 0 unchanged"
    assert Article.objects.count() == 2
    assert FeedSubscription.objects.get(url=broken).last_status.startswith("failed: the server")
    assert "failed" in feeds("list")


def test_poll_json_has_one_object_per_feed(server):
    feeds("add", server.url("/wire.xml"))
    feeds("add", server.url("/broken"))
    out, _ = poll_failing("--json")
    results = {result["url"]: result for result in json.loads(out)}
    assert results[server.url("/wire.xml")] == {
        "url": server.url("/wire.xml"),
        "ok": True,
        "status": "2 new, 0 updated, 0 unchanged",
        "created": 2,
        "updated": 0,
    }
    assert results[server.url("/broken")]["ok"] is False


def test_loopback_feeds_are_refused_unless_allowed(server, settings):
    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = True
    feeds("add", server.url("/wire.xml"))  # allowed when the subscription is made
    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = False  # and then no longer
    out, _ = poll_failing()
    assert "127.0.0.1 is a loopback address: refused" in out
    assert server.requests == []


def test_inactive_and_removed_feeds_are_not_polled(server):
    feeds("add", server.url("/wire.xml"))
    feeds("add", server.url("/broken"))
    FeedSubscription.objects.filter(url=server.url("/broken")).update(active=False)
    assert feeds("poll") == f"ok  {server.url('/wire.xml')}: 2 new, 0 updated, 0 unchanged\n"
    assert "inactive" in feeds("list")
    assert feeds("remove", server.url("/wire.xml")).startswith("unsubscribed from")
    assert feeds("poll") == ""
    assert Article.objects.count() == 2  # articles outlive their subscription


def test_a_bug_in_one_feed_is_logged_and_the_rest_go_on(server, monkeypatch, caplog):
    feeds("add", server.url("/wire.xml"))
    feeds("add", server.url("/page.html"))
    real = subscriptions.import_sources

    def import_sources(sources, **kwargs):
        if sources[0].name.endswith("/page.html"):
            raise RuntimeError("a bug")
        return real(sources, **kwargs)

    server.routes["/page.html"] = server.routes["/wire.xml"]
    monkeypatch.setattr(subscriptions, "import_sources", import_sources)
    results = {r.url: r for r in feeds_poll(acting_user=SYSTEM)}
    assert results[server.url("/page.html")].status == "failed: internal error (see the log)"
    assert results[server.url("/wire.xml")].ok
    assert "polling http://127.0.0.1" in caplog.text


def test_the_list_of_no_feeds_says_how_to_add_one():
    assert feeds("list") == "no feeds; add one with `newscenter feeds add URL`\n"


def test_feed_subscribe_finds_the_section_case_insensitively():
    section = services.section_get_or_create(name="Press", acting_user=SYSTEM)
    subscription = feed_subscribe(
        url=" https://wire.contoso.example/rss ", section_name="press", acting_user=SYSTEM
    )
    assert subscription.section == section
    assert subscription.url == "https://wire.contoso.example/rss"


def test_an_article_an_editor_published_stays_published_when_the_feed_changes(server):
    feeds("add", server.url("/wire.xml"))
    feeds("poll")
    porto = Article.objects.get(headline="Contoso opens a plant in Porto")
    services.article_publish_or_schedule(article=porto, acting_user=SYSTEM)
    server.feed("/wire.xml", feed_xml(ENTRIES), etag='"v2"')
    feeds("poll")
    porto.refresh_from_db()
    assert porto.status == Article.Status.PUBLISHED


def test_poll_as_a_user_acts_under_their_role(server):
    """--user makes the poll the user's: a contributor's entries are drafts they created, and
    a feed that would publish is refused for them, with the policy's reason."""
    contributor = make_user(role="contributor", username="cora")
    drafts, published = server.url("/wire.xml"), server.url("/awards.xml")
    server.feed("/awards.xml", feed_xml(ENTRIES[2:]), etag='"a1"')
    feeds("add", drafts)
    feeds("add", published, "--publish")
    _, error = poll_failing("--user", "cora")
    assert "1 of 2 feed(s) failed" in error
    assert {a.created_by for a in Article.objects.all()} == {contributor}
    assert Article.objects.count() == 2  # the drafts; nothing from the refused feed
    refused = FeedSubscription.objects.get(url=published).last_status
    assert "a contributor cannot publish articles" in refused


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://127.0.0.1:9/feed.xml", "127.0.0.1 is a loopback address"),
        ("http://10.0.0.8/feed.xml", "10.0.0.8 is a private address"),
        ("http://user:secret@news.example/feed", "URLs with a user name or password are refused"),
    ],
)
def test_add_refuses_what_a_poll_would_refuse_in_the_same_words(settings, url, reason):
    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(CommandError, match=re.escape(reason)):
        feeds("add", url)
    assert not FeedSubscription.objects.exists()
