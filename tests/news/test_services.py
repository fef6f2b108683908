"""Services: validation, derived fields, audit entries, all-or-nothing writes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from newscenter.news import services
from newscenter.news.models import Article, AuditEntry, SiteSettings
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_image

pytestmark = pytest.mark.django_db


def test_create_derives_slug_day_language_and_audits(admin_user):
    site = SiteSettings.load()
    site.time_zone, site.language = "Asia/Tokyo", "ja"
    site.save()
    article = services.article_create(
        acting_user=admin_user,
        headline="  Osaka office opens  ",
        status="published",
        pub_date=dt.datetime(2024, 4, 1, 20, 0, tzinfo=dt.UTC),
    )
    assert article.headline == "Osaka office opens"
    assert article.slug == "osaka-office-opens"
    assert article.pub_day == dt.date(2024, 4, 2)  # already the 2nd in Tokyo
    assert article.language == "ja"
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.detail) == (
        admin_user,
        "create",
        {"status": "published"},
    )


def test_update_records_what_changed(admin_user):
    article = make_article()
    services.article_update(article=article, acting_user=admin_user, headline="Better words")
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.detail == {"changed": ["headline"]}
    assert entry.actor == admin_user


def test_publish_now_and_unpublish():
    article = make_article(status="draft", pub_date=None)
    before = timezone.now()
    services.article_publish_or_schedule(article=article, acting_user=SYSTEM)
    article.refresh_from_db()
    assert article.status == "published"
    assert before <= article.pub_date <= timezone.now()
    assert article in Article.objects.published()
    services.article_take_down(article=article, acting_user=SYSTEM)
    assert article not in Article.objects.published()
    assert list(
        AuditEntry.objects.filter(article=article).order_by("id").values_list("action", flat=True)
    ) == ["create", "publish", "unpublish"]


def test_publish_at_a_future_time_schedules():
    article = make_article(status="draft", pub_date=None)
    at = timezone.now() + dt.timedelta(hours=3)
    services.article_publish_or_schedule(article=article, acting_user=SYSTEM, at=at)
    article.refresh_from_db()
    assert article.pub_date == at
    assert article not in Article.objects.published()


def test_public_article_keeps_its_url_when_its_date_is_corrected(client):
    article = make_article(pub_date=dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC))
    url = article.get_absolute_url()
    services.article_update(
        article=article, acting_user=SYSTEM, pub_date=dt.datetime(2024, 6, 2, 9, tzinfo=dt.UTC)
    )
    assert article.get_absolute_url() == url
    assert client.get(url).status_code == 200


def test_scheduled_article_url_follows_its_date():
    article = make_article(pub_date=timezone.now() + dt.timedelta(days=5))
    new_date = timezone.now() + dt.timedelta(days=9)
    services.article_update(article=article, acting_user=SYSTEM, pub_date=new_date)
    assert article.pub_day == new_date.date()


@pytest.mark.parametrize(
    ("fields", "field_in_error"),
    [
        ({"headline": ""}, "headline"),
        ({"headline": "x" * 301}, "headline"),
        ({"status": "published", "pub_date": None}, "pub_date"),
        ({"status": "exploded"}, "status"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
    ],
)
def test_invalid_articles_are_refused_and_nothing_is_written(fields, field_in_error):
    with pytest.raises(ValidationError) as error:
        make_article(**fields)
    assert field_in_error in error.value.message_dict
    assert not Article.objects.exists()
    assert not AuditEntry.objects.exists()


def test_unknown_fields_are_a_programming_error():
    with pytest.raises(TypeError, match="unknown article fields: pub_day"):
        make_article(pub_day=dt.date(2024, 1, 1))


def test_sanitising_is_idempotent():
    article = make_article(body="<p>Hello <b>there</b> <a href='https://a.example'>link</a></p>")
    first = article.body
    services.article_update(article=article, acting_user=SYSTEM, body=first)
    assert article.body == first


def test_site_settings_refuse_unknown_time_zone_and_banner_without_alt():
    site = SiteSettings.load()
    site.time_zone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError, match="not a known time zone"):
        site.full_clean()
    site.time_zone = "UTC"
    site.banner_image = make_image(alt="")
    with pytest.raises(ValidationError, match="alternative text"):
        site.full_clean()
    site.banner_alt = "The works at dawn"  # an override here, or the library's text, will do
    site.full_clean()


@pytest.mark.parametrize("create", [services.tag_get_or_create, services.author_get_or_create,
                                    services.section_get_or_create])  # fmt: skip
def test_names_that_share_a_slug_get_their_own(create):
    first, second, again = (create(name=n, acting_user=SYSTEM) for n in ("C", "C++", "c"))
    assert (first.slug, second.slug) == ("c", "c-2")
    assert again == first
