"""An article's page shows its tags and authors from its own row (Article.labels): whatever
changes them, through the article or through the tag or author, shows on the next page."""

from __future__ import annotations

import json

import feedparser
import pytest
from django.utils import timezone
from lxml import html

from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.builders import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # What the page reads each time, not what the page cache kept.
    settings.NEWSCENTER_PAGE_CACHE_SECONDS = 0


def shown(client, article: Article) -> dict[str, list[str]]:
    """The tags and byline the article's page shows, and the names its head gives them."""
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    tree = html.fromstring(response.content)
    data = next(
        d
        for d in (json.loads(s) for s in tree.xpath('//script[@type="application/ld+json"]/text()'))
        if d["@type"] == "NewsArticle"
    )
    return {
        "tags": [a.text for a in tree.xpath('//ul[@class="tags"]//a')],
        "tag links": [a.get("href") for a in tree.xpath('//ul[@class="tags"]//a')],
        "byline": [a.text for a in tree.xpath('//p[@class="byline"]/a')],
        "byline links": [a.get("href") for a in tree.xpath('//p[@class="byline"]/a')],
        "meta tags": tree.xpath('//meta[@property="article:tag"]/@content'),
        "json-ld authors": [p["name"] for p in data["author"] if p["@type"] == "Person"],
    }


def feed_entry(client, article: Article):
    feed = feedparser.parse(client.get("/news/feed/rss/").content)
    return next(e for e in feed.entries if e.link.endswith(article.get_absolute_url()))


@pytest.fixture
def taxonomy(db):
    names = {"valves": "Valves", "boilers": "Boilers", "steam": "Steam"}
    tags = {key: services.tag_get_or_create(name=n, acting_user=SYSTEM) for key, n in names.items()}
    people = {
        "jana": services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM),
        "arne": services.author_get_or_create(name="Arne Brink", acting_user=SYSTEM),
    }
    return tags, people


def test_the_page_shows_tags_and_authors_in_the_order_of_their_names(client, taxonomy):
    tags, people = taxonomy
    article = make_article(
        tags=[tags["valves"], tags["steam"], tags["boilers"]],
        authors=[people["jana"], people["arne"]],
    )
    page = shown(client, article)
    assert page["tags"] == ["Boilers", "Steam", "Valves"]
    assert page["tag links"] == ["/news/tag/boilers/", "/news/tag/steam/", "/news/tag/valves/"]
    assert page["meta tags"] == ["Boilers", "Steam", "Valves"]
    assert page["byline"] == ["Arne Brink", "Jana Oster"]
    assert page["byline links"] == [
        people["arne"].get_absolute_url(),
        people["jana"].get_absolute_url(),
    ]
    assert page["json-ld authors"] == ["Arne Brink", "Jana Oster"]


def test_a_renamed_tag_and_author_show_on_their_articles_pages_and_feeds(client, taxonomy):
    tags, people = taxonomy
    article = make_article(tags=[tags["valves"]], authors=[people["jana"]])
    other = make_article(tags=[tags["valves"], tags["boilers"]], authors=[people["arne"]])
    assert shown(client, article)["tags"] == ["Valves"]

    tags["valves"].name, tags["valves"].slug = "Safety valves", "safety-valves"
    services.taxonomy_save(obj=tags["valves"], acting_user=SYSTEM)
    people["jana"].name = "Jana Oster-Brink"
    services.taxonomy_save(obj=people["jana"], acting_user=SYSTEM)

    page = shown(client, article)
    assert page["tags"] == ["Safety valves"]
    assert page["tag links"] == ["/news/tag/safety-valves/"]
    assert page["meta tags"] == ["Safety valves"]
    assert page["byline"] == ["Jana Oster-Brink"]
    assert page["json-ld authors"] == ["Jana Oster-Brink"]
    assert shown(client, other)["tags"] == ["Boilers", "Safety valves"]
    entry = feed_entry(client, article)
    assert [t.term for t in entry.tags] == ["Safety valves"]


def test_a_tag_translated_shows_its_name_on_that_languages_page(client, taxonomy):
    tags, _ = taxonomy
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    article = make_article(tags=[tags["valves"]], language="de")
    tags["valves"].translations = {"de": "Ventile"}
    services.taxonomy_save(obj=tags["valves"], acting_user=SYSTEM)
    assert shown(client, article)["tags"] == ["Ventile"]


def test_a_deleted_tag_or_author_leaves_the_page(client, taxonomy):
    tags, people = taxonomy
    article = make_article(
        tags=[tags["valves"], tags["steam"]], authors=[people["jana"], people["arne"]]
    )
    services.taxonomy_delete(obj=tags["steam"], acting_user=SYSTEM)
    services.taxonomy_delete(obj=people["arne"], acting_user=SYSTEM)
    page = shown(client, article)
    assert page["tags"] == ["Valves"]
    assert page["byline"] == ["Jana Oster"]


def test_tags_and_authors_changed_on_the_article_show_at_once(client, taxonomy):
    tags, people = taxonomy
    article = make_article(tags=[tags["valves"]], authors=[people["jana"]])
    services.article_update(
        article=article, acting_user=SYSTEM, tags=[tags["steam"]], authors=[people["arne"]]
    )
    page = shown(client, article)
    assert page["tags"] == ["Steam"]
    assert page["byline"] == ["Arne Brink"]
    # A save that names neither keeps them.
    services.article_update(article=article, acting_user=SYSTEM, headline="A new headline")
    article.refresh_from_db()
    assert shown(client, article)["tags"] == ["Steam"]


def test_articles_created_in_bulk_show_their_tags_and_authors(client, taxonomy):
    tags, people = taxonomy
    created = services.article_bulk_create(
        acting_user=SYSTEM,
        new=[
            services.NewArticle(
                fields={
                    "headline": f"Boiler house {n} reopens",
                    "status": Article.Status.PUBLISHED,
                    "pub_date": timezone.now(),
                },
                tags=[tags["steam"], tags["boilers"]][: n + 1],
                authors=[people["jana"]],
            )
            for n in range(2)
        ],
    )
    assert [shown(client, a)["tags"] for a in created] == [["Steam"], ["Boilers", "Steam"]]
    assert shown(client, created[1])["byline"] == ["Jana Oster"]
