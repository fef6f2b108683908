"""An editor puts a library image into an article's body, by the media window and by paste."""

import pytest

from newscenter.news.models import Article
from tests.browser.signin import sign_in
from tests.builders import make_image, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"  # tests.builders.make_user's


def test_insert_image_from_the_media_library_and_paste_one(page, http_site):
    press = make_image(
        alt="Hall four with the new press", caption="The press in hall four.", credit="Ann Example"
    )
    lathe = make_image(alt="Apprentices at the lathe", color="darkgreen")
    editor = make_user(role="editor")
    sign_in(page, http_site, editor.username, PASSWORD, next="/admin/news/article/add/")
    page.fill("#id_headline", "The new press in hall four")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type("The press arrived on Monday.")

    # The editor's "figure" button opens its dialog; "Browse..." opens the media window.
    page.click(".prose-menubar [title=figure]")
    dialog = page.locator("dialog[open]")
    with page.expect_popup() as opened:
        dialog.get_by_text("Browse...").click()
    window = opened.value
    window.fill("#picker-q", "press")
    window.click(".picker-search button")
    window.click(f".picker-choose[data-alt='{press.alt}']")
    assert dialog.locator("input[name=altText]").input_value() == press.alt
    assert (
        dialog.locator("input[name=caption]").input_value()
        == "The press in hall four. Photo: Ann Example"
    )
    dialog.locator("button[type=submit]").click()

    # The media library's snippet pasted into the HTML view keeps its picture.
    page.click(".prose-menubar [title='edit HTML']")
    html_dialog = page.locator("dialog[open]")
    textarea = html_dialog.locator("textarea")
    snippet = f'<img src="{lathe.file.url}" alt="{lathe.alt}">'
    textarea.fill(textarea.input_value() + snippet)
    html_dialog.locator("button[type=submit]").click()
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")

    body = Article.objects.get().body
    assert body.startswith("<p>The press arrived on Monday.</p>")
    assert (
        f'<figure><img src="{press.file.url}" alt="{press.alt}">'
        "<figcaption>The press in hall four. Photo: Ann Example</figcaption></figure>"
    ) in body
    assert snippet in body
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
