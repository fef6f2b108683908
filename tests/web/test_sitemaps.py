"""Sitemaps and robots.txt as a crawler reads them: parsed XML, checked against XML Schemas.

The schemas in tests/fixtures/schemas encode the sitemaps.org 0.9 protocol and Google's
News and Image extensions; every sitemap response is validated against them.
"""

from __future__ import annotations

import datetime as dt
import urllib.robotparser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from newscenter.news import services
from newscenter.news.models import Article, SiteSettings
from newscenter.news.policy import SYSTEM
from newscenter.news.services import NewArticle, article_bulk_create
from newscenter.web import sitemaps
from tests.builders import make_article, make_image

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
ORIGIN = "https://testserver"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
}
SECTIONS = ("pages", "articles", "sections", "tags", "authors")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd"), PARSER))


@pytest.fixture
def fetch(client, schema):
    """GET a sitemap, check it is well-formed and valid, and return its root element."""

    def get(url: str) -> etree._Element:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/xml")
        root = etree.fromstring(response.content, PARSER)
        schema.assertValid(root)
        return root

    return get


def section_url(name: str, page: int | None = None) -> str:
    url = reverse("news:sitemap-section", kwargs={"section": name})
    return url if page is None else f"{url}?p={page}"


def locs(root: etree._Element) -> list[str]:
    return root.xpath("sm:*/sm:loc/text()", namespaces=NS)


def lastmods(root: etree._Element) -> dict[str, dt.datetime]:
    return {
        entry.findtext("sm:loc", namespaces=NS): dt.datetime.fromisoformat(
            entry.findtext("sm:lastmod", namespaces=NS)
        )
        for entry in root.xpath("sm:*[sm:lastmod]", namespaces=NS)
    }


def every_loc(fetch) -> set[str]:
    return {loc for name in SECTIONS for loc in locs(fetch(section_url(name)))}


def absolute(obj) -> str:
    return ORIGIN + obj.get_absolute_url()


# The index and the sitemaps it lists


def test_the_index_lists_each_sitemap_with_an_absolute_url(fetch):
    article = make_article()
    root = fetch(reverse("news:sitemap-index"))
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    assert locs(root) == [f"{ORIGIN}/news/sitemap-{name}.xml" for name in SECTIONS]
    article.refresh_from_db()
    assert lastmods(root)[f"{ORIGIN}/news/sitemap-articles.xml"] == article.modified


def test_a_site_without_articles_has_valid_sitemaps(fetch):
    fetch(reverse("news:sitemap-index"))
    assert locs(fetch(section_url("pages"))) == [f"{ORIGIN}/news/"]
    for name in ("articles", "sections", "tags", "authors"):
        assert locs(fetch(section_url(name))) == []


def test_sitemaps_list_public_pages_and_nothing_else(fetch):
    def listed_article(label: str, **fields) -> Article:
        return make_article(
            headline=f"{label} article",
            section=services.section_get_or_create(name=f"{label} section", acting_user=SYSTEM),
            tags=[services.tag_get_or_create(name=f"{label} tag", acting_user=SYSTEM)],
            authors=[services.author_get_or_create(name=f"{label} author", acting_user=SYSTEM)],
            **fields,
        )

    public = listed_article("Public")
    listed_article("Draft", status=Article.Status.DRAFT, pub_date=None)
    listed_article("Scheduled", pub_date=timezone.now() + dt.timedelta(hours=2))
    assert every_loc(fetch) == {
        f"{ORIGIN}/news/",
        absolute(public),
        absolute(public.section),
        absolute(public.tags.get()),
        absolute(public.authors.get()),
    }


def test_an_article_lastmod_is_its_last_update(fetch):
    article = make_article(pub_date=timezone.now() - dt.timedelta(days=3))
    article = services.article_update(article=article, acting_user=SYSTEM, headline="Corrected")
    article.refresh_from_db()
    assert lastmods(fetch(section_url("articles"))) == {absolute(article): article.modified}


