"""The Analytics page in a real browser: a reader's view shows up, no cookie was set on the
reader, the chart and tables pass axe's WCAG 2.2 AA checks."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from newscenter.analytics import buffer
from tests.analytics.conftest import BROWSER
from tests.browser.signin import sign_in
from tests.builders import make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}


def test_an_editor_sees_what_a_reader_read_without_a_cookie(chromium, http_site):
    article = make_article(headline="Ebersfurt plant opens")
    # Headless Chromium says so in its user agent, which crawlerdetect rightly calls a bot.
    reader = chromium.new_context(user_agent=BROWSER)
    page = reader.new_page()
    page.goto(f"{http_site}{article.get_absolute_url()}")
    assert reader.cookies() == []
    reader.close()
    buffer.flush()

    make_user(role="editor", username="edith")
    desk = chromium.new_context()
    page = desk.new_page()
    sign_in(page, http_site, "edith", "correct horse battery staple",
            next="/admin/analytics/report/")  # fmt: skip
    assert page.locator("svg[role=img]").count() == 1
    assert page.get_by_role("link", name="Ebersfurt plant opens").count() == 1
    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    desk.close()
    assert [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in violations] == []
