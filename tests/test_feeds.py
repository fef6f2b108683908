"""Feeds as feed readers see them: parsed RSS, Atom and JSON Feed, headers, ids, discovery."""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import json
import os

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import feedgenerator, timezone
from lxml import etree
from PIL import Image

from newscenter.feeds import rss
from newscenter.feeds.syndication import FEED_ID_DATE, FEED_LENGTH, Source, xml_safe
from newscenter.news import services
from newscenter.news.models import Article, SiteSettings
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_image

pytestmark = pytest.mark.django_db

FORMATS = ("rss", "atom", "json")
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
CONTENT_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}


@pytest.fixture
def newsroom():
    """A section, a tag and an author, each with one public article."""
    section = services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    tag = services.tag_get_or_create(name="Plants", acting_user=SYSTEM)
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    article = make_article(
        headline="Ebersfurt plant doubles its valve output",
        standfirst="A second line for gate valves starts in May.",
        body='<p>See <a href="/news/section/company-news/">more</a>.</p>',
        section=section,
        tags=[tag],
        authors=[author],
    )
    return {"section": section, "tag": tag, "author": author, "article": article}


def feed_path(fmt: str, kind: str = "site", slug: str = "") -> str:
    return f"/news/feed/{fmt}/" if kind == "site" else f"/news/{kind}/{slug}/feed/{fmt}/"


def xml(response) -> etree._Element:
    # lxml refuses anything that is not well-formed XML, which feed readers may not forgive.
    return etree.fromstring(response.content)


def json_feed(response) -> dict:
    return json.loads(response.content)


def parse(response) -> tuple[str, list[dict]]:
    """A feed of any format as its title and entries (id, title, url, content), checked as it goes.

    feedparser 6 reads RSS and Atom but not JSON Feed, which is read with ``json``.
    """
    if not response["Content-Type"].startswith("application/feed+json"):
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        entries = [
            {"id": e.id, "title": e.title, "url": e.link, "content": e.content[0].value}
            for e in parsed.entries
        ]
        return parsed.feed.title, entries
    feed = json_feed(response)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    entries = [
        {"id": i["id"], "title": i["title"], "url": i["url"], "content": i["content_html"]}
        for i in feed["items"]
    ]
    return feed["title"], entries


def entry_ids(client, fmt: str) -> list[str]:
    return [entry["id"] for entry in parse(client.get(feed_path(fmt)))[1]]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "steelblue").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["site", "section", "tag", "author"])
def test_every_feed_parses_cleanly_with_its_article(client, newsroom, kind, fmt):
    make_article(headline="Somewhere else entirely")
    slug = "" if kind == "site" else newsroom[kind].slug
    response = client.get(feed_path(fmt, kind, slug))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(CONTENT_TYPES[fmt])
    titles = [entry["title"] for entry in parse(response)[1]]
    assert "Ebersfurt plant doubles its valve output" in titles
    assert ("Somewhere else entirely" in titles) == (kind == "site")


