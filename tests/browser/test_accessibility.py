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


def test_the_checker_finds_a_planted_violation(chromium):
    page = chromium.new_page()
    page.set_content(
        '<html lang="en"><body><main><h1>x</h1><img src="data:,"></main></body></html>'
    )
    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    page.close()
    assert "image-alt" in {v["id"] for v in violations}
