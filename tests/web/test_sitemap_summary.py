"""The sitemap index from the summary kept with the listing rows (``news.summaries``): after
every kind of change through the services, the summary says what the public articles say, and
the index (and each sitemap) is the same bytes as when everything is worked out again.

Real commits (``transaction=True``): the summary is kept by the change signal's listener, which
runs once a transaction commits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.db.models.functions import Greatest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from newscenter.news import publishing, services, summaries
from newscenter.news.models import Article, Author, Section, Tag, Tally
from newscenter.news.policy import SYSTEM
from newscenter.web import sitemaps
from tests.builders import make_article

pytestmark = pytest.mark.django_db(transaction=True)

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
NAMES = ("pages", "articles", "sections", "tags", "authors")
INDEX = "/news/sitemap.xml"
SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "schemas" / "sitemap.xsd"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@pytest.fixture(autouse=True)
def _still(time_machine):
    """A clock that moves only when told: pages without a lastmod of their own say the time
    of the request in Last-Modified, which the comparisons below must find the same."""
    time_machine.move_to(START, tick=False)


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA), PARSER))


def expected_summary() -> summaries.Summary:
    """What the summary must say, worked out here from every public article."""
    public = Article.objects.published().prefetch_related("tags", "authors")
    rows: dict[str, set[tuple[int, str]]] = {"section": set(), "tag": set(), "author": set()}
    latest: dict[str, dt.datetime | None] = dict.fromkeys((*rows, "pages", "articles"))

    def later(name: str, moment: dt.datetime) -> None:
        latest[name] = max(latest[name] or moment, moment)

    for article in public:
        moment = max(article.updated, article.pub_date)
        listed = [("tag", tag.pk) for tag in article.tags.all()]
        listed += [("author", author.pk) for author in article.authors.all()]
        if article.section_id is not None:
            listed.append(("section", article.section_id))
        for kind, pk in listed:
            rows[kind].add((pk, article.language))
            later(kind, moment)
        later("pages", moment)
        later("articles", publishing.last_change(article))
    return summaries.Summary(rows={kind: len(keys) for kind, keys in rows.items()}, latest=latest)


def kept() -> summaries.Summary | None:
    """The summary as read, its count of the articles' pages left for the index to show."""
    summary = summaries.read()
    return None if summary is None else dataclasses.replace(summary, article_pages=None)


def pages(client) -> dict[str, bytes]:
    """Each sitemap's first page and the index, with the Last-Modified they say."""
    urls = {name: reverse("news:sitemap-section", kwargs={"section": name}) for name in NAMES}
    responses = {name: client.get(url) for name, url in [*urls.items(), ("index", INDEX)]}
    assert {response.status_code for response in responses.values()} == {200}
    return {
        name: response.content + b"\nLast-Modified: " + response["Last-Modified"].encode()
        for name, response in responses.items()
    }


def worked_out(client, monkeypatch) -> dict[str, bytes]:
    """The sitemaps with no summary read: everything worked out as before it was kept, the
    listings' sitemaps written by Django's own ``Sitemap.get_urls``."""
    with monkeypatch.context() as patched:
        patched.setattr(summaries, "read", lambda now=None: None)
        patched.setattr(sitemaps._ListingSitemap, "get_urls", sitemaps.Sitemap.get_urls)
        return pages(client)


def assert_summarised(client, monkeypatch, schema) -> dict[str, bytes]:
    assert kept() == expected_summary()
    assert summaries.read().article_pages is not None
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("news:sitemap-index"))
    schema.assertValid(etree.fromstring(response.content, PARSER))
    # The summary is read, not the listing rows nor the articles' dates.
    read = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in read if "news_listingchange" in sql], read
    assert not [sql for sql in read if '"modified"' in sql], read
    found = pages(client)
    assert found == worked_out(client, monkeypatch)
    return found


def test_the_summary_follows_every_change(client, monkeypatch, schema, time_machine):
    def later(minutes: int = 10) -> None:
        time_machine.move_to(timezone.now() + dt.timedelta(minutes=minutes), tick=False)

    plant = services.section_get_or_create(name="Plant", acting_user=SYSTEM)
    pumps, safety = (
        services.tag_get_or_create(name=name, acting_user=SYSTEM) for name in ("Pumps", "Safety")
    )
    ada = services.author_get_or_create(name="Ada", acting_user=SYSTEM)
    first = make_article(section=plant, tags=[pumps], authors=[ada])
    later()
    second = make_article(tags=[pumps, safety])
    before = assert_summarised(client, monkeypatch, schema)

    later()  # an edit: its listings and the articles change now
    first = services.article_update(article=first, acting_user=SYSTEM, headline="Pumps fixed")
    assert assert_summarised(client, monkeypatch, schema) != before

    later()  # retagged
    first = services.article_update(article=first, acting_user=SYSTEM, tags=[safety])
    assert kept().rows["tag"] == 2
    assert_summarised(client, monkeypatch, schema)

    later()  # unpublished: the other article dates everything
    first = services.article_unpublish(article=first, acting_user=SYSTEM)
    assert kept().rows == {"section": 0, "tag": 2, "author": 0}
    assert_summarised(client, monkeypatch, schema)

    later()  # published again, back-dated
    first = services.article_publish(
        article=first, acting_user=SYSTEM, at=timezone.now() - dt.timedelta(days=3)
    )
    assert_summarised(client, monkeypatch, schema)

    later()  # taken down and scheduled for later: gone from every sitemap until its time
    first = services.article_unpublish(article=first, acting_user=SYSTEM)
    services.article_schedule(
        article=first, acting_user=SYSTEM, at=timezone.now() + dt.timedelta(days=1)
    )
    assert kept().rows["section"] == 0
    assert_summarised(client, monkeypatch, schema)

    later()  # a tag deleted
    services.taxonomy_delete(obj=pumps, acting_user=SYSTEM)
    assert kept().rows["tag"] == 1
    assert_summarised(client, monkeypatch, schema)

    later()  # deleted: no article is public
    services.article_delete(article=second, acting_user=SYSTEM)
    assert kept().latest == dict.fromkeys((*summaries.KINDS, "pages", "articles"))
    assert_summarised(client, monkeypatch, schema)


