"""WCAG 2.2 AA checks by axe-core on every kind of public page, at phone and desktop widths."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from newscenter.news.models import Article, Author, Section, Tag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}


def public_paths() -> list[str]:
    article = Article.objects.published().exclude(source_url="").first()
    with_image = Article.objects.published().exclude(lead_image=None).first()
    return [
        "/news/",
        article.get_absolute_url(),
        with_image.get_absolute_url(),
        Section.objects.first().get_absolute_url(),
        Tag.objects.first().get_absolute_url(),
        Author.objects.first().get_absolute_url(),
        "/news/search/",
        "/news/search/?q=valves",
        "/news/search/?q=zzyzx&section=company-news",
        "/news/search/?q=x&page=abc",
        "/news/no-such-page/",
        # The demo's German and Chinese editions (docs/languages.md).
        "/de/news/",
        *(a.get_absolute_url() for a in Article.objects.published().exclude(translated_from=None)),
    ]


@pytest.mark.parametrize(("width", "scheme"), [(390, "light"), (1280, "light"), (390, "dark")])
def test_public_pages_have_no_wcag_aa_violations(chromium, http_site, width, scheme):
    call_command("demo", verbosity=0)
    context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    axe = Axe()
    problems = {}
    for path in public_paths():
        page.goto(f"{http_site}{path}")
        violations = axe.run(page, options=WCAG_AA).response["violations"]
        if violations:
            problems[path] = [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    context.close()
    assert not problems


def test_a_right_to_left_page_has_no_wcag_aa_violations_and_reads_right_to_left(
    chromium, http_site
):
    from newscenter.news import services
    from newscenter.news.policy import SYSTEM
    from tests.builders import make_article

    call_command("demo", verbosity=0)
    services.site_settings_update(acting_user=SYSTEM, languages=["de", "zh-Hans", "ar"])
    arabic = make_article(
        headline="كيسلمارك تفتتح قاعة تجميع جديدة في إبرسفورت",
        standfirst="قاعة مساحتها 4200 متر مربع تجمع تجميع الصمامات واختبارها تحت سقف واحد.",
        body="<p>افتتحت كيسلمارك قاعة التجميع الجديدة على الطرف الشرقي من مصنع إبرسفورت.</p>",
        language="ar",
    )
    page = chromium.new_page()
    problems = {}
    for path in ("/ar/news/", arabic.get_absolute_url(), "/ar/news/no-such-page/"):
        page.goto(f"{http_site}{path}")
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        violations = Axe().run(page, options=WCAG_AA).response["violations"]
        if violations:
            problems[path] = [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    # The masthead's start edge is the right one: the site name sits right of the search box's
    # start, as a right-to-left reader expects.
    name = page.locator(".site-name").bounding_box()
    assert name is not None
    assert name["x"] + name["width"] > page.viewport_size["width"] / 2
    page.close()
    assert not problems


def test_the_checker_finds_a_planted_violation(chromium):
    page = chromium.new_page()
    page.set_content(
        '<html lang="en"><body><main><h1>x</h1><img src="data:,"></main></body></html>'
    )
    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    page.close()
    assert "image-alt" in {v["id"] for v in violations}
