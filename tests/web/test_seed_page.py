"""The seed page, imported from its plain text, renders as a News center article."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from newscenter.news.models import Article
from tests.conftest import SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_lines(seed_text) -> list[str]:
    return [line.strip() for line in seed_text.splitlines() if line.strip()]


@pytest.fixture
def seed_page(client, seed_text):
    call_command("import", str(SEED), "--status", "source", stdout=io.StringIO())
    response = client.get(Article.objects.get().get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_seed_article_appears_in_the_seeds_order(seed_page, seed_lines):
    chrome, headline, date, standfirst, body = (
        seed_lines[:3], seed_lines[3], seed_lines[4], seed_lines[5], seed_lines[6:]
    )  # fmt: skip
    assert len(body) == 9
    article = seed_page.find("article")
    assert [h1.get_text() for h1 in seed_page.find_all("h1")] == [headline]
    time = article.find("time")
    assert time.get_text() == date  # "Nov 28, 2023", as the seed prints it
    assert time["datetime"].startswith("2023-11-28")
    assert article.select_one(".standfirst").get_text() == standfirst
    assert [p.get_text() for p in article.select(".body p")] == body
    text = article.get_text(" ")
    positions = [text.index(part) for part in (headline, date, standfirst, *body)]
    assert positions == sorted(positions)
    for line in chrome:
        assert line not in text


def test_site_chrome_frames_the_article(seed_page):
    header = seed_page.find("header", class_="masthead")
    assert header.select_one(".section-title").get_text() == "News center"
    assert seed_page.find("article").find_parent("header") is None
