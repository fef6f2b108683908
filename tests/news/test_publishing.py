"""One definition of public, as a truth table with a frozen clock."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from newscenter.news import publishing
from newscenter.news.models import Article
from tests.builders import make_article

NOW = dt.datetime(2026, 3, 2, 9, 30, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)

TRUTH_TABLE = [
    # status, pub_date relative to NOW, public?
    ("published", -dt.timedelta(days=400), True),
    ("published", -SECOND, True),
    ("published", dt.timedelta(0), True),
    ("published", SECOND, False),
    ("published", dt.timedelta(days=2), False),
    ("draft", -dt.timedelta(days=1), False),
    ("draft", dt.timedelta(days=1), False),
    ("draft", None, False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "offset", "public"), TRUTH_TABLE)
def test_published_truth_table(status, offset, public):
    with time_machine.travel(NOW, tick=False):
        pub_date = None if offset is None else NOW + offset
        article = make_article(status=status, pub_date=pub_date)
        assert (article in Article.objects.published()) is public
        assert publishing.is_public(article) is public


@pytest.mark.django_db
def test_scheduled_article_appears_by_itself_to_the_second(client):
    with time_machine.travel(NOW, tick=False) as clock:
        article = make_article(
            headline="Launch at the fair", pub_date=NOW + dt.timedelta(minutes=5)
        )
        url = article.get_absolute_url()
        assert client.get(url).status_code == 404
        assert "Launch at the fair" not in client.get("/news/").text
        clock.move_to(NOW + dt.timedelta(minutes=5) - SECOND)
        assert client.get(url).status_code == 404
        clock.move_to(NOW + dt.timedelta(minutes=5))
        assert client.get(url).status_code == 200
        assert "Launch at the fair" in client.get("/news/").text


def test_is_public_without_database():
    article = Article(status="published", pub_date=NOW)
    assert publishing.is_public(article, at=NOW)
    assert not publishing.is_public(article, at=NOW - SECOND)
    assert publishing.is_scheduled(article, at=NOW - SECOND)


def test_local_day_follows_site_time_zone():
    late_evening_utc = dt.datetime(2023, 11, 27, 23, 30, tzinfo=dt.UTC)
    assert publishing.local_day(late_evening_utc, "UTC") == dt.date(2023, 11, 27)
    assert publishing.local_day(late_evening_utc, "Europe/Brussels") == dt.date(2023, 11, 28)


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        ("Belgian plant doubles output", "belgian-plant-doubles-output"),
        ("  Ünïcode & punctuation!  ", "ünïcode-punctuation"),
        ("工厂扩建", "工厂扩建"),
        ("!!!", "article"),
    ],
)
def test_slug_for(headline, slug):
    assert publishing.slug_for(headline) == slug


def test_now_is_aware():
    assert timezone.is_aware(timezone.now())