def test_a_listing_lastmod_is_when_its_newest_article_appeared(fetch, time_machine):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    section = services.section_get_or_create(name="Plant news", acting_user=SYSTEM)
    make_article(section=section, pub_date=start - dt.timedelta(days=1))
    goes_live = start + dt.timedelta(hours=1)
    make_article(section=section, pub_date=goes_live)  # scheduled: written at `start`
    assert lastmods(fetch(section_url("sections"))) == {absolute(section): start}
    time_machine.move_to(goes_live + dt.timedelta(minutes=5), tick=False)
    assert lastmods(fetch(section_url("sections"))) == {absolute(section): goes_live}
    assert lastmods(fetch(section_url("pages"))) == {f"{ORIGIN}/news/": goes_live}


def test_lead_images_are_listed_with_absolute_urls(fetch):
    pictured = make_article(lead_image=make_image(4, 3, alt="The new test bench in hall 2"))
    plain = make_article()
    root = fetch(section_url("articles"))
    images = {
        url.findtext("sm:loc", namespaces=NS): url.xpath(
            "image:image/image:loc/text()", namespaces=NS
        )
        for url in root.findall("sm:url", NS)
    }
    assert images == {
        absolute(pictured): [ORIGIN + pictured.lead_image.file.url],
        absolute(plain): [],
    }
    assert images[absolute(pictured)][0].startswith(f"{ORIGIN}/media/images/")


def test_lead_images_on_a_media_origin_keep_their_own_host(fetch, settings):
    settings.MEDIA_URL = "https://media.kesselmark.example/"
    article = make_article(lead_image=make_image(4, 3, alt="Pump housing"))
    root = fetch(section_url("articles"))
    [image] = root.xpath("//image:loc/text()", namespaces=NS)
    assert image == "https://media.kesselmark.example/" + article.lead_image.file.name


def test_a_sitemap_past_its_limit_continues_on_further_pages(fetch, client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    now = timezone.now()
    articles = [make_article(pub_date=now - dt.timedelta(hours=n)) for n in (3, 2, 1)]
    index = locs(fetch(reverse("news:sitemap-index")))
    assert f"{ORIGIN}{section_url('articles')}" in index
    assert f"{ORIGIN}{section_url('articles', page=2)}" in index
    assert f"{ORIGIN}{section_url('articles', page=3)}" not in index
    # Oldest first, so that a new article leaves the earlier pages as they were.
    assert locs(fetch(section_url("articles"))) == [absolute(a) for a in articles[:2]]
    assert locs(fetch(section_url("articles", page=2))) == [absolute(articles[2])]
    for page in ("3", "0", "x"):
        assert client.get(f"{section_url('articles')}?p={page}").status_code == 404, page


@pytest.mark.django_db(transaction=True)  # real commits: the count is kept after each one
def test_the_index_pages_by_the_kept_count_and_a_scheduled_article_joins_at_its_time(
    fetch, monkeypatch, time_machine
):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 3)
    now = timezone.now()
    for n in (3, 2, 1):
        make_article(pub_date=now - dt.timedelta(hours=n))
    make_article(pub_date=now + dt.timedelta(hours=1))  # scheduled
    make_article(status="draft", pub_date=None)
    second_page = f"{ORIGIN}{section_url('articles', page=2)}"
    with CaptureQueriesContext(connection) as queries:
        assert second_page not in locs(fetch(reverse("news:sitemap-index")))
    # No page of the index counts the public articles: the kept count, less those to come.
    counted = [
        q["sql"]
        for q in queries.captured_queries
        if 'COUNT(*) AS "__count" FROM "news_article"' in q["sql"]
    ]
    assert not counted, counted
    time_machine.move_to(now + dt.timedelta(hours=2))
    assert second_page in locs(fetch(reverse("news:sitemap-index")))  # no write in between
    assert len(locs(fetch(section_url("articles", page=2)))) == 1


