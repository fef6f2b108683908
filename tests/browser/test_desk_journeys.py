"""Journeys through the desk as each role makes them, counted (tests/browser/journey.py):
write with an inline image and a link, hand over for review and back with a note."""

import pytest

from newscenter.news.models import Article, Notification
from tests.browser.journey import Tally, wait_collapsed
from tests.browser.signin import sign_in
from tests.builders import make_image, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"  # tests.builders.make_user's


def new_article(tally: Tally, headline: str, words: str) -> None:
    """From the front page's "New article": a headline and the first words of the body."""
    tally.clicked(tally.page.get_by_role("link", name="New article"))
    tally.page.fill("#id_headline", headline)
    tally.click(".ProseMirror[contenteditable=true]")
    tally.page.keyboard.type(words)


def test_an_editor_writes_with_an_inline_image_and_a_link(page, http_site):
    press = make_image(alt="Hall four with the new press", caption="The press in hall four.")
    editor = make_user(role="editor")
    sign_in(page, http_site, editor.username, PASSWORD)
    tally = Tally(page, "write with an inline image and a link (editor)")
    new_article(tally, "The new press in hall four", "Read the press release")
    for _ in "press release":
        page.keyboard.press("Shift+ArrowLeft")
    tally.click(".prose-menubar [title='insert link']")
    dialog = page.locator("dialog[open]")
    dialog.locator("input[name=href]").fill("https://example.com/release.pdf")
    tally.clicked(dialog.get_by_role("button", name="Update"))
    wait_collapsed(page)
    page.keyboard.press("Enter")  # a new paragraph after the link, the linked words kept

    tally.click(".prose-menubar [title=figure]")
    dialog = page.locator("dialog[open]")
    with page.expect_popup() as opened:
        tally.clicked(dialog.get_by_text("Browse..."))
    window = opened.value  # the media library's window
    tally.loads += 1
    tally.chose(window.locator(f".picker-choose[data-alt='{press.alt}']"))
    tally.clicked(dialog.locator("button[type=submit]"))
    tally.click("input[name=_continue]")
    page.wait_for_url("**/change/")
    tally.record()

    body = Article.objects.get().body
    assert 'href="https://example.com/release.pdf"' in body
    assert ">press release</a></p>" in body
    assert f'<figure><img src="{press.file.url}" alt="{press.alt}">' in body
    assert [a.user for a in Article.objects.get().authors.all()] == [editor]


def test_a_contributor_submits_an_editor_returns_it_and_the_note_is_seen(chromium, http_site):
    writer_page = chromium.new_context(base_url=http_site).new_page()
    writer = make_user(role="contributor", first_name="Wendy", last_name="Writer")
    editor = make_user(role="editor")
    sign_in(writer_page, http_site, writer.username, PASSWORD)
    tally = Tally(writer_page, "write and submit for review (contributor)")
    new_article(tally, "Canteen opens at seven", "Breakfast from seven from Monday on.")
    tally.click("button.panel-primary")  # "Save and submit for review"
    assert "is now in review" in writer_page.text_content(".messagelist .success").lower()
    tally.record()
    article = Article.objects.get()
    assert article.status == "review"

    editor_page = chromium.new_context(base_url=http_site).new_page()
    sign_in(editor_page, http_site, editor.username, PASSWORD)
    assert "Wendy Writer submitted “Canteen opens at seven”" in editor_page.text_content(
        "#notifications"
    )
    tally = Tally(editor_page, "return with a note (editor)")
    tally.clicked(editor_page.locator("#in-review").get_by_role("link", name="Canteen opens"))
    tally.click("#panel-return summary")
    editor_page.fill("#id_panel_note", "Which days? Add the weekend times.")
    tally.click("#panel-return button")
    assert "draft" in editor_page.text_content(".panel-state").lower()
    tally.record()

    tally = Tally(writer_page, "see the note and fix it (contributor)")
    writer_page.goto("/admin/")
    returned = writer_page.text_content("#returned")
    assert "Which days? Add the weekend times." in returned
    assert "(1 new)" in writer_page.text_content("#user-tools")
    tally.clicked(writer_page.locator("#returned").get_by_role("link", name="Canteen opens"))
    banner = writer_page.text_content("#return-note")
    assert "Which days? Add the weekend times." in banner
    tally.click(".ProseMirror[contenteditable=true]")
    writer_page.keyboard.press("End")
    writer_page.keyboard.type(" Weekends from nine.")
    tally.click("button.panel-primary")
    assert "is now in review" in writer_page.text_content(".messagelist .success").lower()
    assert writer_page.locator("#return-note").count() == 0
    tally.record()
    assert Notification.objects.filter(user=editor, article=article).count() == 2
    for p in (writer_page, editor_page):
        p.context.close()
