"""An editor writes and publishes in the admin; a reader then finds the article."""

import datetime as dt

import pytest
from django.utils import timezone

from newscenter.news.models import Article
from tests.browser.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "Ebersfurt plant switches to solar power"
STANDFIRST = "Panels on three halls now cover a third of the plant's electricity."
BODY = "The installation took eleven weeks and did not interrupt production."


def test_editor_publishes_and_reader_sees_it(page, http_site, django_user_model, artifacts):
    django_user_model.objects.create_superuser("editor", "", "a-long-test-password")
    sign_in(page, http_site, "editor", "a-long-test-password", next="/admin/news/article/add/")

    page.locator("#id_headline").press_sequentially(HEADLINE)
    assert page.input_value("#id_slug") == "ebersfurt-plant-switches-to-solar-power"
    page.fill("#id_standfirst", STANDFIRST)
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.type(BODY)
    moment = timezone.localtime() - dt.timedelta(minutes=1)
    page.fill("#id_pub_date_0", moment.strftime("%Y-%m-%d"))
    page.fill("#id_pub_date_1", moment.strftime("%H:%M:%S"))
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    assert "was added successfully" in page.text_content(".messagelist")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]

    article = Article.objects.get()
    assert article.body == f"<p>{BODY}</p>"
    # The state moves on the article's Workflow page, never in its form.
    page.goto(f"{http_site}/admin/news/article/{article.pk}/change/")
    page.click(".object-tools >> text=Workflow")
    page.click("#transition-publish input[type=submit]")
    assert "is now published" in page.text_content(".messagelist")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]

    reader = page.context.browser.new_context().new_page()
    reader.goto(f"{http_site}/news/")
    reader.click(f"text={HEADLINE}")
    assert reader.text_content("h1") == HEADLINE
    assert reader.text_content("article .standfirst") == STANDFIRST
    assert reader.text_content("article .body") == BODY
    reader.context.close()


def test_article_page_screenshots_at_phone_and_desktop_width(chromium, http_site, artifacts):
    from django.core.management import call_command

    call_command("demo", verbosity=0)
    article = Article.objects.published().exclude(lead_image=None).first()
    for name, viewport in (("phone", (390, 844)), ("desktop", (1280, 900))):
        context = chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = context.new_page()
        page.goto(f"{http_site}{article.get_absolute_url()}")
        assert page.text_content("h1") == article.headline
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport[0], f"horizontal scrolling at {name} width"
        path = artifacts / f"article-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        context.close()


def test_contributor_submits_editor_schedules_article_appears_at_its_time(
    chromium, http_site, artifacts
):
    import time_machine

    from tests.browser.signin import sign_in as signed_in
    from tests.builders import make_user

    password = "correct horse battery staple"  # tests.builders.make_user's
    writer, desk = make_user(role="contributor"), make_user(role="editor")
    headline = "Trade fair stand opens in hall four"

    contributor = chromium.new_context().new_page()
    signed_in(contributor, http_site, writer.username, password, next="/admin/news/article/add/")
    contributor.fill("#id_headline", headline)
    contributor.fill("#id_standfirst", "Our new presses are on show all week.")
    contributor.locator(".ProseMirror[contenteditable=true]").click()
    contributor.keyboard.type("Visitors can watch a press run every hour.")
    contributor.click("input[name=_save]")
    contributor.wait_for_url("**/admin/news/article/")
    article = Article.objects.get(headline=headline)
    contributor.goto(f"{http_site}/admin/news/article/{article.pk}/transition/")
    assert contributor.locator("#transition-publish").count() == 0  # not a contributor's move
    contributor.click("#transition-submit input[type=submit]")
    contributor.wait_for_selector(".messagelist")
    article.refresh_from_db()
    assert article.status == "review"
    contributor.context.close()

    # The editor schedules it for a whole minute ahead (the field takes minutes).
    moment = (timezone.localtime() + dt.timedelta(minutes=2)).replace(second=0, microsecond=0)
    editor = chromium.new_context().new_page()
    signed_in(
        editor,
        http_site,
        desk.username,
        password,
        next=f"/admin/news/article/{article.pk}/transition/",
    )
    editor.fill("#transition-schedule input[name=when]", f"{moment:%Y-%m-%dT%H:%M}")
    editor.click("#transition-schedule input[type=submit]")
    editor.wait_for_selector(".messagelist")
    article.refresh_from_db()
    assert (article.status, article.pub_date) == ("scheduled", moment)
    editor.context.close()

    reader = chromium.new_context().new_page()
    url = f"{http_site}{article.get_absolute_url()}"
    assert reader.goto(url).status == 404
    assert headline not in reader.goto(f"{http_site}/news/").text()
    # The live server runs in this process: moving the clock past the moment moves its
    # clock too. Nothing else happens in between: no worker, no command.
    with time_machine.travel(moment + dt.timedelta(seconds=5), tick=True):
        assert reader.goto(url).status == 200
        assert reader.text_content("h1") == headline
        assert headline in reader.goto(f"{http_site}/news/").text()
    reader.context.close()
