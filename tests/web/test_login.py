"""Signing in through HTTP: throttling, the second factor for staff, identical answers for
known and unknown users, password reset links on the configured site, safe ``next=``."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher, make_password
from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from newscenter.accounts.views import client_ip
from tests.builders import make_user
from tests.conftest import https_client

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # what tests.builders.make_user gives everyone
LOGIN = "/accounts/login/"
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def login(client, username: str, password: str = PASSWORD, next: str | None = None, **extra):
    data = {"username": username, "password": password}
    if next is not None:
        data["next"] = next
    return client.post(LOGIN, data, **extra)


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    """What the person's authenticator app shows now (``offset`` steps away)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token() + offset:0{device.digits}d}"[-device.digits :]


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def admin_opens(client) -> bool:
    return client.get("/admin/").status_code == 200


def page_text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


# --- Passwords --------------------------------------------------------------------


def test_new_passwords_are_stored_with_argon2():
    user = make_user()
    assert user.password.startswith("argon2")
    assert user.check_password(PASSWORD)


def test_an_older_pbkdf2_hash_still_works_and_is_upgraded_at_login(client):
    user = make_user(username="jana")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    assert login(client, "jana").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2")


def test_known_and_unknown_usernames_get_the_same_page(client):
    make_user(username="jana")

    def answer(username):
        response = login(https_client(), username, "wrong password")
        # The CSRF token differs with every page, and the username is echoed as typed.
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
        return response.status_code, body.replace(f'value="{username}"', 'value="?"')

    known, unknown = answer("jana"), answer("nobody-here")
    assert known == unknown
    assert known[0] == 200
    assert "Please enter a correct username and password" in known[1]


