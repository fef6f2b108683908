"""The demo site as a visitor's browser shows it: menu, share row and press contact at phone
and desktop widths, a banner that leaves room for the news on a phone, the reader's dark
preference, a print version without the chrome, and no missing icon in the console."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from newscenter.news.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


@pytest.mark.parametrize("width", [375, 1280])
def test_menu_share_row_and_press_contact_at_phone_and_desktop_widths(page, width):
    call_command("demo", verbosity=0)
    page.set_viewport_size({"width": width, "height": 800})
    article = Article.objects.published().exclude(lead_image=None).first()
    page.goto(article.get_absolute_url())
    for selector in ("nav.section-menu", ".share", ".press-contact", ".all-news"):
        assert _visible(page, selector), selector
    menu = page.locator("nav.section-menu a").all_inner_texts()
    assert menu == ["All news", "Company news", "Product news", "Industry news"]
    banner = page.locator(".banner img").bounding_box()
    if width < 600:
        assert banner["height"] <= 9 * 16  # 9rem: the headline stays on the first screen
    # No request for an icon or the manifest failed, nothing else either.
    page.goto("/news/")
    page.wait_for_load_state("networkidle")
    assert page.console_errors == []


def test_copy_link_copies_the_address(page, http_site):
    call_command("demo", verbosity=0)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    article = Article.objects.published().first()
    page.goto(article.get_absolute_url())
    page.get_by_role("link", name="Copy link").click()
    # The status is written once the clipboard's promise settles: wait for it, as a reader would.
    expect(page.locator("#share-status")).to_have_text("Link copied.", timeout=10_000)
    assert page.url.endswith(article.get_absolute_url())  # the link was not followed
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(article.get_absolute_url())


def test_the_dark_preference_darkens_the_page(page):
    call_command("demo", verbosity=0)
    page.emulate_media(color_scheme="dark")
    page.goto("/news/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(part) for part in background[4:-1].split(","))
    assert max(red, green, blue) < 60, background


def test_the_printed_article_leaves_out_the_chrome_and_prints_addresses(page):
    call_command("demo", verbosity=0)
    article = Article.objects.published().exclude(source_url="").first()
    page.goto(article.get_absolute_url())
    page.emulate_media(media="print")
    for selector in (".banner", ".masthead-search", "nav.section-menu", ".share"):
        assert not _visible(page, selector), selector
    assert _visible(page, "article h1")
    after = page.evaluate(
        "getComputedStyle(document.querySelector('.source a'), '::after').content"
    )
    assert article.source_url in after
