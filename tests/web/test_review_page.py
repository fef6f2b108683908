"""The review copy at /news/review/<token>/: shown before expiry, gone after, never cached."""

import datetime as dt

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import timezone

from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from newscenter.news.services import review_links
from tests.builders import make_article, make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)


def link_for(article, hours: int = 24):
    return review_links.review_link_create(
        article=article, acting_user=SYSTEM, expires=dt.timedelta(hours=hours)
    )


def draft(**fields) -> Article:
    return make_article(status=Article.Status.DRAFT, pub_date=None, **fields)


def url(token: str) -> str:
    return f"/news/review/{token}/"


def assert_private(response):
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_review_copy_of_a_draft(client):
    article = draft(headline="Pump line wins award", body="<p>Judges praised it.</p>")
    _, token = link_for(article)
    response = client.get(url(token))
    assert response.status_code == 200
    assert_private(response)
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.text == "Pump line wins award"
    assert "Judges praised it." in page.select_one(".body").text
    assert "Review copy: not public." in page.select_one(".review-note").text
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.find("link", rel="canonical") is None
    assert page.find("script", type="application/ld+json") is None


@pytest.mark.parametrize("status", ["draft", "review", "unpublished", "archived"])
def test_review_copy_works_in_any_unpublished_state(client, status):
    article = make_article(status=status, pub_date=None, headline=f"In state {status}")
    _, token = link_for(article)
    response = client.get(url(token))
    assert response.status_code == 200
    assert f"In state {status}" in response.text


def test_embargoed_article_shows_its_embargo_time(client):
    with time_machine.travel(NOW, tick=False):
        until = NOW + dt.timedelta(days=2)
        article = make_article(status=Article.Status.EMBARGOED, pub_date=until)
        _, token = link_for(article, hours=72)
        response = client.get(url(token))
        assert response.status_code == 200
        note = BeautifulSoup(response.content, "html.parser").select_one(".review-note")
        assert "Embargoed until" in note.text
        assert note.time["datetime"] == until.isoformat()
        assert client.get(article.get_absolute_url()).status_code == 404


def test_scheduled_article_shows_its_time(client):
    article = make_article(
        status=Article.Status.SCHEDULED, pub_date=timezone.now() + dt.timedelta(hours=5)
    )
    _, token = link_for(article)
    assert "Scheduled for" in client.get(url(token)).text


def test_works_until_expiry_then_410(client):
    with time_machine.travel(NOW, tick=False) as clock:
        _, token = link_for(draft(headline="Embargoed results"), hours=48)
        clock.shift(dt.timedelta(hours=47, minutes=59))
        assert client.get(url(token)).status_code == 200
        clock.shift(dt.timedelta(minutes=1))
        response = client.get(url(token))
    assert response.status_code == 410
    assert_private(response)
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.text == "This review link no longer works"
    assert "expired" in page.text
    assert "Embargoed results" not in response.text
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_revoked_link_is_410(client):
    link, token = link_for(draft(headline="Secret plans"))
    review_links.review_link_revoke(link=link, acting_user=make_user(role="editor"))
    response = client.get(url(token))
    assert response.status_code == 410
    assert_private(response)
    assert "revoked" in response.text
    assert "Secret plans" not in response.text


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("xx" if not t.endswith("xx") else "yy"),
        lambda t: t.split(":")[0],
        lambda t: "A" + t[1:] if not t.startswith("A") else "B" + t[1:],
        lambda t: "nothing",
        lambda t: ":" * 3,
    ],
)
def test_tampered_token_is_404(client, tamper):
    _, token = link_for(draft(headline="Hidden headline"))
    response = client.get(url(tamper(token)))
    assert response.status_code == 404
    assert_private(response)
    assert "Hidden headline" not in response.text


def test_a_link_shows_only_its_own_article(client):
    first = draft(headline="First draft headline")
    second = draft(headline="Second draft headline")
    _, first_token = link_for(first)
    _, second_token = link_for(second)
    first_page = client.get(url(first_token)).text
    second_page = client.get(url(second_token)).text
    assert "First draft headline" in first_page
    assert "Second draft headline" not in first_page
    assert "Second draft headline" in second_page
    assert "First draft headline" not in second_page


def test_deleted_article_link_is_404(client):
    article = draft()
    _, token = link_for(article)
    article.delete()
    assert client.get(url(token)).status_code == 404


def test_public_article_redirects_to_its_public_address(client):
    with time_machine.travel(NOW, tick=False) as clock:
        article = make_article(
            status=Article.Status.EMBARGOED, pub_date=NOW + dt.timedelta(hours=1)
        )
        _, token = link_for(article)
        assert client.get(url(token)).status_code == 200
        clock.shift(dt.timedelta(hours=1))
        response = client.get(url(token))
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert_private(response)


def test_review_page_carries_the_security_headers(client):
    _, token = link_for(draft())
    response = client.get(url(token))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