class CountingHasher(MD5PasswordHasher):
    """Counts hashes computed, to see that unknown usernames cost one too."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


def test_the_password_hasher_runs_for_unknown_users_too(client, settings):
    settings.PASSWORD_HASHERS = ["tests.web.test_login.CountingHasher"]
    before = CountingHasher.calls
    assert login(client, "nobody-here", "any password").status_code == 200
    assert CountingHasher.calls == before + 1


# --- Throttling ---------------------------------------------------------------------


def test_five_wrong_passwords_lock_that_user_from_any_address(client):
    make_user(username="jana")
    for _ in range(5):
        login(client, "jana", "guess", REMOTE_ADDR="198.51.100.7")
    elsewhere = login(https_client(), "jana", REMOTE_ADDR="203.0.113.20")
    assert elsewhere.status_code == 429
    assert "Too many attempts" in page_text(elsewhere)
    assert elsewhere["Retry-After"] == str(15 * 60)
    # Another user elsewhere is not affected by jana's lock.
    make_user(username="omar")
    assert login(https_client(), "omar", REMOTE_ADDR="203.0.113.20").status_code == 302


def test_one_persons_typos_do_not_lock_out_the_office_behind_their_address(client):
    office = "198.51.100.9"  # one NAT address for everyone in the building
    colleagues = [make_user(username=f"colleague-{n}") for n in range(6)]
    make_user(username="jana")
    for _ in range(5):
        login(client, "jana", "guess", REMOTE_ADDR=office)
    # jana is paused; everyone else in the office, with their own typos too, is not.
    assert login(https_client(), "jana", REMOTE_ADDR=office).status_code == 429
    for user in colleagues:
        for _ in range(4):
            login(https_client(), user.username, "typo", REMOTE_ADDR=office)
        assert login(https_client(), user.username, REMOTE_ADDR=office).status_code == 302


def test_many_failures_from_one_address_lock_that_address(client, settings):
    assert settings.NEWSCENTER_LOGIN_ADDRESS_FAILURE_LIMIT == 50  # the documented default
    make_user(username="jana")
    for n in range(49):
        login(client, f"user-{n}", "guess", REMOTE_ADDR="198.51.100.9")
    assert login(https_client(), "jana", REMOTE_ADDR="198.51.100.9").status_code == 302
    login(client, "user-50", "guess", REMOTE_ADDR="198.51.100.9")
    locked = login(https_client(), "jana", REMOTE_ADDR="198.51.100.9")
    assert locked.status_code == 429
    assert "5 wrong passwords or codes for this account, or 50 from this address" in (
        page_text(locked)
    )
    assert login(https_client(), "jana", REMOTE_ADDR="198.51.100.10").status_code == 302


def test_after_the_cool_off_the_real_user_gets_in():
    make_user(username="jana")
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(5):
            login(https_client(), "jana", "guess")
        clock.shift(dt.timedelta(minutes=10))
        # Trying on while locked out does not prolong the lockout.
        assert login(https_client(), "jana").status_code == 429
        assert login(https_client(), "jana", "guess").status_code == 429
        clock.shift(dt.timedelta(minutes=6))
        assert login(https_client(), "jana").status_code == 302


def test_the_address_comes_from_the_proxy_header_only_behind_a_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5"
    )
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.2"
    settings.BEHIND_PROXY = True
    # The last address is the one our proxy added; earlier ones the client may have forged.
    assert client_ip(request) == "203.0.113.5"
    settings.NEWSCENTER_CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(request) == "10.0.0.2"  # header absent: the connection's address
    request.META["HTTP_X_REAL_IP"] = "not an address"
    assert client_ip(request) == "10.0.0.2"


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_lock(client, settings):
    settings.NEWSCENTER_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    make_user(username="jana")
    for n in range(8):
        login(client, f"user-{n}", "guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert login(https_client(), "jana", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


# --- Second factor for staff -------------------------------------------------------


def test_a_user_without_a_role_is_not_asked_for_a_code(client):
    make_user(username="reader")
    response = login(client, "reader")
    assert response.status_code == 302
    assert response["Location"] == "/news/"
    assert client.session["_auth_user_id"]


def test_the_password_alone_does_not_open_the_admin_for_staff(client):
    enrolled(make_user(role="editor", username="jana"))
    response = login(client, "jana")
    assert response["Location"] == "/accounts/login/code/"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/admin/news/article/").status_code == 302


def test_a_wrong_code_is_refused(client):
    device = enrolled(make_user(role="editor", username="jana"))
    login(client, "jana")
    response = client.post("/accounts/login/code/", {"code": code_for(device, offset=500)})
    assert response.status_code == 200
    assert "That code is not right" in page_text(response)
    assert not admin_opens(client)
    for junk in ("", "abcdef", "12", "\uff11\uff12\uff13\uff14\uff15\uff16", "1" * 30):
        assert client.post("/accounts/login/code/", {"code": junk}).status_code == 200


def test_the_right_code_opens_the_admin(client):
    device = enrolled(make_user(role="editor", username="jana"))
    login(client, "jana", next="/admin/news/article/")
    response = client.post("/accounts/login/code/", {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/news/article/"
    assert admin_opens(client)


def test_a_code_is_accepted_once(client):
    user = make_user(role="editor", username="jana")
    device = enrolled(user)
    with time_machine.travel(NOW, tick=False):
        login(client, "jana")
        code = code_for(device)
        client.post("/accounts/login/code/", {"code": code})
        other = https_client()
        login(other, "jana")
        assert other.post("/accounts/login/code/", {"code": code}).status_code == 200
        assert not admin_opens(other)


def test_wrong_codes_lock_out_like_wrong_passwords(client):
    device = enrolled(make_user(role="editor", username="jana"))
    login(client, "jana")
    for _ in range(4):
        client.post("/accounts/login/code/", {"code": code_for(device, offset=7)})
    locked = client.post("/accounts/login/code/", {"code": code_for(device, offset=7)})
    assert locked.status_code == 429
    right = client.post("/accounts/login/code/", {"code": code_for(device)})
    assert right.status_code == 429
    assert not admin_opens(client)


def test_the_code_step_expires():
    client = https_client()
    enrolled(make_user(role="editor", username="jana"))
    with time_machine.travel(NOW, tick=False) as clock:
        login(client, "jana")
        clock.shift(dt.timedelta(minutes=6))
        response = client.get("/accounts/login/code/")
    assert response.status_code == 200
    assert "Sign in again" in page_text(response)


def test_the_code_steps_without_a_password_first_say_sign_in_again(client):
    for url in ("/accounts/login/code/", "/accounts/login/authenticator/"):
        response = client.post(url, {"code": "123456"})
        assert response.status_code == 200
        assert "Sign in again" in page_text(response)


def test_staff_without_an_authenticator_enrol_one_at_login(client):
    user = make_user(role="editor", username="jana")
    response = login(client, "jana")
    assert response["Location"] == "/accounts/login/authenticator/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    # The QR code is an image from a data: URI (allowed by our CSP), with no script at all.
    assert soup.select_one("img.qr")["src"].startswith("data:image/svg+xml")
    assert not soup.find_all("script")
    assert "img-src 'self' data:" in page["Content-Security-Policy"]
    assert "no-store" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    from newscenter.news.services.accounts import second_factor_secret

    assert soup.select_one(".secret").get_text().replace(" ", "") == second_factor_secret(device)
    # A reload shows the same secret.
    assert client.get("/accounts/login/authenticator/").content.count(b"data:image") == 1
    assert TOTPDevice.objects.filter(user=user).count() == 1
    wrong = client.post("/accounts/login/authenticator/", {"code": code_for(device, offset=9)})
    assert wrong.status_code == 200
    assert not admin_opens(client)
    # The same secret as a link that opens the authenticator app on a phone.
    otpauth = soup.select_one("a.otpauth")["href"]
    assert otpauth == device.config_url
    assert otpauth.startswith("otpauth://totp/")
    assert f"secret={second_factor_secret(device)}" in otpauth
    done = client.post("/accounts/login/authenticator/", {"code": code_for(device)})
    # Signed in; the ten recovery codes are shown this once, then on to the desk.
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    shown = BeautifulSoup(done.content, "html.parser")
    codes = [li.get_text(strip=True) for li in shown.select(".recovery-codes li")]
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", code) for code in codes)
    assert shown.find("a", string=re.compile("continue"))["href"] == "/admin/"
    assert admin_opens(client)
    device.refresh_from_db()
    assert device.confirmed


def test_the_admin_created_by_setup_enrols_at_first_login(client):
    output = io.StringIO()
    call_command("setup", "--no-demo", stdout=output)
    password = re.search(r"password: (\S+)", output.getvalue()).group(1)
    assert login(client, "admin", password)["Location"] == "/accounts/login/authenticator/"


def test_django_admin_login_page_leads_to_ours(client):
    response = client.get("/admin/login/?next=/admin/news/article/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/news/article/"
    # Posting a password to the admin's own login does not log anyone in.
    enrolled(make_user(role="editor", username="jana"))
    client.post("/admin/login/", {"username": "jana", "password": PASSWORD})
    assert not admin_opens(client)


def test_a_session_without_the_second_factor_does_not_open_the_admin(client):
    # A user made staff while already logged in (their session never passed a code).
    client.force_login(make_user(role="administrator"))
    assert client.get("/admin/").status_code == 302


# --- next= ----------------------------------------------------------------------------

EVIL = [
    "//evil.example",
    "https:evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "http://testserver@evil.example/",
    "\\\\evil.example",
    " //evil.example",
    "/\t/evil.example",  # browsers drop the tab: //evil.example
]


@pytest.mark.parametrize("target", EVIL)
def test_next_never_leaves_our_host(target):
    make_user(username="reader")
    response = login(https_client(), "reader", next=target)
    assert response["Location"] == "/news/"
    user = make_user(role="editor")
    device = enrolled(user)
    client = https_client()
    login(client, user.username, next=target)
    response = client.post("/accounts/login/code/", {"code": code_for(device)})
    assert response["Location"] == "/admin/"


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    target=st.one_of(
        st.text(max_size=40),
        st.builds(
            "".join,
            st.lists(st.sampled_from(["/", "\\", "\t", ":", "@", "evil.example", "https", "."])),
        ),
    )
)
def test_next_is_a_path_on_our_host_whatever_it_says(reader, target):
    response = login(https_client(), reader.username, next=target)
    # Read it as a browser does: backslashes are slashes, tabs and newlines are dropped.
    location = response["Location"].replace("\\", "/")
    for ignored in "\t\r\n":
        location = location.replace(ignored, "")
    resolved = urlsplit(urljoin("https://testserver/accounts/login/", location.strip()))
    assert (resolved.scheme, resolved.netloc) == ("https", "testserver")


@pytest.fixture
def reader(db):
    return make_user(username="reader")


def test_next_to_our_own_page_is_followed(client):
    make_user(username="reader")
    assert login(client, "reader", next="/news/search/?q=pumps")["Location"] == (
        "/news/search/?q=pumps"
    )


# --- Password reset -----------------------------------------------------------------


def reset(client, email: str, **extra):
    return client.post("/accounts/password-reset/", {"email": email}, **extra)


def test_reset_answers_the_same_for_known_and_unknown_addresses(client):
    make_user(username="jana", email="jana@example.com")
    known = reset(https_client(), "jana@example.com")
    unknown = reset(https_client(), "nobody@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    first, second = (https_client().get(r["Location"]) for r in (known, unknown))
    assert first.content == second.content
    assert "If an account exists" in page_text(first)


def test_the_reset_link_points_at_the_configured_site_whatever_the_host_header(settings):
    settings.NEWSCENTER_BASE_URL = "https://news.example.com"
    settings.ALLOWED_HOSTS = ["*"]  # even a site that accepts any Host
    make_user(username="jana", email="jana@example.com")
    reset(
        https_client(),
        "jana@example.com",
        HTTP_HOST="evil.example",
        HTTP_X_FORWARDED_HOST="evil.example",
    )
    [message] = mail.outbox
    assert "evil.example" not in message.body
    assert re.search(r"^https://news\.example\.com/accounts/reset/\S+/$", message.body, re.M)


def test_the_reset_link_sets_a_new_password_but_staff_still_need_their_code(settings):
    settings.NEWSCENTER_BASE_URL = "https://news.example.com"
    user = make_user(role="editor", username="jana", email="jana@example.com")
    enrolled(user)
    client = https_client()
    reset(client, "jana@example.com")
    link = re.search(r"https://news\.example\.com(/accounts/reset/\S+/)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)
    assert "Set a new password" in page_text(form)
    new = "a whole new pass phrase"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done["Location"] == "/accounts/reset/done/"
    assert not admin_opens(client)  # not logged in by the reset
    assert login(https_client(), "jana", new)["Location"] == "/accounts/login/code/"
    assert client.get(link.group(1), follow=True).status_code == 200  # used: "does not work"


def test_a_broken_reset_link_gets_a_clear_page(client):
    for path in ("/accounts/reset/zz/nonsense/", "/accounts/reset/MQ/abc-def/"):
        response = client.get(path, follow=True)
        assert response.status_code == 200
        assert "This link does not work" in page_text(response)


def test_users_table_is_not_touched_by_a_reset_request_for_an_unknown_address(client):
    before = list(get_user_model().objects.values_list("password", flat=True))
    reset(client, "nobody@example.com")
    assert list(get_user_model().objects.values_list("password", flat=True)) == before
    assert mail.outbox == []
