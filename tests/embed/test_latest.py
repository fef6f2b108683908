"""The embeds of the latest news, through HTTP: what they show, what they refuse, their headers."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.utils import timezone

from newscenter.news import services
from newscenter.news.models import Article, SiteSettings
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_image
from tests.web.test_security_headers import assert_baseline_headers

pytestmark = pytest.mark.django_db

EMBEDS = ["/embed/latest/", "/embed/latest.html", "/embed/latest.json", "/embed/latest.js"]


def origins(*listed: str) -> None:
    services.site_settings_update(acting_user=SYSTEM, embed_origins=list(listed))


def items(response) -> list:
    return BeautifulSoup(response.content, "html.parser").select("li")


@pytest.fixture
def news():
    """Seven public articles (the newest last), a draft and a scheduled one."""
    now = timezone.now()
    public = [
        make_article(headline=f"Public story {n}", pub_date=now - dt.timedelta(hours=10 - n))
        for n in range(7)
    ]
    make_article(headline="A draft", status=Article.Status.DRAFT, pub_date=None)
    make_article(
        headline="Tomorrow's story",
        status=Article.Status.SCHEDULED,
        pub_date=now + dt.timedelta(days=1),
    )
    return public


def test_the_iframe_page_lists_the_latest_public_articles_newest_first(client, news):
    response = client.get("/embed/latest/?limit=3")
    assert response.status_code == 200
    headlines = [li.a.get_text() for li in items(response)]
    assert headlines == ["Public story 6", "Public story 5", "Public story 4"]
    link = items(response)[0].a
    assert link["href"] == f"https://testserver{news[6].get_absolute_url()}"
    assert link["target"] == "_top"
    assert link["rel"] == ["noopener"]
    time = items(response)[0].time
    assert dt.datetime.fromisoformat(time["datetime"]) == news[6].pub_date.replace(microsecond=0)
    assert "Standfirst number" in items(response)[0].get_text()


def test_the_default_is_five_and_never_a_draft_or_a_scheduled_article(client, news):
    text = client.get("/embed/latest/?limit=20").content.decode()
    assert "A draft" not in text
    assert "Tomorrow" not in text
    assert len(items(client.get("/embed/latest/"))) == 5


def test_filters_by_section_tag_author_and_language(client, news):
    section = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    tag = services.tag_get_or_create(name="Energy", acting_user=SYSTEM)
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    make_article(headline="In the section", section=section)
    make_article(headline="With the tag", tags=[tag])
    make_article(headline="By the author", authors=[author])
    make_article(headline="Auf Deutsch", language="de")
    make_article(headline="Auf Schweizerdeutsch", language="de-CH")

    def shown(query):
        return [li.a.get_text() for li in items(client.get(f"/embed/latest/?{query}"))]

    assert shown("section=plants") == ["In the section"]
    assert shown("tag=energy") == ["With the tag"]
    assert shown("author=jana-oster") == ["By the author"]
    assert sorted(shown("language=de")) == ["Auf Deutsch", "Auf Schweizerdeutsch"]
    # Articles without a language of their own are in the site's (English).
    assert "Public story 6" in shown("language=en")
    assert "Auf Deutsch" not in shown("language=en")


def test_lang_shows_one_edition_in_its_language(client, news):
    services.site_settings_update(acting_user=SYSTEM, languages=["de", "ar"])
    when = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    make_article(headline="Werk eröffnet", language="de", pub_date=when)
    make_article(headline="Werk in Linz", language="de-AT", pub_date=when)
    make_article(headline="افتتاح المصنع", language="ar", pub_date=when)
    page = BeautifulSoup(client.get("/embed/latest/?lang=de").content, "lxml")
    assert [li.a.get_text() for li in page.select("li")] == ["Werk in Linz", "Werk eröffnet"]
    assert (page.html["lang"], page.html["dir"]) == ("de", "ltr")
    assert page.select_one("li time").get_text() == "2. März 2026"
    assert any(a["href"].endswith("/de/news/") for a in page.select("a"))
    arabic = BeautifulSoup(client.get("/embed/latest/?lang=ar").content, "lxml")
    assert (arabic.html["lang"], arabic.html["dir"]) == ("ar", "rtl")
    shown = client.get("/embed/latest.json?lang=DE").json()
    assert [item["headline"] for item in shown["items"]] == ["Werk in Linz", "Werk eröffnet"]
    english = [li.a.get_text() for li in items(client.get("/embed/latest/?lang=en"))]
    assert "Werk eröffnet" not in english
    assert "Public story 6" in english
    refused = client.get("/embed/latest/?lang=fr")
    assert refused.status_code == 400
    assert "lang: 'fr' is not one of the site's languages (en, de, ar)" in refused.text


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("limit=0", 400, "limit: '0' is not a whole number from 1 to 20"),
        ("limit=21", 400, "from 1 to 20"),
        ("limit=%EF%BC%93", 400, "limit:"),  # a full-width digit
        ("layout=grid", 400, "layout: 'grid' is not one of list, cards, compact"),
        ("theme=pink", 400, "theme: 'pink'"),
        ("images=maybe", 400, "images: 'maybe' is neither on nor off"),
        ("accent=red", 400, "accent: 'red' is not a colour"),
        ("language=%3Cb%3E", 400, "language:"),
        ("colour=red", 400, "Unknown option 'colour'"),
        ("section=nowhere", 404, "section: there is no section 'nowhere'"),
        ("tag=nothing", 404, "tag: there is no tag 'nothing'"),
    ],
)
def test_a_bad_option_is_refused_with_a_sentence_naming_it(client, news, query, status, words):
    for path in ("/embed/latest/", "/embed/latest.html", "/embed/latest.json"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == status, path
        assert words in (response.json()["error"] if path.endswith(".json") else response.text)
        assert response["Cache-Control"] == "no-store"


def test_layouts_themes_images_and_accent_reach_the_markup(client, news):
    services.article_update(
        article=news[6], acting_user=SYSTEM, lead_image=make_image(), lead_image_alt="Turbines"
    )
    page = BeautifulSoup(client.get("/embed/latest/?layout=cards&theme=dark").content, "lxml")
    assert page.main["class"] == ["nc", "cards", "dark"]
    picture = page.select_one("li img")
    assert picture["src"].startswith("https://testserver/media/")
    assert picture["alt"] == ""
    assert int(picture["width"]) >= 640  # twice the card's width: sharp on dense screens
    assert "<img" not in client.get("/embed/latest/?images=off").text
    compact = client.get("/embed/latest/?layout=compact").text
    assert "Standfirst number" not in compact
    assert "<img" not in compact
    assert ".nc{--newscenter-accent:#0a5c8f}" in client.get("/embed/latest/?accent=0A5C8F").text


def test_the_inline_style_and_script_are_allowed_by_their_hashes_alone(client, news):
    for query in ("", "?accent=c03&theme=light"):
        response = client.get(f"/embed/latest/{query}")
        page = BeautifulSoup(response.content, "html.parser")
        policy = dict(
            part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
        )

        def digest(text):
            return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

        assert policy["style-src"] == digest(page.style.string) + "'"
        assert policy["script-src"] == digest(page.script.string) + "'"
        assert "unsafe" not in response["Content-Security-Policy"]


def test_no_cookie_no_session_and_cacheable_for_a_minute(client, news):
    client.cookies["sessionid"] = "someone-else"
    for path in EMBEDS:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response, path
        assert not response.cookies, path
        assert response["Cache-Control"].startswith("public, max-age=60"), path
        again = client.get(path, headers={"If-None-Match": response["ETag"]})
        assert again.status_code == 304, path


def test_every_embed_carries_the_baseline_headers(client, news):
    article = news[0]
    for path in [*EMBEDS, f"/embed/article/{article.pk}/", "/oembed"]:
        query = {"url": f"https://testserver{article.get_absolute_url()}"}
        response = client.get(path, query if path == "/oembed" else {})
        assert response.status_code == 200, path
        assert_baseline_headers(response)
        assert "unsafe-inline" not in response["Content-Security-Policy"], path


def test_any_site_may_frame_the_widget_until_origins_are_listed(client, news):
    widget = client.get("/embed/latest/")
    assert "frame-ancestors *" in widget["Content-Security-Policy"]
    assert "X-Frame-Options" not in widget
    origins("https://www.example.com", "https://shop.example.com")
    widget = client.get("/embed/latest/")
    assert (
        "frame-ancestors 'self' https://www.example.com https://shop.example.com"
        in widget["Content-Security-Policy"]
    )
    # The rest of the site is never framed.
    page = client.get("/news/")
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    for path in ("/embed/latest.html", "/embed/latest.json"):
        assert "frame-ancestors 'none'" in client.get(path)["Content-Security-Policy"]


def test_cors_answers_any_page_then_only_the_listed_origins(client, news):
    assert client.get("/embed/latest.json")["Access-Control-Allow-Origin"] == "*"
    origins("https://www.example.com")
    for path in EMBEDS:
        listed = client.get(path, headers={"Origin": "https://www.example.com"})
        assert listed["Access-Control-Allow-Origin"] == "https://www.example.com"
        # Origin, and Accept-Encoding where the answer is long enough to be compressed.
        assert "Origin" in [name.strip() for name in listed["Vary"].split(",")]
        other = client.get(path, headers={"Origin": "https://evil.example.net"})
        assert "Access-Control-Allow-Origin" not in other


def test_the_fragment_is_bare_html_for_a_server_side_include(client, news):
    text = client.get("/embed/latest.html?limit=2&layout=compact").text
    assert text.startswith('<div class="newscenter-latest compact">')
    assert "<html" not in text
    assert "<style" not in text
    assert "<script" not in text
    assert 'target="_top"' not in text
    fragment = BeautifulSoup(text, "html.parser")
    assert [li.a.get_text() for li in fragment.select("li")] == ["Public story 6", "Public story 5"]


def test_the_json_lists_the_same_items(client, news):
    document = client.get("/embed/latest.json?limit=2").json()
    assert document["version"] == 1
    assert document["home_page_url"] == "https://testserver/news/"
    first = document["items"][0]
    assert first["headline"] == "Public story 6"
    assert first["url"] == f"https://testserver{news[6].get_absolute_url()}"
    assert set(first) == {
        "url",
        "headline",
        "standfirst",
        "published",
        "date",
        "section",
        "picture",
    }
    assert len(document["items"]) == 2


def test_the_script_carries_the_stylesheet_and_no_framework(client):
    response = client.get("/embed/latest.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert "customElements.define" in response.text
    assert "__STYLE__" not in response.text
    assert not re.search(r"^\s*import\s", response.text, re.MULTILINE)


# --- Size budgets (the issue: under 8 KB for 5 items, the script under 5 KB, gzipped) ---------


def test_five_items_with_pictures_and_long_standfirsts_fit_in_8_kb_gzipped(client):
    image = make_image()
    for n in range(5):
        make_article(
            headline=f"A rather long headline about the opening of plant number {n} in the hills",
            standfirst=" ".join(["A long standfirst that goes on"] * 12),
            lead_image=image,
            lead_image_alt="Plant",
        )
    for query in ("", "?layout=cards", "?theme=dark&accent=0a5c8f"):
        body = client.get(f"/embed/latest/{query}").content
        assert body.count(b"<li") == 5
        assert len(gzip.compress(body)) < 8 * 1024, query


def test_the_custom_element_script_fits_in_5_kb_gzipped(client):
    assert len(gzip.compress(client.get("/embed/latest.js").content)) < 5 * 1024


# --- The page cache ----------------------------------------------------------------------------


@pytest.fixture
def page_cache(settings, django_capture_on_commit_callbacks):
    settings.NEWSCENTER_PAGE_CACHE_SECONDS = 600

    def committed(write, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(**kwargs)

    return committed


def test_the_page_cache_keeps_embeds_per_origin_and_renews_them_on_a_change(
    client, news, page_cache
):
    page_cache(services.site_settings_update, acting_user=SYSTEM, embed_origins=["https://a.test"])
    first = client.get("/embed/latest.json", headers={"Origin": "https://a.test"})
    assert first["X-Page-Cache"] == "miss"
    hit = client.get("/embed/latest.json", headers={"Origin": "https://a.test"})
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Access-Control-Allow-Origin"] == "https://a.test"
    assert hit["Cache-Control"].startswith("public, max-age=60, s-maxage=")
    # Another origin is not handed the first one's CORS header from the cache.
    other = client.get("/embed/latest.json", headers={"Origin": "https://b.test"})
    assert other["X-Page-Cache"] == "miss"
    assert "Access-Control-Allow-Origin" not in other
    page_cache(
        services.article_create,
        acting_user=SYSTEM,
        headline="Fresh news",
        status=Article.Status.PUBLISHED,
        pub_date=timezone.now(),
    )
    renewed = client.get("/embed/latest.json", headers={"Origin": "https://a.test"})
    assert renewed["X-Page-Cache"] == "miss"
    assert json.loads(renewed.content)["items"][0]["headline"] == "Fresh news"


def test_news_pages_keep_max_age_zero(client, news, page_cache):
    assert client.get("/news/")["Cache-Control"].startswith("public, max-age=0,")


# --- The allowed origins ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("www.example.com", "not an origin: write it as https://www.example.com"),
        ("https://www.example.com/news/", "write only https://www.example.com"),
        ("https://WWW.example.com", "lower case"),
        ("ftp://example.com", "not an origin"),
        ("https://example.com:port", "port"),
    ],
)
def test_a_listed_origin_must_be_an_origin(value, words):
    with pytest.raises(ValidationError, match=re.escape(words)):
        origins(value)
    assert SiteSettings.load().embed_origins == []
