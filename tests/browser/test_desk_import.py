"""The desk's import in a browser: drafts by default, the confirmation sends corrections only."""

import pytest

from newscenter.news.models import Article
from tests.browser.journey import Tally
from tests.browser.signin import sign_in
from tests.builders import make_user
from tests.news.test_admin_import import rss

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"  # tests.builders.make_user's


def test_a_large_paste_imports_as_drafts_with_one_correction(page, http_site):
    editor = make_user(role="editor")
    sign_in(page, http_site, editor.username, PASSWORD, next="/admin/news/article/import/")
    assert page.input_value("select[name=status]") == "draft"  # the default
    tally = Tally(page, "import 700 items as drafts, one corrected (editor)")
    page.fill("textarea[name=text]", rss(700))
    tally.click("input[type=submit][value=Preview]")
    summary = " ".join(page.text_content(".import-summary").split())
    assert "Importing will create 700 drafts (not public)" in summary
    page.fill("#headline-3", "Item three, corrected")
    requests = []
    page.on("request", lambda r: requests.append(r) if r.method == "POST" else None)
    tally.click("input[name=confirm]")
    page.wait_for_selector(".import-counts")
    tally.record()
    assert "700 created" in " ".join(page.text_content(".import-counts").split())
    posted = requests[0].post_data
    assert "headline-3=Item+three%2C+corrected" in posted
    assert "headline-4" not in posted  # unchanged fields stay home
    assert Article.objects.filter(status="draft").count() == 700
    assert Article.objects.filter(headline="Item three, corrected").exists()
