"""Every desk screen this issue touched, checked by axe (WCAG 2.2 AA) at a desktop and a
tablet width, with screenshots kept under artifacts/screenshots/ for the closing note."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from newscenter.news import services
from newscenter.news.models import SiteSettings
from newscenter.news.policy import SYSTEM
from newscenter.news.services import accounts, attachments, desk, workflow
from tests.browser.signin import sign_in
from tests.builders import make_article, make_image, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"  # tests.builders.make_user's
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}
WIDTHS = (1280, 768)


def newsroom():
    """A desk with something in every list: review, scheduled, returned, imports, a lead image."""
    SiteSettings.load()
    SiteSettings.objects.update(time_zone="Europe/Berlin")
    writer, editor = make_user(role="contributor"), make_user(role="administrator")
    accounts.trusted_device_add(user=editor, label="Firefox on Windows", days=30)
    image = make_image(alt="The new press in hall four", caption="Hall four.", credit="Ann")
    lead = make_article(
        headline="A long headline about the new press in hall four and what it means for the "
        "apprentices, the night shift and the customers waiting for their valves",
        lead_image=image,
        lead_image_alt=image.alt,
    )
    for n in range(3):
        make_article(headline=f"Quarterly figures {n}: orders up, deliveries on time")
    review = workflow.article_submit(
        article=make_article(headline="Visitors' day programme", status="draft"),
        acting_user=SYSTEM,
    )
    later = make_article(headline="Annual report", status="draft")
    workflow.article_schedule(
        article=later, acting_user=SYSTEM, at=timezone.now() + dt.timedelta(days=3)
    )
    back = services.article_create(acting_user=writer, headline="Bus stop at gate two")
    workflow.article_submit(article=back, acting_user=writer)
    workflow.article_return(article=back, acting_user=editor, note="Add the bus times.")
    desk.import_run_record(
        acting_user=editor, source_name="press-2030.xml", format_name="wxr",
        created=["a"], updated=[], skipped=[], failed=[], articles=[], fetch_images=False,
    )  # fmt: skip
    return writer, editor, lead, review, back


def test_desk_screens_pass_axe_at_desktop_and_tablet_width(chromium, http_site, artifacts):
    writer, editor, lead, review, back = newsroom()
    report = attachments.attachment_create(
        upload=b"%PDF-1.4\n%%EOF\n", title="Annual report 2030", acting_user=SYSTEM
    )
    screens = {
        editor: {
            "dashboard": "/admin/",
            "article-list": "/admin/news/article/",
            "writing-new": "/admin/news/article/add/",
            "writing-lead-image": f"/admin/news/article/{lead.pk}/change/",
            "review-links": f"/admin/news/article/{review.pk}/review-links/",
            "import": "/admin/news/article/import/",
            "attachments": "/admin/news/attachment/",
            "attachment-replace": f"/admin/news/attachment/{report.pk}/replace/",
            "trusted-devices": "/accounts/trusted-devices/",
        },
        writer: {
            "dashboard-contributor": "/admin/",
            "returned-article": f"/admin/news/article/{back.pk}/change/",
            "read-only-article": f"/admin/news/article/{lead.pk}/change/",
        },
    }
    axe = Axe()
    problems = {}
    for user, paths in screens.items():
        context = chromium.new_context(base_url=http_site)
        page = context.new_page()
        sign_in(page, http_site, user.username, PASSWORD)
        for name, path in paths.items():
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(path)
                if name == "review-links" and width == WIDTHS[0]:
                    page.click("input[value='Make a review link']")  # shows the new address
                violations = axe.run(page, options=WCAG_AA).response["violations"]
                if violations:
                    problems[(name, width)] = [
                        (v["id"], [n["target"] for n in v["nodes"]][:4]) for v in violations
                    ]
                page.screenshot(path=str(artifacts / f"desk-{name}-{width}.png"), full_page=True)
        context.close()
    assert not problems


def test_the_writing_screens_parts_never_overlap(chromium, http_site):
    _writer, editor, lead, _review, _back = newsroom()
    page = chromium.new_context(base_url=http_site).new_page()
    sign_in(
        page, http_site, editor.username, PASSWORD, next=f"/admin/news/article/{lead.pk}/change/"
    )
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        tools = page.locator(".object-tools").bounding_box()
        headline = page.locator("#id_headline").bounding_box()
        assert tools["y"] + tools["height"] <= headline["y"], f"overlap at {width} px"
        thumb = page.locator("#lead-preview img")
        assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")
        page.goto("/admin/news/article/")
        row = page.locator("#result_list th.field-headline a", has_text="A long headline")
        line = float(row.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)"))
        assert row.bounding_box()["height"] <= 2 * line + 1, f"headline wraps at {width} px"
        page.goto(f"/admin/news/article/{lead.pk}/change/")
    page.context.close()
