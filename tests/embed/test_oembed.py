"""The oEmbed provider, checked against the specification's rules (https://oembed.com/ §2.3)."""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.builders import make_article

pytestmark = pytest.mark.django_db

# §2.3.4: every response; §2.3.4.4: type "rich" adds these.
REQUIRED = {"type", "version"}
RICH_REQUIRED = {"html", "width", "height"}
OPTIONAL = {
    "title",
    "author_name",
    "author_url",
    "provider_name",
    "provider_url",
    "cache_age",
    "thumbnail_url",
    "thumbnail_width",
    "thumbnail_height",
}


def oembed(client, url: str, **params):
    return client.get("/oembed", {"url": url, **params})


@pytest.fixture
def article():
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    return make_article(headline="Turbines & <valves>", authors=[author])


def address(article) -> str:
    return f"https://testserver{article.get_absolute_url()}"


def test_a_public_article_answers_a_valid_rich_response(client, article):
    response = oembed(client, address(article))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert set(document) >= REQUIRED | RICH_REQUIRED
    assert set(document) <= REQUIRED | RICH_REQUIRED | OPTIONAL
    assert document["version"] == "1.0"
    assert document["type"] == "rich"
    assert isinstance(document["width"], int)
    assert isinstance(document["height"], int)
    assert isinstance(document["cache_age"], int)
    # thumbnail_url, _width and _height come all together or not at all (§2.3.4).
    assert len({"thumbnail_url", "thumbnail_width", "thumbnail_height"} & set(document)) in (0, 3)
    assert document["title"] == "Turbines & <valves>"
    assert document["author_name"] == "Jana Oster"
    assert document["provider_url"] == "https://testserver/news/"


def test_the_html_is_one_sandboxed_iframe_of_the_card(client, article):
    document = oembed(client, address(article)).json()
    fragment = BeautifulSoup(document["html"], "html.parser")
    frames = fragment.find_all("iframe")
    assert len(frames) == 1
    assert len(list(fragment.children)) == 1
    frame = frames[0]
    sandbox = frame.get_attribute_list("sandbox")
    assert "allow-same-origin" not in sandbox
    assert "allow-scripts" not in sandbox
    assert frame["title"] == "Turbines & <valves>"
    card = client.get(urlsplit(frame["src"]).path)
    assert card.status_code == 200
    assert "Turbines &amp; &lt;valves&gt;" in card.text
    assert BeautifulSoup(card.content, "html.parser").title.text.startswith("Turbines & <valves>")
    assert "frame-ancestors *" in card["Content-Security-Policy"]
    assert "script-src 'none'" in card["Content-Security-Policy"]


def test_maxwidth_and_maxheight_are_respected(client, article):
    document = oembed(client, address(article), maxwidth="300", maxheight="120").json()
    assert document["width"] <= 300
    assert document["height"] <= 120
    frame = BeautifulSoup(document["html"], "html.parser").iframe
    assert int(frame["width"]) <= 300
    assert int(frame["height"]) <= 120


@pytest.mark.parametrize("value", ["0", "-5", "wide", "1e3"])
def test_a_bad_maximum_is_400_with_a_sentence(client, article, value):
    response = oembed(client, address(article), maxwidth=value)
    assert response.status_code == 400
    assert "maxwidth" in response.json()["error"]


def test_unknown_unpublished_and_foreign_addresses_are_404(client, article):
    draft = make_article(headline="Secret", status=Article.Status.DRAFT, pub_date=None)
    scheduled = make_article(
        status=Article.Status.SCHEDULED, pub_date=timezone.now() + dt.timedelta(days=1)
    )
    day = article.pub_day
    for url in (
        "https://testserver/news/2026/01/01/no-such-story/",
        "https://testserver/news/2026/02/31/impossible-day/",
        f"https://testserver/news/preview/{draft.pk}/",
        f"https://testserver{scheduled.get_absolute_url()}",
        f"https://elsewhere.example.com/news/{day:%Y/%m/%d}/{article.slug}/",
        "https://testserver/news/",
        "javascript:alert(1)",
        "not a url at all",
    ):
        response = oembed(client, url)
        assert response.status_code == 404, url
        assert response.json()["error"].startswith("url:"), url


def test_a_missing_url_is_400_and_xml_is_not_offered(client, article):
    assert client.get("/oembed").status_code == 400
    assert oembed(client, address(article), format="xml").status_code == 501


def test_every_article_page_points_consumers_at_its_oembed_answer(client, article):
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    link = page.find("link", type="application/json+oembed")
    assert link["rel"] == ["alternate"]
    endpoint = urlsplit(html.unescape(link["href"]))
    assert endpoint.scheme == "https"
    assert endpoint.path == "/oembed"
    assert parse_qs(endpoint.query)["url"] == [address(article)]
    assert client.get(link["href"]).json()["type"] == "rich"
