"""The HTML view and a formatted paste name what would be dropped, before it is dropped."""

import pytest

from newscenter.news.models import Article
from tests.browser.signin import EDITABLE, new_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASTE_HTML = """([selector, markup]) => {
  const transfer = new DataTransfer();
  transfer.setData("text/html", markup);
  transfer.setData("text/plain", "pasted");
  document.querySelector(selector).dispatchEvent(
    new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
}"""


def test_the_html_view_names_what_it_would_remove_and_applies_when_asked_again(page, http_site):
    new_article(page, http_site, headline="Open day at the plant", words="First words.")

    # Clean markup applies at the first click, as before.
    page.click(".prose-menubar [title='edit HTML']")
    dialog = page.locator("dialog[open]")
    dialog.locator("textarea").fill("<p>First words.</p><h3>Programme</h3>")
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="detached")
    assert page.locator(f"{EDITABLE} h3").inner_text() == "Programme"

    page.click(".prose-menubar [title='edit HTML']")
    dialog = page.locator("dialog[open]")
    dialog.locator("textarea").fill(
        '<p>First words.</p><p onclick="steal()">Come along.</p><script>steal()</script>'
        '<iframe src="https://videos.example/embed/1"></iframe><dl><dt>When</dt><dd>Sat</dd></dl>'
    )
    dialog.locator("button[type=submit]").click()
    named = dialog.locator(".html-discards")
    named.wait_for()
    assert named.get_attribute("role") == "alert"
    assert named.inner_text() == (
        "These will be removed: onclick attributes, <script> with its content, "
        "<iframe> from videos.example, <dl> (its text is kept), <dt> (its text is kept), "
        "<dd> (its text is kept). Change the HTML, or apply it without them."
    )
    assert page.locator(f"{EDITABLE} h3").count() == 1  # nothing applied yet
    submit = dialog.locator("button[type=submit]")
    assert submit.inner_text() == "Remove them and apply"
    submit.click()
    dialog.wait_for(state="detached")
    assert "Come along." in page.locator(EDITABLE).inner_text()

    # A formatted paste: named just after, in a line under the body.
    page.locator(f"{EDITABLE} p").last.click()
    page.evaluate(PASTE_HTML, [EDITABLE, '<p style="color: red">Red <font>text</font></p>'])
    line = page.locator(".paste-discards")
    line.wait_for()
    assert line.inner_text() == ("The paste left out: style attributes, <font> (its text is kept).")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    body = Article.objects.get().body
    assert "Come along." in body
    assert "Red text" in body
    assert "onclick" not in body
    assert "<script" not in body
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
