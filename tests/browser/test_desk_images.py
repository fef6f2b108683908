"""An editor puts a library image into an article's body, by the media window and by paste."""

import pytest

from newscenter.news.models import Article, Image
from tests.browser.journey import choose_and_close
from tests.browser.signin import EDITABLE, new_article, sign_in
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
    choose_and_close(window.locator(f".picker-choose[data-alt='{press.alt}']"))
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


# An image file as the clipboard or a file manager hands it over: a PNG made in the page.
PUT_FILE = """async ([kind, selector]) => {
  const canvas = document.createElement("canvas");
  canvas.width = 640; canvas.height = 400;
  const paint = canvas.getContext("2d");
  paint.fillStyle = kind === "paste" ? "#1d4e89" : "#2e7d32";
  paint.fillRect(0, 0, 640, 400);
  const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
  const transfer = new DataTransfer();
  transfer.items.add(new File([blob], `${kind}.png`, { type: "image/png" }));
  const target = document.querySelector(selector);
  const box = target.getBoundingClientRect();
  const event = kind === "paste"
    ? new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true })
    : new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true,
        clientX: box.left + 5, clientY: box.top + 5 });
  target.dispatchEvent(event);
}"""


def test_an_image_file_pasted_or_dropped_is_uploaded_with_its_alt_text(page, http_site):
    editor = new_article(
        page, http_site, headline="Pictures from the open day", words="Visitors toured the plant."
    )
    body = page.locator(EDITABLE)

    # Pasted: the editor is asked for the alternative text first; without it nothing is sent.
    page.evaluate(PUT_FILE, ["paste", EDITABLE])
    dialog = page.locator("dialog[open]")
    assert "paste.png" in dialog.locator("h3").inner_text()
    dialog.get_by_role("button", name="Upload and insert").click()
    assert dialog.is_visible()  # the required field held the dialog open
    assert not Image.objects.exists()
    dialog.get_by_label("Alternative text (required)").fill("Visitors in the press hall")
    dialog.get_by_label("Caption").fill("The open day in hall four.")
    dialog.get_by_label("Credit (photographer, agency)").fill("Ann Example")
    dialog.get_by_role("button", name="Upload and insert").click()
    status = page.locator(".body-upload-status")
    status.filter(has_text="inserted").wait_for()
    body.locator("figure img").first.wait_for()

    # Dropped: the same questions, and a figure where it was dropped.
    page.evaluate(PUT_FILE, ["drop", EDITABLE])
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Alternative text (required)").fill("The canteen garden")
    dialog.get_by_role("button", name="Upload and insert").click()
    body.locator("figure").nth(1).wait_for()

    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    pasted = Image.objects.get(alt="Visitors in the press hall")
    dropped = Image.objects.get(alt="The canteen garden")
    assert (pasted.caption, pasted.credit, pasted.uploaded_by) == (
        "The open day in hall four.",
        "Ann Example",
        editor,
    )
    assert (pasted.width, pasted.height) == (640, 400)
    stored = Article.objects.get().body
    assert (
        f'<figure><img src="{pasted.file.url}" alt="Visitors in the press hall">'
        "<figcaption>The open day in hall four. Photo: Ann Example</figcaption></figure>"
    ) in stored
    assert f'<img src="{dropped.file.url}" alt="The canteen garden">' in stored
    assert "data:" not in stored
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