def article_pages(fetch) -> list[list[str]]:
    index = locs(fetch(reverse("news:sitemap-index")))
    count = sum(1 for loc in index if loc.startswith(f"{ORIGIN}{section_url('articles')}"))
    pages = []
    for page in range(1, count + 1):
        with CaptureQueriesContext(connection) as queries:
            pages.append(locs(fetch(section_url("articles", page=page))))
        assert not [q["sql"] for q in queries.captured_queries if "OFFSET" in q["sql"]]
    return pages


@pytest.mark.django_db(transaction=True)  # real commits: the pages are marked after each one
def test_later_pages_run_from_their_kept_article_not_after_an_offset(fetch, monkeypatch):
    from newscenter.news import tallies

    monkeypatch.setattr(tallies, "SITEMAP_PAGE", 2)
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    now = timezone.now()
    same_time = now - dt.timedelta(hours=3)  # two articles at one moment: the id decides
    articles = [make_article(pub_date=same_time), make_article(pub_date=same_time)]
    articles += [make_article(pub_date=now - dt.timedelta(hours=n)) for n in (2, 1)]
    make_article(pub_date=now + dt.timedelta(hours=1))  # scheduled: on no page yet
    assert article_pages(fetch) == [[absolute(a) for a in articles[n : n + 2]] for n in (0, 2)]
    # A back-dated article joins the page its date falls in; later pages stay as they were.
    articles.insert(0, make_article(pub_date=now - dt.timedelta(hours=5)))
    assert article_pages(fetch) == [
        [absolute(a) for a in articles[:3]],
        [absolute(a) for a in articles[3:]],
    ]
    # A new one past the last mark starts a page of its own once the last one is full.
    articles.append(make_article(pub_date=now - dt.timedelta(minutes=30)))
    pages = article_pages(fetch)
    assert pages == [
        [absolute(a) for a in articles[:3]],
        [absolute(a) for a in articles[3:5]],
        [absolute(articles[5])],
    ]


@pytest.mark.django_db(transaction=True)
def test_a_page_reads_its_marks_places_not_the_marked_articles(fetch, monkeypatch):
    from newscenter.news import tallies

    monkeypatch.setattr(tallies, "SITEMAP_PAGE", 2)
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    now = timezone.now()
    articles = [make_article(pub_date=now - dt.timedelta(hours=n)) for n in (5, 4, 3, 2, 1)]
    with CaptureQueriesContext(connection) as queries:
        assert locs(fetch(section_url("articles", page=2))) == [absolute(a) for a in articles[2:4]]
    looked_up = [q["sql"] for q in queries if '"news_article"."id" IN (' in q["sql"]]
    assert not looked_up, looked_up
    # Moved without the listener (a raw write): the page still ends where it was marked.
    Article.objects.filter(pk=articles[3].pk).update(pub_date=now - dt.timedelta(hours=6))
    assert locs(fetch(section_url("articles", page=2))) == [absolute(articles[2])]


@pytest.mark.django_db(transaction=True)
def test_pages_are_marked_again_when_a_mark_goes_or_back_dated_articles_pile_up(fetch, monkeypatch):
    from newscenter.news import tallies

    monkeypatch.setattr(tallies, "SITEMAP_PAGE", 2)
    monkeypatch.setattr(tallies, "REMARK_SLACK", 3)
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    now = timezone.now()
    articles = [make_article(pub_date=now - dt.timedelta(hours=n)) for n in (10, 9, 8, 7)]
    articles = [
        *(make_article(pub_date=now - dt.timedelta(hours=n)) for n in (20, 19, 18)),
        *articles,
    ]
    # Three back-dated articles: the pages were marked again, two a page.
    assert (
        article_pages(fetch)
        == [[absolute(a) for a in articles[n : n + 2]] for n in (0, 2, 4, 6)][:4]
    )
    # The article a page started at is unpublished: every other article is still listed once.
    services.article_unpublish(article=articles.pop(2), acting_user=SYSTEM)
    pages = article_pages(fetch)
    assert [loc for page in pages for loc in page] == [absolute(a) for a in articles]
    assert all(len(page) <= 2 for page in pages)


