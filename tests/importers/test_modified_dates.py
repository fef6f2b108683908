"""An imported article's "last changed" is the source's, on every surface readers see, until
an editor changes it: JSON-LD, OpenGraph, Atom, JSON Feed and the sitemap."""

from __future__ import annotations

import datetime as dt
import json

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from lxml import etree

from newscenter.importers.run import ImportOptions, Source, import_sources
from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.builders import make_user

pytestmark = pytest.mark.django_db

PUBLISHED = dt.datetime(2023, 3, 14, 9, 30, tzinfo=dt.UTC)
REVISED = dt.datetime(2023, 3, 20, 16, 0, tzinfo=dt.UTC)
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def atom_source(*, updated: dt.datetime | None) -> bytes:
    revised = f"<updated>{updated.isoformat()}</updated>" if updated else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbour Trade Weekly</title><id>urn:uuid:5c1d3e44-1d1a-4c59-9d43-2b8f8f6d0a11</id>
  <updated>2023-03-20T16:00:00Z</updated><link href="https://harbour-trade.example/"/>
  <entry>
    <title>Valve maker wins port contract</title>
    <id>urn:uuid:0b6c1c1e-7a4e-4d0e-8d4a-1f0c6f0e2b22</id>
    <link href="https://harbour-trade.example/2023/valves"/>
    <published>{PUBLISHED.isoformat()}</published>{revised}
    <content type="html">&lt;p&gt;The port of Ebersfurt orders 400 gate valves.&lt;/p&gt;</content>
  </entry>
</feed>""".encode()


def imported(source: bytes) -> Article:
    report = import_sources(
        [Source(name="trade.atom", data=source)],
        options=ImportOptions(status="published"),
        acting_user=SYSTEM,
    )
    assert report.ok, report.failed
    return Article.objects.get()


def told_to_readers(client, article: Article) -> dict[str, dt.datetime]:
    """The last-change date each surface gives for ``article``."""
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    (news,) = [
        data
        for script in page.select('script[type="application/ld+json"]')
        if (data := json.loads(script.string))["@type"] == "NewsArticle"
    ]
    og = page.select_one('meta[property="article:modified_time"]')["content"]
    atom = feedparser.parse(client.get(reverse("news:feed", args=["atom"])).content)
    assert not atom.bozo, atom.get("bozo_exception")
    item = json.loads(client.get(reverse("news:feed", args=["json"])).content)["items"][0]
    sitemap = etree.fromstring(
        client.get(reverse("news:sitemap-section", args=["articles"])).content
    )
    return {
        "JSON-LD dateModified": dt.datetime.fromisoformat(news["dateModified"]),
        "article:modified_time": dt.datetime.fromisoformat(og),
        "Atom updated": dt.datetime.fromisoformat(atom.entries[0].updated),
        "JSON Feed date_modified": dt.datetime.fromisoformat(item["date_modified"]),
        "sitemap lastmod": dt.datetime.fromisoformat(sitemap.findtext(f".//{SITEMAP}lastmod")),
    }


def test_an_imported_article_keeps_the_sources_modified_date_everywhere(client):
    article = imported(atom_source(updated=REVISED))
    dates = told_to_readers(client, article)
    assert dates == dict.fromkeys(dates, REVISED)


def test_without_a_modified_date_the_publication_date_stands(client):
    article = imported(atom_source(updated=None))
    dates = told_to_readers(client, article)
    assert dates == dict.fromkeys(dates, PUBLISHED)


def test_fetching_the_lead_image_later_is_no_change_but_an_editors_save_is(client):
    article = imported(atom_source(updated=REVISED))
    services.article_update(article=article, acting_user=SYSTEM, modified=article.modified)
    assert set(told_to_readers(client, article).values()) == {REVISED}
    editor = make_user(role="editor")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    services.article_update(article=article, acting_user=editor, headline="Valve maker wins")
    dates = told_to_readers(client, article)
    assert all(moment >= before for moment in dates.values()), dates
