"""The writing screen's publish panel: schedule in a non-UTC time zone, refusals in words."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from newscenter.news.models import Article, SiteSettings
from tests.browser.journey import Tally
from tests.browser.signin import sign_in
from tests.builders import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"  # tests.builders.make_user's
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_editor_schedules_from_the_panel_in_the_site_time_zone(page, http_site, artifacts):
    SiteSettings.load()
    SiteSettings.objects.update(time_zone="Europe/Berlin")
    editor = make_user(role="editor")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, http_site, editor.username, PASSWORD, next="/admin/news/article/add/")
    assert "Publication date (Europe/Berlin)" in page.text_content(".field-pub_date")
    page.fill("#id_headline", "Open day at the Ebersfurt plant")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type("Families can tour the halls on Saturday.")
    assert page.text_content(".panel-state") == "State: Draft, not saved yet"
    page.screenshot(path=str(artifacts / "desk-writing-1280.png"), full_page=True)

    # A time already past: refused in words, the typed time kept, the article saved as a draft.
    tally = Tally(page, "schedule a new article from the panel, one past time refused (editor)")
    tally.click("#panel-schedule summary")
    assert "Goes public at (Europe/Berlin)" in page.text_content("#panel-schedule label")
    page.fill("#id_panel_when", "2020-05-04T10:00")
    tally.click("#panel-schedule button")
    message = page.text_content(".messagelist .error")
    assert "Saved, but not “Schedule”" in message
    assert "must be in the future: 2020-05-04 10:00 (Europe/Berlin) has already passed" in message
    assert "(at)" not in message
    assert page.input_value("#id_panel_when") == "2020-05-04T10:00"
    article = Article.objects.get()
    assert article.status == "draft"

    moment = (
        (timezone.now() + dt.timedelta(days=2))
        .astimezone(BERLIN)
        .replace(hour=9, minute=30, second=0, microsecond=0)
    )
    page.fill("#id_panel_when", f"{moment:%Y-%m-%dT%H:%M}")
    tally.click("#panel-schedule button")  # the panel stays open after the refusal
    assert "is now scheduled for" in page.text_content(".messagelist .success")
    assert "(Europe/Berlin)" in page.text_content(".messagelist .success")
    article.refresh_from_db()
    assert (article.status, article.pub_date) == ("scheduled", moment)
    assert page.text_content(".panel-state").startswith("State: Scheduled for")
    tally.record()
    page.screenshot(path=str(artifacts / "desk-publish-panel-1280.png"))


def test_contributor_submits_from_the_panel_and_sees_no_publish(page, http_site):
    writer = make_user(role="contributor")
    sign_in(page, http_site, writer.username, PASSWORD, next="/admin/news/article/add/")
    assert page.locator("button[value=publish]").count() == 0
    assert page.locator("button[value=schedule]").count() == 0
    page.fill("#id_headline", "Apprentices win the regional prize")
    page.click("button.panel-primary")
    assert "is now in review" in page.text_content(".messagelist .success").lower()
    assert Article.objects.get().status == "review"