def test_the_index_dates_the_articles_by_their_newest_own_change_after_an_import(fetch):
    from newscenter.news import publishing

    now = timezone.now()
    # Written after every publication date, as an import of older news is.
    articles = [make_article(pub_date=now - dt.timedelta(days=n)) for n in (30, 20, 10)]
    # The newest write with an older change of its own (a stamp kept from before).
    Article.objects.filter(pk=articles[-1].pk).update(modified=now - dt.timedelta(days=9))
    entries = lastmods(fetch(reverse("news:sitemap-index")))
    expected = max(publishing.last_change(a) for a in Article.objects.all())
    assert entries[f"{ORIGIN}{section_url('articles')}"] == expected


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_walk_for_the_newest_own_change_reads_the_index_alone():
    """At a million articles the walk passed thousands of drafts newest-updated, each read
    from the table for ``modified`` (17 ms on PostgreSQL): the index holds it now."""
    make_article()
    since = timezone.now() - dt.timedelta(days=1)
    walk = Article.objects.published().filter(updated__gt=since).order_by("-updated")
    sql, params = walk.values_list("updated", "modified")[:200].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "USING COVERING INDEX article_changed_idx" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plan")
def test_postgresql_walks_the_public_articles_alone_for_the_newest_changes():
    """Drafts and archived articles updated after the newest public one were passed by both
    walks of the index page (21,000 at a million articles): PostgreSQL walks an index that
    holds the public articles only, whatever the number of others, and reads no table."""
    make_article()
    since = timezone.now() - dt.timedelta(days=1)
    published = Article.objects.published()
    walks = [
        published.filter(updated__gt=since)
        .order_by("-updated")
        .values_list("updated", "modified")[:200],
        published.order_by("-updated").values_list("updated")[:1],
    ]
    with connection.cursor() as cursor:
        # A few rows: a scan, or a bitmap read then sorted, is cheaper; priced out, the walk
        # that a million articles get is taken if an index can serve it.
        cursor.execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; "
            "SET LOCAL enable_sort = off"
        )
        for walk in walks:
            sql, params = walk.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "Index Only Scan using article_public_changed_idx" in plan, plan


def test_an_unknown_sitemap_is_not_found(client):
    assert client.get(section_url("drafts")).status_code == 404


# Google News


def news_entries(root: etree._Element) -> list[dict[str, str]]:
    fields = {
        "loc": "sm:loc",
        "name": "news:news/news:publication/news:name",
        "language": "news:news/news:publication/news:language",
        "date": "news:news/news:publication_date",
        "title": "news:news/news:title",
    }
    return [
        {key: url.findtext(path, namespaces=NS) for key, path in fields.items()}
        for url in root.findall("sm:url", NS)
    ]


def test_an_empty_news_sitemap_is_valid(fetch):
    make_article(status=Article.Status.DRAFT, pub_date=None)
    root = fetch(reverse("news:sitemap-news"))
    assert root.tag == f"{{{NS['sm']}}}urlset"
    assert len(root) == 0


def test_the_news_sitemap_describes_each_article(fetch):
    site = SiteSettings.load()
    site.site_name = "Kesselmark Valves & Pumps"
    site.time_zone = "Europe/Berlin"
    site.save()
    pub_date = timezone.now().replace(microsecond=0) - dt.timedelta(hours=3)
    article = make_article(headline="Valves <DN 50> & pumps\x0b ship", pub_date=pub_date)
    root = fetch(reverse("news:sitemap-news"))
    assert len(root.findall("sm:url/news:news", NS)) == 1  # one per article
    [entry] = news_entries(root)
    published = dt.datetime.fromisoformat(entry.pop("date"))
    assert entry == {
        "loc": absolute(article),
        "name": "Kesselmark Valves & Pumps",
        "language": "en",
        "title": "Valves <DN 50> & pumps ship",  # the control character would break the XML
    }
    assert published == pub_date
    # In the site's time zone, with its offset, as readers see the date.
    assert published.utcoffset() == pub_date.astimezone(ZoneInfo("Europe/Berlin")).utcoffset()


