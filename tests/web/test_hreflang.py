"""Translations as readers and search engines find them: the switcher, hreflang links, the
sitemaps' alternates, OpenGraph locales and schema.org's translation links."""

from __future__ import annotations

import json

import pytest
from lxml import etree, html

from newscenter.conf import site_url
from newscenter.news import services
from newscenter.news.policy import SYSTEM
from tests.builders import make_article
from tests.web.test_sitemaps import PARSER, SCHEMAS

pytestmark = pytest.mark.django_db

XHTML = "{http://www.w3.org/1999/xhtml}link"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def group(db):
    """An English article, its published German translation and a Chinese draft."""
    services.site_settings_update(acting_user=SYSTEM, languages=["de", "zh-Hans"])
    english = make_article(headline="Plant opens")
    german = services.translation_create(acting_user=SYSTEM, source=english, language="de")
    german = services.article_update(
        article=german, acting_user=SYSTEM, headline="Werk eröffnet", slug="werk-eroeffnet"
    )
    german = services.article_publish(article=german, acting_user=SYSTEM)
    chinese = services.translation_create(acting_user=SYSTEM, source=english, language="zh-Hans")
    english.refresh_from_db()
    return english, german, chinese


def tree_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.content)


def hreflangs(tree) -> dict[str, str]:
    return {
        link.get("hreflang"): link.get("href")
        for link in tree.xpath("//head/link[@rel='alternate'][@hreflang]")
    }


def switcher(tree) -> dict[str, str]:
    return {
        a.get("lang"): a.get("href") for a in tree.xpath("//nav[@class='language-switcher']//a")
    }


def test_hreflang_names_published_translations_only_both_ways(client, group):
    english, german, _chinese = group
    english_links = hreflangs(tree_of(client, english.get_absolute_url()))
    german_links = hreflangs(tree_of(client, german.get_absolute_url()))
    expected = {
        "en": site_url(english.get_absolute_url()),
        "de": site_url(german.get_absolute_url()),
        "x-default": site_url(english.get_absolute_url()),
    }
    assert english_links == expected
    assert german_links == expected  # reciprocal, and each names itself


def test_x_default_follows_the_site_settings(client, group):
    english, german, _ = group
    services.site_settings_update(acting_user=SYSTEM, x_default="de")
    assert hreflangs(tree_of(client, english.get_absolute_url()))["x-default"] == site_url(
        german.get_absolute_url()
    )
    services.site_settings_update(acting_user=SYSTEM, x_default="none")
    assert "x-default" not in hreflangs(tree_of(client, english.get_absolute_url()))


def test_the_switcher_goes_to_the_translation_or_else_the_index(client, group):
    english, german, _ = group
    links = switcher(tree_of(client, english.get_absolute_url()))
    assert links == {
        "en": english.get_absolute_url(),
        "de": german.get_absolute_url(),
        "zh-Hans": "/zh-hans/news/",  # a draft: the Chinese index, never a 404
    }
    for url in links.values():
        assert client.get(url).status_code == 200
    assert switcher(tree_of(client, "/de/news/")) == {
        "en": "/news/",
        "de": "/de/news/",
        "zh-Hans": "/zh-hans/news/",
    }


def test_a_site_with_one_language_has_no_switcher_and_no_hreflang(client):
    article = make_article()
    tree = tree_of(client, article.get_absolute_url())
    assert switcher(tree) == {}
    assert hreflangs(tree) == {}


def test_opengraph_and_structured_data_link_the_translations(client, group):
    english, german, _ = group
    tree = tree_of(client, english.get_absolute_url())
    assert tree.xpath("//meta[@property='og:locale']/@content") == ["en_US"]
    assert tree.xpath("//meta[@property='og:locale:alternate']/@content") == ["de_DE"]
    data = [json.loads(s.text) for s in tree.xpath("//script[@type='application/ld+json']")]
    article = next(d for d in data if d["@type"] == "NewsArticle")
    assert article["inLanguage"] == "en"
    assert [w["@id"] for w in article["workTranslation"]] == [site_url(german.get_absolute_url())]

    tree = tree_of(client, german.get_absolute_url())
    data = [json.loads(s.text) for s in tree.xpath("//script[@type='application/ld+json']")]
    article = next(d for d in data if d["@type"] == "NewsArticle")
    assert article["inLanguage"] == "de"
    assert article["translationOfWork"]["@id"] == site_url(english.get_absolute_url())
    assert "workTranslation" not in article


def test_the_sitemap_carries_alternates_of_published_translations(client, group):
    english, german, _ = group
    loner = make_article(headline="Only in English")
    root = etree.fromstring(client.get("/news/sitemap-articles.xml").content)
    alternates = {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.iter(XHTML)
        }
        for url in root.iter(f"{SITEMAP}url")
    }
    expected = {
        "en": site_url(english.get_absolute_url()),
        "de": site_url(german.get_absolute_url()),
        "x-default": site_url(english.get_absolute_url()),
    }
    assert alternates[site_url(english.get_absolute_url())] == expected
    assert alternates[site_url(german.get_absolute_url())] == expected
    assert alternates[site_url(loner.get_absolute_url())] == {}


def test_the_sitemaps_list_each_editions_index_and_listings(client, group):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd"), PARSER))

    def fetch(url: str):
        root = etree.fromstring(client.get(url).content, PARSER)
        schema.assertValid(root)  # the sitemaps.org schema, with the xhtml namespace
        return root

    english, german, _chinese = group
    section = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    for article in (english, german):
        services.article_update(article=article, acting_user=SYSTEM, section=section)
    linz = services.tag_get_or_create(name="Linz", acting_user=SYSTEM)
    make_article(headline="Nur auf Deutsch", language="de-AT", tags=[linz])

    def links(root) -> dict[str, dict[str, str]]:
        return {
            url.findtext(f"{SITEMAP}loc"): {
                link.get("hreflang"): link.get("href") for link in url.iter(XHTML)
            }
            for url in root.iter(f"{SITEMAP}url")
        }

    indexes = links(fetch("/news/sitemap-pages.xml"))
    every = {
        "en": site_url("/news/"),
        "de": site_url("/de/news/"),
        "zh-Hans": site_url("/zh-hans/news/"),
        "x-default": site_url("/news/"),
    }
    assert indexes == {site_url("/news/"): every, site_url("/de/news/"): every,
                       site_url("/zh-hans/news/"): every}  # fmt: skip
    sections = links(fetch("/news/sitemap-sections.xml"))
    # The section in the languages it has public articles in: not Chinese (a draft).
    assert set(sections) == {
        site_url("/news/section/plants/"),
        site_url("/de/news/section/plants/"),
    }
    tags = links(fetch("/news/sitemap-tags.xml"))
    assert set(tags) == {site_url("/de/news/tag/linz/")}  # de-AT is in the German edition
