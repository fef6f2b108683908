"""The site in several languages: addresses per edition, lang and dir, feeds per language."""

from __future__ import annotations

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from lxml import html

from newscenter.news import languages
from newscenter.news.languages import SiteLanguages
from newscenter.news.models import SiteSettings
from newscenter.news.policy import SYSTEM
from newscenter.news.services import site_settings_update
from tests.builders import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def several(db):
    return site_settings_update(acting_user=SYSTEM, languages=["de", "zh-Hans", "ar"])


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html.fromstring(response.content)


def headlines(tree) -> list[str]:
    return [a.text_content().strip() for a in tree.xpath("//main//h2/a")]


def test_a_site_with_one_language_keeps_its_addresses(client):
    article = make_article(headline="Ebersfurt plant opens")
    assert article.get_absolute_url().startswith("/news/")
    tree = page(client, "/news/")
    assert tree.get("lang") == "en"
    assert tree.get("dir") == "ltr"
    assert client.get("/de/news/").status_code == 404


def test_each_language_has_its_own_index_feed_and_addresses(client, several):
    english = make_article(headline="Ebersfurt plant opens")
    german = make_article(headline="Werk in Ebersfurt eröffnet", language="de")
    chinese = make_article(headline="埃伯斯富特工厂开业", language="zh-Hans")
    assert english.get_absolute_url().startswith("/news/20")
    assert german.get_absolute_url().startswith("/de/news/20")
    assert chinese.get_absolute_url().startswith("/zh-hans/news/20")

    assert "Ebersfurt plant opens" in headlines(page(client, "/news/"))
    assert "Werk in Ebersfurt eröffnet" not in headlines(page(client, "/news/"))
    german_index = page(client, "/de/news/")
    assert headlines(german_index) == ["Werk in Ebersfurt eröffnet"]
    assert german_index.get("lang") == "de"
    assert german_index.get("dir") == "ltr"
    assert page(client, "/zh-hans/news/").get("lang") == "zh-Hans"
    assert page(client, german.get_absolute_url()).xpath("//h1")[0].text == german.headline

    feed = feedparser.parse(client.get("/de/news/feed/rss/").content)
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == ["Werk in Ebersfurt eröffnet"]
    assert feed.feed.language == "de"
    assert feed.entries[0].link.endswith(german.get_absolute_url())
    english_feed = feedparser.parse(client.get("/news/feed/rss/").content)
    assert [e.title for e in english_feed.entries] == ["Ebersfurt plant opens"]


def test_arabic_pages_are_laid_out_right_to_left(client, several):
    make_article(headline="افتتاح مصنع إبرسفورت", language="ar")
    tree = page(client, "/ar/news/")
    assert (tree.get("lang"), tree.get("dir")) == ("ar", "rtl")
    assert page(client, "/news/").get("dir") == "ltr"


def test_an_article_at_another_editions_address_is_sent_to_its_own(client, several):
    german = make_article(headline="Werk eröffnet", language="de")
    english_address = german.get_absolute_url().removeprefix("/de")
    response = client.get(english_address)
    assert response.status_code == 301
    assert response["Location"] == german.get_absolute_url()


def test_languages_the_site_does_not_have_are_not_found(client, several):
    assert client.get("/fr/news/").status_code == 404
    assert client.get("/en/news/").status_code == 404  # the default has no prefix


def test_reverse_follows_the_page_language(client, several):
    tree = page(client, "/de/news/")
    assert tree.xpath("//p[@class='site-name']/a")[0].get("href") == "/de/news/"
    assert reverse("news:index") == "/news/"  # outside a request: the default


def test_an_article_in_a_language_the_site_lacks_stays_in_the_default_edition(client, several):
    italian = make_article(headline="Apre lo stabilimento", language="it")
    assert italian.get_absolute_url().startswith("/news/")
    assert "Apre lo stabilimento" in headlines(page(client, "/news/"))


def test_a_new_default_language_moves_the_unprefixed_addresses(client):
    site_settings_update(acting_user=SYSTEM, language="de", languages=["en"])
    german = make_article(headline="Werk eröffnet")
    english = make_article(headline="Plant opens", language="en")
    assert german.get_absolute_url().startswith("/news/")
    assert english.get_absolute_url().startswith("/en/news/")
    assert headlines(page(client, "/en/news/")) == ["Plant opens"]
    assert page(client, "/news/").get("lang") == "de"


@pytest.mark.parametrize("bad", ["german", "de_DE_x", "", "d", "zh-Hans-CN-19"])
def test_bad_language_codes_are_refused_with_a_reason(bad):
    site = SiteSettings.load()
    site.languages = [bad]
    with pytest.raises(ValidationError, match="not a language tag"):
        site.full_clean()


def test_x_default_must_be_a_site_language():
    site = SiteSettings.load()
    site.languages, site.x_default = ["de"], "fr"
    with pytest.raises(ValidationError, match="not one of the site's languages"):
        site.full_clean()


@pytest.mark.parametrize(
    ("tag", "edition"),
    [("de", "de"), ("de-AT", "de"), ("DE", "de"), ("zh-hans", "zh-Hans"), ("en-GB", "en"),
     ("it", "en"), ("", "en"), ("pt-BR", "pt-BR"), ("pt", "en")],
)  # fmt: skip
def test_the_edition_of_an_article(tag, edition):
    site = SiteLanguages(default="en", others=("de", "zh-Hans", "pt-BR"))
    assert site.edition_of(tag) == edition


@pytest.mark.parametrize(
    ("tag", "direction"),
    [("ar", "rtl"), ("he", "rtl"), ("fa-IR", "rtl"), ("az-Arab", "rtl"), ("ku-Latn", "ltr"),
     ("en", "ltr"), ("zh-Hans", "ltr")],
)  # fmt: skip
def test_direction(tag, direction):
    assert languages.direction(tag) == direction


def test_path_follows_a_language_block_within_one_page(several):
    # {% path %} reads the address state once for a page: a {% language %} block in a theme's
    # template must still get that language's addresses, and the page's own after it.
    template = Template(
        "{% load i18n news_site %}{% path 'news:index' %} "
        "{% language 'de' %}{% path 'news:index' %} {% path 'news:feed' format='rss' %}"
        "{% endlanguage %} {% path 'news:index' %}"
    )
    with languages.using(SiteLanguages.of(SiteSettings.load())), translation.override("en"):
        shown = template.render(Context({}))
    assert shown == "/news/ /de/news/ /de/news/feed/rss/ /news/"
