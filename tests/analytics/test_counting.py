"""What counts and what does not, through the real middleware and the real buffer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newscenter.analytics.models import Event
from tests.analytics.conftest import IPHONE, reader, stored
from tests.builders import make_article, make_user
from tests.conftest import staff_login

pytestmark = pytest.mark.django_db

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def test_an_article_view_is_stored_with_what_may_be_kept(client):
    article = make_article()
    response = reader(
        client,
        article.get_absolute_url() + "?utm_source=newsletter&utm_campaign=spring",
        ua=IPHONE,
        HTTP_REFERER="https://www.google.de/search?q=plant",
        HTTP_ACCEPT_LANGUAGE="de-CH,de;q=0.9,en;q=0.5",
    )
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    [event] = stored()
    assert event.kind == Event.Kind.ARTICLE
    assert event.article_id == article.pk
    assert event.section_id == article.section_id
    assert event.path == article.get_absolute_url()
    assert (event.channel, event.referrer) == ("search", "google.de")
    assert (event.utm_source, event.utm_campaign) == ("newsletter", "spring")
    assert event.country == "GB"
    assert (event.device, event.browser, event.os) == ("mobile", "Mobile Safari", "iOS")
    assert event.language == "de"
    assert len(event.visitor) == 32


@pytest.mark.parametrize(
    ("name", "kwargs", "kind"),
    [
        ("news:index", {}, "index"),
        ("news:feed", {"format": "rss"}, "feed"),
        ("news:search", {}, "search"),
    ],
)
def test_public_pages_of_each_kind_count(client, name, kwargs, kind):
    make_article()
    assert reader(client, reverse(name, kwargs=kwargs)).status_code == 200
    assert [e.kind for e in stored()] == [kind]


def test_searches_keep_their_words_and_how_many_results(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # indexed as a commit would
        make_article(headline="Ebersfurt plant opens")
    reader(client, reverse("news:search") + "?q=Ebersfurt")
    reader(client, reverse("news:search") + "?q=Zeppelins")
    events = stored()
    assert [(e.query, e.results) for e in events] == [("ebersfurt", 1), ("zeppelins", 0)]


def test_the_results_header_never_leaves_the_site(client):
    response = reader(client, reverse("news:search") + "?q=anything")
    assert "X-Newscenter-Results" not in response.headers


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"HTTP_DNT": "1"}, "Do-Not-Track"),
        ({"HTTP_SEC_GPC": "1"}, "Global Privacy Control"),
        ({"HTTP_SEC_PURPOSE": "prefetch"}, "a prefetch"),
        ({"HTTP_PURPOSE": "prefetch"}, "an older prefetch"),
        ({"HTTP_SEC_PURPOSE": "prefetch;prerender"}, "a prerender"),
        ({"HTTP_USER_AGENT": GOOGLEBOT}, "a bot"),
        ({"HTTP_USER_AGENT": ""}, "no user agent at all"),
    ],
)
def test_not_counted(client, headers, why):
    article = make_article()
    response = reader(client, article.get_absolute_url(), **headers)
    assert response.status_code == 200
    assert stored() == [], why


def test_head_requests_and_errors_are_not_counted(client):
    article = make_article()
    assert client.head(article.get_absolute_url()).status_code == 200
    assert reader(client, reverse("news:tag", kwargs={"slug": "no-such-tag"})).status_code == 404
    assert stored() == []


def test_staff_previews_and_review_links_are_not_counted(client):
    editor = make_user(role="editor")
    article = make_article()
    staff = staff_login(client, editor)
    assert reader(staff, article.get_absolute_url()).status_code == 200
    assert reader(staff, reverse("news:preview", kwargs={"pk": article.pk})).status_code == 200
    assert stored() == []


def test_the_desk_and_the_api_are_not_pages(client):
    reader(client, "/api/v1/articles")
    reader(client, reverse("admin:index"))
    assert stored() == []


def test_switched_off_nothing_is_written(client):
    from newscenter.analytics import services

    article = make_article()
    services.counting_set(acting_user=make_user(role="administrator"), on=False)
    reader(client, article.get_absolute_url())
    assert stored() == []
    services.counting_set(acting_user=make_user(role="administrator"), on=True)
    reader(client, article.get_absolute_url())
    assert len(stored()) == 1


def test_the_beacon_counts_in_beacon_mode_only(client, settings):
    article = make_article()
    beacon = "/analytics/count?p=" + article.get_absolute_url() + "&r=https://t.co/x"
    response = reader(client, beacon)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert len(response.content) < 1024
    assert stored() == []  # the server counts: the beacon would count twice
    settings.NEWSCENTER_ANALYTICS_MODE = "beacon"
    reader(client, article.get_absolute_url())  # the page itself: not counted now
    reader(client, beacon)
    reader(client, beacon, HTTP_DNT="1")
    [event] = stored()
    assert (event.article_id, event.channel) == (article.pk, "social")
