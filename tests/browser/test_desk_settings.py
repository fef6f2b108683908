"""Site settings in chromium: language and time zone are selects one searches by typing."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from newscenter.news.models import SiteSettings
from tests.browser.signin import sign_in
from tests.browser.test_accessibility import WCAG_AA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, field: str, typed: str) -> None:
    """Open the searchable select of ``field``, type, and take the first match."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", typed)
    page.keyboard.press("Enter")


def test_time_zone_and_language_are_found_by_typing(page, http_site, django_user_model):
    django_user_model.objects.create_superuser("admin", "", "a-long-test-password")
    SiteSettings.load()
    sign_in(page, http_site, "admin", "a-long-test-password")
    page.goto(f"{http_site}/admin/news/sitesettings/1/change/")
    choose(page, "time_zone", "Berlin")
    choose(page, "language", "German (de)")
    assert page.input_value("#id_time_zone") == "Europe/Berlin"
    # Before axe, whose own injected styles the policy refuses.
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    assert not [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/**")
    site = SiteSettings.load()
    assert (site.time_zone, site.language) == ("Europe/Berlin", "de")