def test_the_news_sitemap_gives_each_article_its_language(fetch):
    site = SiteSettings.load()
    site.language = "de-CH"
    site.save()
    now = timezone.now()
    languages = ["de-AT", "zh-Hant-TW", "zh-Hans", "fr", ""]
    for n, language in enumerate(languages):
        make_article(
            headline=language or "site",
            language=language,
            pub_date=now - dt.timedelta(minutes=n + 1),
        )
    # An article stored without a language (from before the column was filled in).
    Article.objects.filter(headline="site").update(language="")
    entries = news_entries(fetch(reverse("news:sitemap-news")))
    assert [e["language"] for e in entries] == ["de", "zh-tw", "zh-cn", "fr", "de"]


def test_the_news_sitemap_covers_the_last_48_hours_newest_first(fetch, time_machine):
    start = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    two_days_old = make_article(pub_date=start - dt.timedelta(hours=47, minutes=59))
    too_old = make_article(pub_date=start - dt.timedelta(hours=48, minutes=1))
    fresh = make_article(pub_date=start - dt.timedelta(minutes=1))
    scheduled = make_article(pub_date=start + dt.timedelta(minutes=30))
    make_article(status=Article.Status.DRAFT, pub_date=None)
    url = reverse("news:sitemap-news")
    assert locs(fetch(url)) == [absolute(fresh), absolute(two_days_old)]
    time_machine.move_to(start + dt.timedelta(hours=1), tick=False)
    assert locs(fetch(url)) == [absolute(scheduled), absolute(fresh)]
    assert absolute(too_old) in locs(fetch(section_url("articles")))  # only out of the news


def test_the_news_sitemap_holds_the_newest_1000(fetch, client):
    now = timezone.now()
    new = [
        NewArticle(
            fields={
                "headline": f"Delivery {n} to Ebersfurt",
                "status": Article.Status.PUBLISHED,
                "pub_date": now - dt.timedelta(seconds=10 * (n + 1)),
            }
        )
        for n in range(1_001)
    ]
    created = article_bulk_create(acting_user=SYSTEM, new=new)
    url = reverse("news:sitemap-news")
    entries = locs(fetch(url))
    assert entries == [absolute(a) for a in created[:1_000]]
    assert client.get(f"{url}?p=2").status_code == 404


# robots.txt


def test_robots_txt_names_the_sitemaps_and_keeps_private_pages_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    for line in (
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /news/preview/",
        f"Sitemap: {ORIGIN}/news/sitemap.xml",
        f"Sitemap: {ORIGIN}/news/sitemap-news.xml",
    ):
        assert line in lines
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(lines)
    assert robots.site_maps() == [f"{ORIGIN}/news/sitemap.xml", f"{ORIGIN}/news/sitemap-news.xml"]
    article = make_article()
    for path in ("/news/", absolute(article), "/news/search/?q=valves", "/news/sitemap.xml"):
        assert robots.can_fetch("Googlebot", path), path
    for path in ("/admin/", "/admin/news/article/", f"/news/preview/{article.pk}/"):
        assert not robots.can_fetch("Googlebot", path), path


# Cost: a sitemap page reads the same number of rows however many it lists


def add_articles(count: int, start: int) -> None:
    now = timezone.now()
    picture = make_image(4, 3, alt="A crate on the loading bay")
    new = []
    for n in range(start, start + count):
        new.append(
            NewArticle(
                fields={
                    "headline": f"Order {n} shipped",
                    "status": Article.Status.PUBLISHED,
                    "pub_date": now - dt.timedelta(minutes=n + 1),
                    "section": services.section_get_or_create(
                        name=f"Section {n % 7}", acting_user=SYSTEM
                    ),
                    "lead_image": picture,
                },
                tags=[services.tag_get_or_create(name=f"Tag {n}", acting_user=SYSTEM)],
                authors=[
                    services.author_get_or_create(name=f"Author {n % 11}", acting_user=SYSTEM)
                ],
            )
        )
    article_bulk_create(acting_user=SYSTEM, new=new)