def test_a_scheduled_article_that_goes_live_sets_the_summary_aside(
    client, monkeypatch, schema, time_machine
):
    pumps = services.tag_get_or_create(name="Pumps", acting_user=SYSTEM)
    make_article(tags=[pumps])
    goes_live = START + dt.timedelta(hours=2)
    make_article(tags=[pumps], pub_date=goes_live)
    before = assert_summarised(client, monkeypatch, schema)
    # Its time comes with no write: the summary no longer holds, the index works it out.
    time_machine.move_to(goes_live + dt.timedelta(minutes=1), tick=False)
    assert kept() is None
    now_public = pages(client)
    assert now_public == worked_out(client, monkeypatch)
    assert now_public["index"] != before["index"]
    assert goes_live.isoformat().encode() in now_public["index"]
    # The next change keeps it again, with the article in.
    make_article()
    assert_summarised(client, monkeypatch, schema)


def test_rows_of_a_listing_in_several_languages(client, monkeypatch, schema):
    services.site_settings_update(acting_user=SYSTEM, languages=["en", "de"])
    pumps = services.tag_get_or_create(name="Pumps", acting_user=SYSTEM)
    for language in ("de", "de-AT", "en"):
        make_article(tags=[pumps], language=language)
    assert kept().rows["tag"] == 3  # one edition of two languages: two items
    assert_summarised(client, monkeypatch, schema)


def test_the_migration_fills_the_summary_from_the_kept_rows(client, monkeypatch, schema):
    from django.db.migrations.executor import MigrationExecutor

    pumps = services.tag_get_or_create(name="Pumps", acting_user=SYSTEM)
    for n in range(3):
        make_article(
            tags=[pumps], authors=[services.author_get_or_create(name=f"A{n}", acting_user=SYSTEM)]
        )
    expected = expected_summary()
    try:
        MigrationExecutor(connection).migrate([("news", "0024_listed_articles")])
        assert not Tally.objects.filter(name__startswith=summaries.PREFIX).exists()
        MigrationExecutor(connection).migrate([("news", "0025_sitemap_summary")])
        assert kept() == expected
        # The articles' pages are counted with their marks, at the next change to articles:
        # the index counts them itself until then.
        assert summaries.read().article_pages is None
        assert pages(client) == worked_out(client, monkeypatch)
    finally:
        call_command("migrate", verbosity=0)  # the schema as migrate leaves it
    make_article()
    assert_summarised(client, monkeypatch, schema)


def test_the_expected_summary_is_what_the_articles_aggregate_to():
    """The test's own arithmetic, checked once against the aggregates the sitemaps stood on."""
    for n in range(3):
        make_article(section=services.section_get_or_create(name=f"S{n % 2}", acting_user=SYSTEM))
    public = Article.objects.published()
    expected = expected_summary()
    assert expected.latest["pages"] == public.aggregate(m=Max(Greatest("updated", "pub_date")))["m"]
    assert (
        expected.rows["section"] == Section.objects.filter(articles__in=public).distinct().count()
    )
    assert expected.rows["tag"] == Tag.objects.count() == 0
    assert expected.rows["author"] == Author.objects.count() == 0


def test_the_articles_pages_counted_with_their_marks(client, monkeypatch, schema):
    from newscenter.news import tallies

    monkeypatch.setattr(tallies, "SITEMAP_PAGE", 2)
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    now = timezone.now()
    articles = [make_article(pub_date=now - dt.timedelta(hours=n)) for n in (9, 8, 7, 6, 5)]
    index = assert_summarised(client, monkeypatch, schema)["index"]
    assert summaries.read().article_pages == 3 == index.count(b"sitemap-articles.xml")
    make_article(pub_date=now - dt.timedelta(hours=20))  # back-dated: joins the first page
    assert_summarised(client, monkeypatch, schema)
    services.article_unpublish(article=articles[2], acting_user=SYSTEM)  # a marked one
    assert_summarised(client, monkeypatch, schema)
    for article in articles[3:]:
        services.article_delete(article=article, acting_user=SYSTEM)
    index = assert_summarised(client, monkeypatch, schema)["index"]
    assert summaries.read().article_pages == index.count(b"sitemap-articles.xml") == 2
