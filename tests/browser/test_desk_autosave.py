"""Never lose work: autosave kept, offered back and restored after a closed tab, the leave
warning, presence."""

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError

from newscenter.news.models import Autosave
from tests.browser.journey import Tally
from tests.browser.signin import sign_in
from tests.builders import make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"  # tests.builders.make_user's


def test_autosave_restores_after_a_closed_tab_and_warns_before_leaving(chromium, http_site):
    article = make_article(headline="Night shift changes", status="draft")
    editor, colleague = make_user(role="editor"), make_user(role="editor")
    change = f"/admin/news/article/{article.pk}/change/"

    other = chromium.new_context().new_page()
    sign_in(other, http_site, colleague.username, PASSWORD, next=change)

    context = chromium.new_context()
    page = context.new_page()
    sign_in(page, http_site, editor.username, PASSWORD, next=change)
    assert f"Also open by {colleague.username}" in page.text_content("#others-here")
    page.fill("#id_headline", "Night shift changes from Monday")
    page.fill("#id_standfirst", "The late shift moves by an hour.")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.press("End")
    page.keyboard.type(" The late shift now starts at ten.")
    page.locator("#autosave-status", has_text="Draft kept").wait_for(timeout=20_000)
    kept = Autosave.objects.get(user=editor)
    assert "The late shift now starts at ten." in kept.data["body"]

    # Leaving with unsaved changes asks first.
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    with contextlib.suppress(PlaywrightError):  # the dismissed dialog stops the navigation
        page.goto(f"{http_site}/admin/", wait_until="commit")
    assert dialogs == ["beforeunload"]
    page.close(run_before_unload=False)  # the tab is gone, unsaved

    again = context.new_page()  # the same browser, signed in
    tally = Tally(again, "restore the autosave after a closed tab (editor)")
    again.goto(f"{http_site}{change}")
    assert "unsaved changes from" in again.text_content("#autosave-offer")
    # The form shows the saved article until the editor asks for the autosave back.
    assert again.input_value("#id_headline") == "Night shift changes"
    tally.clicked(again.get_by_role("button", name="Restore them"))
    assert again.locator("#autosave-offer").count() == 0
    assert again.input_value("#id_headline") == "Night shift changes from Monday"
    assert again.input_value("#id_standfirst") == "The late shift moves by an hour."
    body = again.locator(".ProseMirror[contenteditable=true]")
    assert "The late shift now starts at ten." in body.text_content()

    # Saved, the restored words are the article's, and the autosave is spent.
    tally.clicked(again.locator("input[name=_continue]").first)
    again.wait_for_url(f"**{change}")
    tally.record()
    article.refresh_from_db()
    assert article.headline == "Night shift changes from Monday"
    assert article.standfirst == "The late shift moves by an hour."
    assert "The late shift now starts at ten." in article.body
    assert not Autosave.objects.filter(user=editor).exists()
    assert again.locator("#autosave-offer").count() == 0
    for p in (again, other):
        p.context.close()