def test_rss_items_follow_rss_2(client, newsroom):
    article = newsroom["article"]
    channel = xml(client.get(feed_path("rss"))).find("channel")
    assert channel.findtext("link") == "https://testserver/news/"
    self_link = channel.find(f"{ATOM}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == "https://testserver/news/feed/rss/"
    (item,) = channel.findall("item")
    guid = item.find("guid")
    assert guid.get("isPermaLink") == "false"
    assert guid.text == f"tag:testserver,{article.created:%Y-%m-%d}:article-{article.pk}"
    pub_date = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
    assert pub_date == article.pub_date.replace(microsecond=0)
    assert item.findtext("link") == f"https://testserver{article.get_absolute_url()}"
    assert item.findtext("description") == "A second line for gate valves starts in May."
    assert item.findtext(DC_CREATOR) == "Jana Oster"
    assert [c.text for c in item.findall("category")] == ["Company news", "Plants"]
    assert item.findtext(CONTENT_ENCODED).startswith("<p>See <a href=")


def test_atom_feed_and_entries_carry_what_atom_requires(client, newsroom):
    article = newsroom["article"]
    feed = xml(client.get(feed_path("atom")))
    assert feed.findtext(f"{ATOM}id") == f"tag:testserver,{FEED_ID_DATE}:feed"
    assert dt.datetime.fromisoformat(feed.findtext(f"{ATOM}updated")) == article.modified
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {
        "self": "https://testserver/news/feed/atom/",
        "alternate": "https://testserver/news/",
    }
    (entry,) = feed.findall(f"{ATOM}entry")
    assert (
        entry.findtext(f"{ATOM}id")
        == f"tag:testserver,{article.created:%Y-%m-%d}:article-{article.pk}"
    )
    assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == article.pub_date
    assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == article.modified
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Jana Oster"
    assert entry.find(f"{ATOM}content").get("type") == "html"
    assert entry.findtext(f"{ATOM}summary") == "A second line for gate valves starts in May."


def test_json_feed_has_the_fields_of_version_1_1(client, newsroom):
    article = newsroom["article"]
    feed = json_feed(client.get(feed_path("json")))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "News center · newscenter"
    assert feed["home_page_url"] == "https://testserver/news/"
    assert feed["feed_url"] == "https://testserver/news/feed/json/"
    assert feed["language"] == "en"
    (item,) = feed["items"]
    assert item["id"] == f"tag:testserver,{article.created:%Y-%m-%d}:article-{article.pk}"
    assert item["url"] == f"https://testserver{article.get_absolute_url()}"
    assert item["title"] == "Ebersfurt plant doubles its valve output"
    assert item["summary"] == "A second line for gate valves starts in May."
    assert item["content_html"].startswith("<p>See <a href=")
    assert dt.datetime.fromisoformat(item["date_published"]) == article.pub_date
    assert dt.datetime.fromisoformat(item["date_modified"]) == article.modified
    assert item["authors"] == [
        {"name": "Jana Oster", "url": "https://testserver/news/author/jana-oster/"}
    ]
    assert item["tags"] == ["Company news", "Plants"]
    assert item["language"] == "en"
    assert "image" not in item
    assert "attachments" not in item


def test_a_republished_item_names_its_source_in_every_format(client):
    make_article(
        headline="Valve maker wins port contract",
        source_name="Harbour Trade Weekly",
        source_url="https://harbour-trade.example/2023/valves",
    )
    rss = feedparser.parse(client.get(feed_path("rss")).content)
    assert not rss.bozo, rss.get("bozo_exception")
    assert rss.entries[0].source == {
        "href": "https://harbour-trade.example/2023/valves",
        "title": "Harbour Trade Weekly",
    }
    atom = feedparser.parse(client.get(feed_path("atom")).content)
    assert not atom.bozo, atom.get("bozo_exception")
    (entry,) = atom.entries
    via = [link.href for link in entry.links if link.rel == "via"]
    assert via == ["https://harbour-trade.example/2023/valves"]
    assert entry.link != via[0]  # the entry's own address stays ours
    assert entry.source.title == "Harbour Trade Weekly"
    assert entry.source.link == "https://harbour-trade.example/2023/valves"
    (item,) = json_feed(client.get(feed_path("json")))["items"]
    assert item["external_url"] == "https://harbour-trade.example/2023/valves"
    assert item["url"].startswith("https://testserver/news/")


def test_an_item_of_our_own_names_no_source(client):
    make_article(headline="Canteen reopens")
    assert "source" not in feedparser.parse(client.get(feed_path("rss")).content).entries[0]
    entry = feedparser.parse(client.get(feed_path("atom")).content).entries[0]
    assert "source" not in entry
    assert [link.rel for link in entry.links] == ["alternate"]
    assert "external_url" not in json_feed(client.get(feed_path("json")))["items"][0]


def test_a_source_named_without_an_address_is_named_where_the_format_allows(client):
    make_article(headline="Trade fair report", source_name="Pump Journal")
    # RSS 2.0's <source> needs an address: none rather than an invalid element.
    assert "source" not in feedparser.parse(client.get(feed_path("rss")).content).entries[0]
    entry = feedparser.parse(client.get(feed_path("atom")).content).entries[0]
    assert entry.source.title == "Pump Journal"
    assert "external_url" not in json_feed(client.get(feed_path("json")))["items"][0]


def test_an_unsigned_article_is_credited_to_the_publisher(client):
    make_article(headline="Canteen reopens")
    (item,) = json_feed(client.get(feed_path("json")))["items"]
    assert item["authors"] == [{"name": "newscenter", "url": "https://testserver/news/"}]


def test_titles_description_and_language_come_from_the_site_settings(client, newsroom):
    site = SiteSettings.load()
    site.site_name = "Kesselmark Valves & Pumps"
    site.section_title = "Newsroom"
    site.tagline = "News from the valve works in Ebersfurt"
    site.language = "de"
    site.save()
    channel = xml(client.get(feed_path("rss"))).find("channel")
    assert channel.findtext("title") == "Newsroom · Kesselmark Valves & Pumps"
    assert channel.findtext("description") == "News from the valve works in Ebersfurt"
    assert channel.findtext("language") == "de"
    atom = xml(client.get(feed_path("atom", "section", "company-news")))
    assert atom.findtext(f"{ATOM}title") == "Company news · Kesselmark Valves & Pumps"
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    assert json_feed(client.get(feed_path("json", "tag", "plants")))["language"] == "de"


def test_ids_never_change_when_headline_and_slug_are_edited(client, newsroom):
    article = newsroom["article"]
    before = {fmt: entry_ids(client, fmt) for fmt in FORMATS}
    old_url = article.get_absolute_url()
    services.article_update(
        article=article, acting_user=SYSTEM, headline="Output doubled", slug="output-doubled"
    )
    assert article.get_absolute_url() != old_url
    after = {fmt: entry_ids(client, fmt) for fmt in FORMATS}
    assert after == before
    assert len(set(before["rss"] + before["atom"] + before["json"])) == 1
    assert all(old_url not in ids[0] for ids in before.values())
    assert json_feed(client.get(feed_path("json")))["items"][0]["url"].endswith("/output-doubled/")


def test_a_feed_keeps_its_id_when_its_section_slug_changes(client, newsroom):
    section = newsroom["section"]
    before = xml(client.get(feed_path("atom", "section", section.slug))).findtext(f"{ATOM}id")
    section.slug = "corporate"
    section.save()
    after = xml(client.get(feed_path("atom", "section", "corporate"))).findtext(f"{ATOM}id")
    assert after == before
    assert "company-news" not in before


@pytest.mark.parametrize("fmt", FORMATS)
def test_only_public_articles_newest_first_and_a_bounded_number(client, fmt):
    now = timezone.now()
    for n in range(FEED_LENGTH + 3):
        make_article(headline=f"Item {n:02d}", pub_date=now - dt.timedelta(hours=n + 1))
    make_article(headline="Draft item", status=Article.Status.DRAFT, pub_date=None)
    make_article(headline="Scheduled item", pub_date=now + dt.timedelta(hours=1))
    entries = parse(client.get(feed_path(fmt)))[1]
    assert [entry["title"] for entry in entries] == [f"Item {n:02d}" for n in range(FEED_LENGTH)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_relative_urls_in_the_body_become_absolute(client, fmt):
    article = make_article(
        body='<p><a href="/news/2024/05/06/open-day/">Open day</a> <a href="#specs">specs</a>'
        ' <a href="https://example.org/x?a=1&amp;b=2">partner</a></p>'
        '<figure><img src="/media/images/hall.png" alt="Hall 3"></figure>'
    )
    body = BeautifulSoup(parse(client.get(feed_path(fmt)))[1][0]["content"], "html.parser")
    assert [a["href"] for a in body.find_all("a")] == [
        "https://testserver/news/2024/05/06/open-day/",
        f"https://testserver{article.get_absolute_url()}#specs",
        "https://example.org/x?a=1&b=2",
    ]
    assert body.img["src"] == "https://testserver/media/images/hall.png"


def test_the_lead_image_is_an_enclosure_with_its_real_size(client):
    article = make_article(lead_image=make_image(40, 30, alt="Hall 3"))
    make_article(headline="No picture")
    size = os.path.getsize(article.lead_image.file.path)
    url = f"https://testserver{article.lead_image.file.url}"  # the original, not a rendition

    items = xml(client.get(feed_path("rss"))).findall("channel/item")
    enclosures = [item.find("enclosure") for item in items]
    assert enclosures[0] is None  # the newer article has no lead image
    assert dict(enclosures[1].attrib) == {"url": url, "length": str(size), "type": "image/jpeg"}

    entries = xml(client.get(feed_path("atom"))).findall(f"{ATOM}entry")
    links = [entry.find(f"{ATOM}link[@rel='enclosure']") for entry in entries]
    assert links[0] is None
    assert links[1].get("href") == url
    assert links[1].get("length") == str(size)

    items = json_feed(client.get(feed_path("json")))["items"]
    assert "image" not in items[0]
    assert items[1]["image"] == url
    assert items[1]["attachments"] == [
        {"url": url, "mime_type": "image/jpeg", "size_in_bytes": size}
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_conditional_get_answers_304_until_an_article_changes(client, time_machine, fmt):
    time_machine.move_to(timezone.now(), tick=False)
    article = make_article()
    first = client.get(feed_path(fmt))
    # Readers revalidate (cheap, as the 304s below show); shared caches keep it a while.
    assert first["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert email.utils.parsedate_to_datetime(last_modified) == article.updated.replace(
        microsecond=0
    )

    unchanged = client.get(feed_path(fmt), headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    since = client.get(feed_path(fmt), headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304

    time_machine.shift(dt.timedelta(seconds=5))
    services.article_update(article=article, acting_user=SYSTEM, headline="Corrected headline")
    changed = client.get(feed_path(fmt), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    since = client.get(feed_path(fmt), headers={"If-Modified-Since": last_modified})
    assert since.status_code == 200


def test_a_scheduled_article_going_live_changes_the_validators(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    make_article()
    goes_live = timezone.now() + dt.timedelta(minutes=10)
    make_article(headline="Scheduled", pub_date=goes_live)
    first = client.get(feed_path("rss"))
    time_machine.move_to(goes_live + dt.timedelta(seconds=1), tick=False)
    later = client.get(feed_path("rss"), headers={"If-None-Match": first["ETag"]})
    assert later.status_code == 200
    assert email.utils.parsedate_to_datetime(later["Last-Modified"]) == goes_live.replace(
        microsecond=0
    )


def test_unpublishing_an_article_changes_the_etag(client):
    make_article(headline="Stays")
    leaving = make_article(headline="Leaves")
    first = client.get(feed_path("json"))
    services.article_take_down(article=leaving, acting_user=SYSTEM)
    later = client.get(feed_path("json"), headers={"If-None-Match": first["ETag"]})
    assert later.status_code == 200
    assert [item["title"] for item in json_feed(later)["items"]] == ["Stays"]


def test_the_site_logo_is_the_feed_image(client):
    site = SiteSettings.load()
    site.logo = ContentFile(png_bytes(), name="logo.png")
    site.save()
    logo = f"https://testserver{site.logo.url}"
    rss = xml(client.get(feed_path("rss"))).find("channel/image")
    assert rss.findtext("url") == logo
    assert rss.findtext("link") == "https://testserver/news/"
    assert xml(client.get(feed_path("atom"))).findtext(f"{ATOM}logo") == logo
    assert json_feed(client.get(feed_path("json")))["icon"] == logo


def test_an_empty_feed_is_valid_and_claims_no_modification_date(client):
    for fmt in FORMATS:
        response = client.get(feed_path(fmt))
        assert response.status_code == 200
        assert "Last-Modified" not in response
        assert response["ETag"]
        assert parse(response)[1] == []


def test_the_feed_is_built_in_a_fixed_number_of_queries(client):
    section = services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    tags = [
        services.tag_get_or_create(name=name, acting_user=SYSTEM) for name in ("Plants", "Valves")
    ]
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)

    def queries_for_feeds() -> list[int]:
        counts = []
        for fmt in FORMATS:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(feed_path(fmt)).status_code == 200
            counts.append(len(captured))
        return counts

    make_article(section=section, tags=tags, authors=[author], lead_image=make_image())
    queries_for_feeds()  # what is read once per change (site settings) read here
    few = queries_for_feeds()
    for _ in range(5):
        make_article(section=section, tags=tags, authors=[author], lead_image=make_image())
    # What a feed shows of the lead images and sections is read with the articles: none of
    # the columns left out of the read (selectors.FEED_UNREAD) is asked for.
    assert queries_for_feeds() == few


@pytest.mark.parametrize(
    "text",
    [
        "Pressure\x0b test\x1b passed\x0c",
        "Valves & Pumps <b>ship</b> ]]> 🚰 faster",
        "מפעל חדש في إيبرسفورت",
    ],
)
def test_awkward_text_gives_well_formed_feeds(client, text):
    tag = services.tag_get_or_create(name=f"Tag{text[:3]}", acting_user=SYSTEM)
    author = services.author_get_or_create(name=f"Writer {text[:5]}", acting_user=SYSTEM)
    make_article(headline=text, standfirst=text, tags=[tag], authors=[author])
    expected = text.replace("\x0b", "").replace("\x1b", "").replace("\x0c", "")
    for fmt in FORMATS:
        response = client.get(feed_path(fmt))
        assert response.status_code == 200
        if fmt != "json":
            xml(response)  # raises unless well-formed
        assert parse(response)[1][0]["title"] == expected
    assert json_feed(client.get(feed_path("json")))["items"][0]["title"] == expected
    channel = xml(client.get(feed_path("rss"))).find("channel")
    assert channel.findtext("item/title") == expected


@pytest.mark.parametrize("kind", ["section", "tag", "author"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_slug_is_not_found(client, newsroom, kind, fmt):
    assert client.get(feed_path(fmt, kind, "no-such-thing")).status_code == 404


def test_an_unknown_format_is_not_found_and_feeds_only_answer_reads(client):
    assert client.get("/news/feed/xml/").status_code == 404
    assert client.get("/news/section/company-news/feed/rdf/").status_code == 404
    assert client.head(feed_path("rss")).status_code == 200
    assert client.post(feed_path("rss")).status_code in (403, 405)


def discovery_links(client, path: str) -> dict[tuple[str, str], str]:
    page = BeautifulSoup(client.get(path).content, "html.parser")
    links = page.head.find_all("link", rel="alternate")
    # An article's oEmbed answer is an alternate too, but no feed (tests/embed/test_oembed.py).
    feeds = [link for link in links if link["type"] != "application/json+oembed"]
    return {(link["type"], link["title"]): link["href"] for link in feeds}


def test_pages_announce_their_feeds(client, newsroom):
    site = SiteSettings.load()
    site.site_name = "Kesselmark Valves & Pumps"
    site.save()
    index = discovery_links(client, "/news/")
    assert index == {
        ("application/rss+xml", "News center · Kesselmark Valves & Pumps (RSS)"): "/news/feed/rss/",
        ("application/atom+xml", "News center · Kesselmark Valves & Pumps (Atom)"): (
            "/news/feed/atom/"
        ),
        ("application/feed+json", "News center · Kesselmark Valves & Pumps (JSON Feed)"): (
            "/news/feed/json/"
        ),
    }
    section = discovery_links(client, "/news/section/company-news/")
    assert section[("application/rss+xml", "Company news · Kesselmark Valves & Pumps (RSS)")] == (
        "/news/section/company-news/feed/rss/"
    )
    assert len(section) == 6
    article = discovery_links(client, newsroom["article"].get_absolute_url())
    assert set(article.values()) == set(section.values())
    tag = discovery_links(client, "/news/tag/plants/")
    assert tag[("application/feed+json", "Plants · Kesselmark Valves & Pumps (JSON Feed)")] == (
        "/news/tag/plants/feed/json/"
    )
    author = discovery_links(client, "/news/author/jana-oster/")
    assert author[("application/atom+xml", "Jana Oster · Kesselmark Valves & Pumps (Atom)")] == (
        "/news/author/jana-oster/feed/atom/"
    )
    for (content_type, title), href in {**index, **section, **tag, **author}.items():
        response = client.get(href)
        assert response.status_code == 200, href
        assert response["Content-Type"].startswith(content_type), href
        assert title.startswith(parse(response)[0] + " ("), href


def test_an_article_without_a_section_announces_only_the_site_feeds(client):
    article = make_article()
    links = discovery_links(client, article.get_absolute_url())
    assert sorted(links.values()) == ["/news/feed/atom/", "/news/feed/json/", "/news/feed/rss/"]


class _DjangoRss(feedgenerator.Rss201rev2Feed):
    """What newscenter.feeds.rss.RssFeed stands for: Django's RSS 2.0 written through its XML
    writer, with the full body, every author, the source and the site's logo added."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": rss.CONTENT_NS, "xmlns:dc": rss.DC_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed["logo"]:
            handler.startElement("image", {})
            handler.addQuickElement("url", self.feed["logo"])
            handler.addQuickElement("title", self.feed["title"])
            handler.addQuickElement("link", self.feed["link"])
            handler.endElement("image")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["authors"]:
            handler.addQuickElement("dc:creator", author["name"])
        source = item["source"]
        if source and source.url:
            handler.addQuickElement("source", source.name, {"url": source.url})
        handler.addQuickElement("content:encoded", item["content_html"])


AWKWARD = ["", "Valves & <Pumps> ]]> 🚰", 'Say "it\'s"\n\tthen', "מפעל חדש", "a'b", 'a"b']


@pytest.mark.parametrize("logo", [None, "https://news.example.com/media/logo's.png"])
def test_the_rss_document_is_what_djangos_xml_writer_writes(logo):
    """The feed is written without Django's XML writer (news.feeds.rss), to the same bytes."""
    made = []
    for generator in (rss.RssFeed, _DjangoRss):
        feed = generator(
            title=AWKWARD[1], link="https://news.example.com/news/", description=AWKWARD[2],
            language="de", feed_url="https://news.example.com/news/feed/rss/?a=1&b='2'",
            logo=logo,
        )  # fmt: skip
        when = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
        for n, text in enumerate(AWKWARD):
            source = Source(name=text, url=f"https://example.org/{text}") if n % 3 else None
            feed.add_item(
                title=text, link=f"https://news.example.com/news/{n}/", description=text or None,
                unique_id=f"tag:news.example.com,2026-03-02:article-{n}",
                unique_id_is_permalink=False, pubdate=when, updateddate=when,
                enclosures=[feedgenerator.Enclosure(f"https://x.example/{text}.jpg", "12",
                                                    "image/jpeg")] if n % 2 else [],
                categories=[text, "Plants"], authors=[{"name": text, "url": ""}],
                source=source if n != 4 else Source(name=text, url=""),
                content_html=f"<p>{text}</p>",
            )  # fmt: skip
        written = io.BytesIO()
        feed.write(written, "utf-8")
        made.append(written.getvalue())
    assert made[0] == made[1]
    items = etree.fromstring(made[0]).findall("channel/item")
    assert [item.findtext("title") for item in items] == AWKWARD


def test_what_xml_forbids_is_dropped_from_feed_text_and_the_rest_kept():
    forbidden = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)]
    for character in [*forbidden, "\ufffe", "\uffff", "\ud800", "\udfff"]:
        assert xml_safe({"title": f"Valves{character} & Pumps ü"}) == {"title": "Valves & Pumps ü"}
    kept = "Tab\tline\nreturn\r ü 北京 🚰 \ufffd \x7f"
    assert xml_safe([kept, {"name": kept, "at": None}]) == [kept, {"name": kept, "at": None}]
