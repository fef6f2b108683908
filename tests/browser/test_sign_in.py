"""Signing in with chromium: the enrolment page works under our CSP and passes axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.signin import code_from_secret, sign_in
from tests.browser.test_accessibility import WCAG_AA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, site: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "a-long-test-password")
    page.click("button[type=submit]")


def test_first_sign_in_enrols_an_authenticator_then_asks_for_codes(
    page, http_site, django_user_model
):
    django_user_model.objects.create_superuser("admin", "", "a-long-test-password")
    sign_in(page, http_site, "admin", "a-long-test-password")
    assert page.text_content("h1").strip() == "Newsroom"
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
    page.context.clear_cookies()
    password_step(page, http_site)
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


def test_otpauth_link_recovery_code_and_trusted_device_in_chromium(
    page, http_site, django_user_model, settings
):
    settings.HTTPS = False  # as `make run` serves: plain HTTP on loopback
    django_user_model.objects.create_superuser("admin", "", "a-long-test-password")
    axe = Axe()
    password_step(page, http_site)
    page.wait_for_url("**/accounts/login/authenticator/")
    link = page.get_attribute("a.otpauth", "href")
    secret = "".join(page.text_content(".secret").split())
    assert link.startswith("otpauth://totp/")
    assert f"secret={secret}" in link
    page.fill("#id_code", code_from_secret(secret))
    page.click("button[type=submit]")
    # The codes' page is the next page load: wait for it (reading at once read the old page).
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    codes = [c.strip() for c in page.locator(".recovery-codes li").all_inner_texts()]
    assert len(codes) == 10
    assert not axe.run(page, options=WCAG_AA).response["violations"]
    page.click("text=I have kept them: continue")
    page.wait_for_url("**/admin/")

    # Phone not at hand: a recovery code, and this browser trusted from now on.
    page.context.clear_cookies()
    password_step(page, http_site)
    page.wait_for_url("**/accounts/login/code/")
    assert not axe.run(page, options=WCAG_AA).response["violations"]
    page.fill("#id_code", codes[0])
    page.check("#id_trust")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    assert "9 of them left" in page.text_content(".messagelist")
    trusted = [c for c in page.context.cookies() if c["name"] == "trusted-device"]
    assert trusted[0]["httpOnly"]
    assert trusted[0]["path"] == "/accounts/"

    # Signed out, then in again: the password alone, on the trusted browser.
    page.click("#logout-form button")
    password_step(page, http_site)
    page.wait_for_url("**/admin/")
    assert page.text_content("h1").strip() == "Newsroom"
    # The used recovery code does not work a second time (another browser, no trust).
    other = page.context.browser.new_context(base_url=http_site).new_page()
    password_step(other, http_site)
    other.wait_for_url("**/accounts/login/code/")
    other.fill("#id_code", codes[0])
    other.click("button[type=submit]")
    assert "used already" in other.text_content("main")
    other.context.close()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