@pytest.mark.parametrize(
    "url",
    [
        reverse("news:sitemap-index"),
        reverse("news:sitemap-news"),
        *(section_url(name) for name in SECTIONS),
    ],
)
def test_queries_per_sitemap_do_not_grow_with_articles(client, fetch, url):
    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            root = fetch(url)
        return len(queries), len(root)

    add_articles(5, start=0)
    few_queries, few_entries = measure()
    add_articles(45, start=5)
    many_queries, many_entries = measure()
    assert many_queries == few_queries
    assert few_queries <= 12
    if url.endswith(("sitemap-pages.xml", "sitemap.xml")):
        assert many_entries == few_entries
    else:
        assert many_entries > few_entries


# The language codes Google News accepts


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("en", "en"),
        ("de-AT", "de"),
        ("DE_ch", "de"),
        ("fil", "fil"),
        ("zh", "zh-cn"),
        ("zh-CN", "zh-cn"),
        ("zh-Hans-TW", "zh-cn"),
        ("zh-TW", "zh-tw"),
        ("zh-HK", "zh-tw"),
        ("zh-Hant", "zh-tw"),
        ("", "en"),
        ("1234", "en"),
    ],
)
def test_news_language_codes(tag, code):
    assert sitemaps.news_language(tag) == code


# The schemas themselves refuse what the formats forbid, so a pass above means something


VALID_URLSET = """<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
  xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
  xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"><url>
  <loc>https://news.kesselmark.example/news/2026/05/04/pump/</loc>
  <lastmod>2026-05-04T10:15+02:00</lastmod>
  <image:image><image:loc>https://news.kesselmark.example/media/pump.jpg</image:loc></image:image>
  <news:news><news:publication><news:name>Kesselmark</news:name>
  <news:language>de</news:language></news:publication>
  <news:publication_date>2026-05-04T10:15:30.5Z</news:publication_date>
  <news:title>New pump</news:title></news:news>
</url></urlset>"""


def test_the_schemas_accept_a_full_example(schema):
    schema.assertValid(etree.fromstring(VALID_URLSET.encode(), PARSER))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<loc>https://news.kesselmark.example/news/", "<loc>/news/"),
        ("/news/2026/05/04/pump/", "/" + "x" * 2048),
        ("2026-05-04T10:15+02:00", "2026-05-04T10:15"),
        ("2026-05-04T10:15+02:00", "04.05.2026"),
        ("<news:title>New pump</news:title>", ""),
        ("<news:name>Kesselmark</news:name>", ""),
        ("<news:language>de</news:language>", "<news:language>de-AT</news:language>"),
        ("2026-05-04T10:15:30.5Z", "2026-05-04 10:15"),
        ("<image:loc>https://news.kesselmark.example/media/pump.jpg</image:loc>", ""),
        ("<lastmod>", "<priority>2.0</priority><lastmod>"),
    ],
)
def test_the_schemas_refuse_what_the_formats_forbid(schema, old, new):
    assert old in VALID_URLSET
    broken = etree.fromstring(VALID_URLSET.replace(old, new, 1).encode(), PARSER)
    assert not schema.validate(broken)


def test_the_index_schema_needs_a_loc_per_sitemap(schema):
    index = '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</sitemapindex>'
    entry = "<sitemap><loc>https://a.example/s.xml</loc><lastmod>2026</lastmod></sitemap>"
    assert schema.validate(etree.fromstring(index.format(entry).encode(), PARSER))
    assert not schema.validate(etree.fromstring(index.format("").encode(), PARSER))
    no_loc = "<sitemap><lastmod>2026-05</lastmod></sitemap>"
    assert not schema.validate(etree.fromstring(index.format(no_loc).encode(), PARSER))


def test_the_schema_caps_a_file_at_50000_urls(schema):
    def urlset(count: int) -> etree._Element:
        entry = "<url><loc>https://news.kesselmark.example/news/</loc></url>"
        xml = f'<urlset xmlns="{NS["sm"]}">{entry * count}</urlset>'
        return etree.fromstring(xml.encode(), PARSER)

    assert schema.validate(urlset(50_000))
    assert not schema.validate(urlset(50_001))
