"""An editor inserts a video and a pull quote; the reader's page asks nothing of YouTube until
play is pressed, and then frames the privacy-enhanced player."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from newscenter.news.models import Article, Attachment
from newscenter.news.policy import SYSTEM
from newscenter.news.services import attachments
from tests.browser.journey import choose_and_close
from tests.browser.signin import EDITABLE, new_article
from tests.browser.test_accessibility import WCAG_AA
from tests.builders import make_article, make_image
from tests.web.test_body_blocks import BODY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
POSTER = "Poster image from the media library"


def video_dialog(page, address: str, title: str):
    """The editor's video dialog, opened from the toolbar, its address and title filled."""
    page.click(".prose-menubar [title=video]")
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Video address (YouTube or Vimeo)").fill(address)
    dialog.get_by_label("Title (names the video for readers and screen readers)").fill(title)
    return dialog


def test_insert_a_video_a_pull_quote_and_a_pdf_then_play_the_video(page, http_site, tmp_path):
    new_article(page, http_site, headline="Line 4 starts", words="The new line started on Monday.")

    dialog = video_dialog(page, "https://videos.example/watch/1", "Line 4 runs")
    address = dialog.get_by_label("Video address (YouTube or Vimeo)")
    dialog.get_by_role("button", name="Insert").click()
    assert "YouTube or Vimeo" in address.evaluate("field => field.validationMessage")
    address.fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    dialog.get_by_role("button", name="Insert").click()
    page.locator(f"{EDITABLE} figure.video-embed").wait_for()

    page.click(".prose-menubar [title='pull quote']")
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Quotation").fill("We doubled the output.")
    dialog.get_by_label("Who said it (name, role)").fill("Ann Example, plant manager")
    dialog.get_by_role("button", name="Insert").click()
    page.locator(f"{EDITABLE} figure.pull-quote").wait_for()

    # A PDF: chosen in the dialog, uploaded at once, linked with the text given.
    pdf = tmp_path / "Annual report 2026.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 5000 + b"\n%%EOF\n")
    page.click(".prose-menubar [title='attach file']")
    dialog = page.locator("dialog[open]")
    with page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Choose a file…").click()
    chooser.value.set_files(str(pdf))
    text = dialog.get_by_label("Link text (what the file is)")
    expect(text).to_have_value("Annual report 2026")
    text.fill("The annual report")
    dialog.get_by_role("button", name="Insert").click()
    page.locator(f"{EDITABLE} a[href*='/media/files/']").wait_for()
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    article = Article.objects.get()
    assert (
        '<figure class="video-embed"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" '
        'rel="noopener noreferrer nofollow">Line 4 runs</a></figure>'
    ) in article.body
    assert (
        '<figure class="pull-quote"><blockquote><p>We doubled the output.</p></blockquote>'
        "<figcaption>Ann Example, plant manager</figcaption></figure>"
    ) in article.body

    # The reader's page (the preview: the same template). Requests to other sites are caught.
    outside = []
    page.route(
        "https://www.youtube-nocookie.com/**",
        lambda route: (
            outside.append(route.request.url),
            route.fulfill(body="<title>player</title>", content_type="text/html"),
        ),
    )
    page.on("request", lambda r: None if r.url.startswith(http_site) else outside.append(r.url))
    page.goto(f"{http_site}/news/preview/{article.pk}/")
    report = page.get_by_role("link", name="The annual report (PDF, 5 KB)")
    assert report.get_attribute("href") == Attachment.objects.get().file.url
    play = page.get_by_role("button", name="Play video: Line 4 runs")
    play.wait_for()
    assert page.locator("iframe").count() == 0
    assert outside == []
    play.click()
    frame = page.locator("figure.video-embed iframe")
    frame.wait_for()
    assert frame.get_attribute("title") == "Line 4 runs"
    assert frame.get_attribute("src") == (
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    )
    page.wait_for_timeout(300)
    assert outside
    assert all(url.startswith("https://www.youtube-nocookie.com/") for url in outside)
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


@pytest.mark.parametrize(("width", "scheme"), [(390, "light"), (1280, "dark")])
def test_every_block_on_the_page_passes_axe(chromium, http_site, width, scheme):
    report = attachments.attachment_create(upload=b"%PDF-1.4\n%%EOF\n", acting_user=SYSTEM)
    article = make_article(
        body=BODY + f'<p>Read <a href="{report.file.url}">the annual report</a>.</p>'
    )
    context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{http_site}{article.get_absolute_url()}")
    page.get_by_role("button", name="Play video: Line 4 & its “first” run").wait_for()
    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    context.close()
    assert [(v["id"], v["help"], len(v["nodes"])) for v in violations] == []


def test_a_video_poster_chosen_from_the_library(page, http_site):
    still = make_image(alt="Line 4 from the gallery", caption="Line 4.")
    new_article(page, http_site, headline="Line 4 on film", words="Watch the first run.")
    dialog = video_dialog(page, "https://vimeo.com/76979871", "Line 4 runs")
    with page.expect_popup() as opened:
        dialog.get_by_role("button", name="Browse...").click()
    choose_and_close(opened.value.locator(f".picker-choose[data-alt='{still.alt}']"))
    expect(dialog.get_by_label(POSTER, exact=False)).to_have_value(still.file.url)
    dialog.get_by_role("button", name="Insert").click()
    page.locator(f"{EDITABLE} figure.video-embed img").wait_for()  # the poster, small
    page.click("input[name=_continue]")
    page.wait_for_url("**/change/")
    stored = (
        '<figure class="video-embed"><a href="https://vimeo.com/76979871" rel="noopener '
        f'noreferrer nofollow"><img src="{still.file.url}" alt="">Line 4 runs</a></figure>'
    )
    article = Article.objects.get()
    assert stored in article.body

    # Opened again, the dialog shows the poster.
    page.locator(f"{EDITABLE} figure.video-embed").click()
    assert page.url.endswith("/change/")  # a click selects the video, never follows its link
    page.click(".prose-menubar [title=video]")
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_label(POSTER, exact=False)).to_have_value(still.file.url)
    dialog.get_by_role("button", name="Cancel").click()

    page.goto(f"{http_site}/news/preview/{article.pk}/")
    figure = page.locator("figure.video-embed")
    page.get_by_role("button", name="Play video: Line 4 runs").wait_for()
    shown = figure.locator(".video-poster picture img")
    expect(shown).to_have_attribute("alt", "")
    assert shown.evaluate("img => img.complete && img.naturalWidth > 0")
    assert re.search(r"-\d+w\.webp$", shown.evaluate("img => img.currentSrc"))  # a rendition
    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    assert [(v["id"], v["help"], len(v["nodes"])) for v in violations] == []
