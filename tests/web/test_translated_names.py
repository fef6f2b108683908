"""Sections, tags and the site's texts (name, tagline, "News center") in each language: set
once, shown on that language's pages and feeds, the default's wherever none is given."""

from __future__ import annotations

import re

import feedparser
import pytest
from django.core.exceptions import ValidationError
from lxml import html

from newscenter.news import services
from newscenter.news.policy import SYSTEM
from tests.builders import make_article

pytestmark = pytest.mark.django_db


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html.fromstring(response.content)


def texts(tree, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


@pytest.fixture
def site(db):
    services.site_settings_update(
        acting_user=SYSTEM,
        site_name="Kesselmark",
        tagline="News from the works",
        languages=["de", "zh-Hans"],
        texts={"de": {"section_title": "Aktuelles", "tagline": "Neues aus dem Werk"}},
    )
    section = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    section.translations = {"de": "Werke", "zh-Hans": "工厂"}
    services.taxonomy_save(obj=section, acting_user=SYSTEM)
    tag = services.tag_get_or_create(name="Energy", acting_user=SYSTEM)
    tag.translations = {"de": "Energie"}
    services.taxonomy_save(obj=tag, acting_user=SYSTEM)
    german = make_article(headline="Werk eröffnet", language="de", section=section, tags=[tag])
    english = make_article(headline="Plant opens", section=section, tags=[tag])
    return german, english


def test_each_languages_pages_show_its_names_and_texts(client, site):
    german, english = site
    index = page(client, "/de/news/")
    assert texts(index, "//h1") == ["Aktuelles"]
    assert texts(index, "//*[@class='tagline']") == ["Neues aus dem Werk"]
    assert texts(index, "//*[@class='site-name']") == ["Kesselmark"]  # not given in German
    assert "Werke" in texts(index, "//nav//a")
    assert index.xpath("//title")[0].text == "Aktuelles · Kesselmark"
    article = page(client, german.get_absolute_url())
    assert "Werke" in texts(article, "//*[@class='all-news']//a")
    assert texts(article, "//ul[@class='tags']//a") == ["Energie"]
    assert texts(page(client, "/de/news/section/plants/"), "//h1") == ["Werke"]
    assert texts(page(client, "/zh-hans/news/section/plants/"), "//h1") == ["工厂"]
    # The default language keeps its own.
    english_index = page(client, "/news/")
    assert texts(english_index, "//h1") == ["News center"]
    assert texts(english_index, "//*[@class='tagline']") == ["News from the works"]
    assert "Plants" in texts(english_index, "//nav//a")
    assert texts(page(client, english.get_absolute_url()), "//ul[@class='tags']//a") == ["Energy"]


def test_each_languages_feeds_carry_its_names(client, site):
    german_feed = feedparser.parse(client.get("/de/news/feed/rss/").content)
    assert german_feed.feed.title == "Aktuelles · Kesselmark"
    assert german_feed.feed.description == "Neues aus dem Werk"
    section_feed = feedparser.parse(client.get("/de/news/section/plants/feed/atom/").content)
    assert section_feed.feed.title == "Werke · Kesselmark"
    english_feed = feedparser.parse(client.get("/news/feed/rss/").content)
    assert english_feed.feed.title == "News center · Kesselmark"


@pytest.mark.parametrize(
    ("texts", "words"),
    [
        ({"de": {"colour": "blau"}}, "'colour' (in de) is not a site text"),
        ({"de": "Aktuelles"}, "The texts in de must be an object"),
        ({"not a tag!": {"tagline": "x"}}, "is not a language tag"),
        ({"de": {"tagline": "x" * 301}}, "at most 300 characters"),
    ],
)
def test_site_texts_that_make_no_sense_are_refused_with_the_reason(db, texts, words):
    with pytest.raises(ValidationError, match=re.escape(words)):
        services.site_settings_update(acting_user=SYSTEM, texts=texts)


def test_a_name_per_language_is_checked(db):
    section = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    section.translations = {"de": ""}
    with pytest.raises(ValidationError, match="The name in de must be text"):
        services.taxonomy_save(obj=section, acting_user=SYSTEM)
