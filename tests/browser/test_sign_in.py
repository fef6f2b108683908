"""Signing in with chromium: the enrolment page works under our CSP and passes axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.signin import sign_in
from tests.browser.test_accessibility import WCAG_AA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_sign_in_enrols_an_authenticator_then_asks_for_codes(
    page, http_site, django_user_model
):
    django_user_model.objects.create_superuser("admin", "", "a-long-test-password")
    sign_in(page, http_site, "admin", "a-long-test-password")
    assert page.text_content("h1").strip() == "Newsroom"
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
    page.context.clear_cookies()
    page.goto(f"{http_site}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "a-long-test-password")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/code/")
    page.fill("#id_code", "000000")
    page.click("button[type=submit]")
    assert "That code is not right" in page.text_content("main")


def test_sign_in_pages_have_no_wcag_aa_violations(page, http_site, django_user_model):
    django_user_model.objects.create_superuser("admin", "", "a-long-test-password")
    axe = Axe()
    problems = {}

    def check(name):
        violations = axe.run(page, options=WCAG_AA).response["violations"]
        if violations:
            problems[name] = [(v["id"], v["help"], len(v["nodes"])) for v in violations]

    for path in ("/accounts/login/", "/accounts/password-reset/", "/accounts/password-reset/sent/"):
        page.goto(f"{http_site}{path}")
        check(path)
    page.goto(f"{http_site}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "wrong password")
    page.click("button[type=submit]")
    check("login with an error")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "a-long-test-password")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/authenticator/")
    check("enrolment")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
    assert not problems
