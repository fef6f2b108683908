"""The user form in plain words: no password hash, no jargon, the role as a choice, and a
"set a new password" page for administrators."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from newscenter.news.models import AuditEntry
from newscenter.news.services import accounts
from tests.builders import make_user
from tests.web.test_login import PASSWORD, login

pytestmark = pytest.mark.django_db
JARGON = ("argon2", "salt", "hash", "algorithm", "Password-based authentication", "Staff status",
          "Superuser status", "Designates", "Important dates", "Raw passwords")  # fmt: skip


def text(response) -> str:
    return (
        BeautifulSoup(response.content, "html.parser")
        .select_one("#content-main")
        .get_text(" ", strip=True)
    )


def test_the_change_page_shows_no_hash_and_no_jargon(role_client):
    admin, jana = role_client("administrator"), make_user(role="editor", username="jana")
    page = admin.get(f"/admin/auth/user/{jana.pk}/change/")
    words = text(page)
    assert not [term for term in JARGON if term.lower() in words.lower()]
    assert "Password: Set. Nobody can read it, administrators included." in words
    assert "May sign in" in words
    assert "Authenticator: Not set up yet: they set one up at their next sign-in." in words
    assert "Last signed in: Never" in words
    soup = BeautifulSoup(page.content, "html.parser")
    role = soup.select_one("select[name=role]")
    assert [o["value"] for o in role.select("option")] == [
        "none", "contributor", "editor", "administrator"
    ]  # fmt: skip
    link = soup.find("a", string="Set a new password")
    assert link["href"] == f"/admin/auth/user/{jana.pk}/password/"


def test_the_add_page_asks_for_a_password_twice_in_plain_words(role_client):
    admin = role_client("administrator")
    words = text(admin.get("/admin/auth/user/add/"))
    assert not [term for term in JARGON if term.lower() in words.lower()]
    assert "Password again" in words
    mismatch = admin.post(
        "/admin/auth/user/add/",
        {"username": "omar", "role": "editor", "password1": "a long new password",
         "password2": "a long new pasword"},
    )  # fmt: skip
    assert "The two passwords differ: type the same one twice." in text(mismatch)
    assert not get_user_model().objects.filter(username="omar").exists()


def test_an_administrator_sets_a_new_password(role_client):
    admin, jana = role_client("administrator"), make_user(username="jana")
    url = f"/admin/auth/user/{jana.pk}/password/"
    assert "Choose a new password for jana" in text(admin.get(url))

    differ = admin.post(url, {"password1": "a long new password", "password2": "another one"})
    assert differ.status_code == 200
    assert "The two passwords differ" in text(differ)
    weak = admin.post(url, {"password1": "12345678", "password2": "12345678"})
    assert "This password is entirely numeric." in text(weak)
    jana.refresh_from_db()
    assert jana.check_password(PASSWORD)

    done = admin.post(url, {"password1": "a long new password", "password2": "a long new password"})
    assert done.status_code == 302
    assert done["Location"] == f"/admin/auth/user/{jana.pk}/change/"
    jana.refresh_from_db()
    assert jana.check_password("a long new password")
    assert AuditEntry.objects.filter(action="user.set_password").count() == 1
    assert login(admin.__class__(), "jana", "a long new password").status_code == 302


def test_editors_cannot_set_passwords(role_client):
    editor, jana = role_client("editor"), make_user(username="jana")
    url = f"/admin/auth/user/{jana.pk}/password/"
    assert (
        editor.post(url, {"password1": "a long new one", "password2": "a long new one"}).status_code
        == 403
    )
    jana.refresh_from_db()
    assert jana.check_password(PASSWORD)


def test_administrators_see_whether_the_authenticator_is_set_up_and_codes_left(role_client):
    admin, jana = role_client("administrator"), make_user(role="editor", username="jana")
    TOTPDevice.objects.create(user=jana, name="phone", confirmed=True)
    accounts.recovery_codes_make(user=jana, acting_user=jana)
    words = text(admin.get(f"/admin/auth/user/{jana.pk}/change/"))
    assert "Authenticator: Set up, with 10 unused recovery codes." in words
