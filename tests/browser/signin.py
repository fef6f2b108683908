"""Signing in as a person does: password, then the authenticator code (news staff need one).

At the first sign-in the page shows a new secret; like a person typing it into their app, the
helper reads it from the page and computes the code the app would show.
"""

from __future__ import annotations

from base64 import b32decode

from django_otp.oath import TOTP


def code_from_secret(secret: str) -> str:
    compact = "".join(secret.split())
    key = b32decode(compact + "=" * (-len(compact) % 8))
    return f"{TOTP(key).token():06d}"


def sign_in(page, base_url: str, username: str, password: str, next: str = "/admin/") -> list[str]:
    """Sign in through the real pages, enrolling an authenticator if asked to; ends on ``next``.
    Returns the recovery codes the end of the enrolment shows."""
    page.goto(f"{base_url}/admin/login/?next={next}")  # the admin sends us to our login page
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/**")
    assert "/accounts/login/authenticator/" in page.url, "expected the first sign-in"
    secret = page.text_content(".secret")
    page.fill("#id_code", code_from_secret(secret))
    page.click("button[type=submit]")
    codes = page.locator(".recovery-codes li").all_inner_texts()
    page.click("text=I have kept them: continue")
    page.wait_for_url(f"**{next}")
    # Every script has arrived before a test types: the body editor loads its extensions as
    # modules, and in a full run on a busy machine the link test's caret keys went astray.
    page.wait_for_load_state("networkidle")
    return [code.strip() for code in codes]


EDITABLE = ".ProseMirror[contenteditable=true]"


def new_article(page, base_url: str, *, headline: str, words: str, role: str = "editor"):
    """A person of ``role`` signed in on a new article, its headline and first words typed.
    Returns the person."""
    from tests.builders import make_user

    person = make_user(role=role)
    sign_in(page, base_url, person.username, PASSWORD, next="/admin/news/article/add/")
    page.fill("#id_headline", headline)
    page.locator(EDITABLE).click()
    page.keyboard.type(words)
    return person


PASSWORD = "correct horse battery staple"  # tests.builders.make_user's
