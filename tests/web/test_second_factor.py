"""The second factor for real offices, through HTTP: recovery codes (each works once, new ones
end the old), and "trust this device" (skips the code, then expires or is revoked)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from newscenter.news.models import AuditEntry
from newscenter.news.policy import PolicyDenied
from newscenter.news.services import accounts
from tests.builders import make_user
from tests.conftest import https_client
from tests.web.test_login import NOW, admin_opens, code_for, enrolled, login, page_text

pytestmark = pytest.mark.django_db
VERIFY = "/accounts/login/code/"
CODES = "/accounts/recovery-codes/"
COOKIE = "__Secure-trusted-device"  # the tests run as production does, on HTTPS


@pytest.fixture
def jana():
    user = make_user(role="editor", username="jana")
    enrolled(user)
    return user


def signed_in_with(code: str, **extra):
    client = https_client()
    assert login(client, "jana")["Location"] == VERIFY
    return client, client.post(VERIFY, {"code": code, **extra})


# --- Recovery codes -------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(jana):
    first, second, *_ = accounts.recovery_codes_make(user=jana, acting_user=jana)
    client, response = signed_in_with(first.upper().replace("-", " "))  # as someone types it
    assert response["Location"] == "/admin/"
    desk = client.get("/admin/")
    assert desk.status_code == 200
    assert "You signed in with a recovery code; 9 of them left." in page_text(desk)
    assert AuditEntry.objects.filter(action="user.recovery_code_used").count() == 1

    again, refused = signed_in_with(first)
    assert refused.status_code == 200
    assert "not one of your recovery codes, or it has been used already" in page_text(refused)
    assert not admin_opens(again)
    _, other = signed_in_with(second)
    assert other["Location"] == "/admin/"
    assert accounts.recovery_codes_left(jana) == 8


def test_someone_elses_recovery_code_does_not_work(jana):
    omar = make_user(role="editor", username="omar")
    enrolled(omar)
    theirs = accounts.recovery_codes_make(user=omar, acting_user=omar)[0]
    client, refused = signed_in_with(theirs)
    assert refused.status_code == 200
    assert not admin_opens(client)
    assert accounts.recovery_codes_left(omar) == 10


def test_wrong_recovery_codes_count_towards_the_lockout(jana):
    accounts.recovery_codes_make(user=jana, acting_user=jana)
    client = https_client()
    login(client, "jana")
    for n in range(4):
        client.post(VERIFY, {"code": f"aaaa-aaa{n + 2}"})
    assert client.post(VERIFY, {"code": "aaaa-aaa7"}).status_code == 429


def test_new_recovery_codes_replace_the_old_ones(jana):
    old = accounts.recovery_codes_make(user=jana, acting_user=jana)
    client, _ = signed_in_with(code_for(jana.totpdevice_set.get()))
    page = client.get(CODES)
    assert "You have 10 unused recovery codes" in page_text(page)
    made = client.post(CODES)
    new = [li.get_text(strip=True) for li in BeautifulSoup(made.content, "html.parser").select(
        ".recovery-codes li"
    )]  # fmt: skip
    assert len(new) == 10
    assert not set(new) & set(old)
    assert "no-store" in made["Cache-Control"]
    _, refused = signed_in_with(old[0])
    assert refused.status_code == 200
    _, accepted = signed_in_with(new[0])
    assert accepted["Location"] == "/admin/"


def test_the_recovery_codes_page_needs_a_full_sign_in(jana):
    client = https_client()
    assert client.get(CODES)["Location"].startswith("/accounts/login/")
    login(client, "jana")  # the password alone
    assert client.post(CODES)["Location"].startswith("/accounts/login/")
    assert accounts.recovery_codes_left(jana) == 0


def test_the_desk_links_to_the_recovery_codes(jana):
    client, _ = signed_in_with(code_for(jana.totpdevice_set.get()))
    page = BeautifulSoup(client.get("/admin/").content, "html.parser")
    assert page.find("a", string="Recovery codes")["href"] == CODES


def test_resetting_the_authenticator_ends_the_recovery_codes_too(jana):
    codes = accounts.recovery_codes_make(user=jana, acting_user=jana)
    admin = make_user(role="administrator")
    accounts.user_reset_second_factor(user=jana, acting_user=admin)
    client = https_client()
    assert login(client, "jana")["Location"] == "/accounts/login/authenticator/"
    refused = client.post("/accounts/login/authenticator/", {"code": codes[0]})
    assert "Enter the 6-digit code" in page_text(refused)


# --- Trusted devices ------------------------------------------------------------------


def trusted_browser(jana) -> str:
    """Sign in ticking "trust this device"; the cookie's value."""
    device = jana.totpdevice_set.get()
    _, response = signed_in_with(code_for(device), trust="on")
    assert response["Location"] == "/admin/"
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/accounts/"
    assert cookie["max-age"] == 30 * 24 * 60 * 60
    return cookie.value


def returns(cookie: str, username: str = "jana", password: str | None = None):
    client = https_client()
    client.cookies[COOKIE] = cookie
    extra = {} if password is None else {"password": password}
    return client, login(client, username, **extra)


def test_the_code_step_offers_to_trust_the_device(jana):
    client = https_client()
    login(client, "jana")
    page = BeautifulSoup(client.get(VERIFY).content, "html.parser")
    box = page.select_one("input[type=checkbox][name=trust]")
    assert not box.has_attr("checked")
    assert page.find("label", attrs={"for": box["id"]}).get_text() == (
        "Trust this device for 30 days"
    )
    # Without the tick, no cookie.
    _, response = signed_in_with(code_for(jana.totpdevice_set.get()))
    assert COOKIE not in response.cookies


def test_a_trusted_device_skips_the_code_then_expires(jana):
    with time_machine.travel(NOW, tick=False) as clock:
        cookie = trusted_browser(jana)
        clock.shift(dt.timedelta(days=29))
        client, response = returns(cookie)
        assert response["Location"] == "/admin/"
        assert admin_opens(client)
        # The password is still asked for, and still checked.
        _, wrong = returns(cookie, password="not the password")
        assert wrong.status_code == 200
        clock.shift(dt.timedelta(days=2))
        client, response = returns(cookie)
        assert response["Location"] == VERIFY
        assert not admin_opens(client)


@pytest.mark.parametrize("change", ["password", "recovery codes", "authenticator"])
def test_changing_what_sign_in_rests_on_ends_the_trust(jana, change):
    cookie = trusted_browser(jana)
    admin = make_user(role="administrator")
    if change == "password":
        accounts.user_set_password(user=jana, password="a brand new password", acting_user=admin)
        _, response = returns(cookie, password="a brand new password")
        assert response["Location"] == VERIFY
        return
    if change == "recovery codes":
        accounts.recovery_codes_make(user=jana, acting_user=jana)
        expected = VERIFY
    else:
        accounts.user_reset_second_factor(user=jana, acting_user=admin)
        expected = "/accounts/login/authenticator/"
    _, response = returns(cookie)
    assert response["Location"] == expected


def test_a_trust_is_for_one_account_and_cannot_be_forged(jana):
    cookie = trusted_browser(jana)
    omar = make_user(role="editor", username="omar")
    enrolled(omar)
    _, response = returns(cookie, username="omar")
    assert response["Location"] == VERIFY
    value, _, signature = cookie.rpartition(":")
    _, forged = returns(f"{value}:{signature[::-1]}")
    assert forged["Location"] == VERIFY


def test_trusting_can_be_turned_off(jana, settings):
    settings.NEWSCENTER_TRUSTED_DEVICE_DAYS = 0
    client = https_client()
    login(client, "jana")
    assert b'name="trust"' not in client.get(VERIFY).content
    _, response = signed_in_with(code_for(jana.totpdevice_set.get()), trust="on")
    assert COOKIE not in response.cookies


def test_a_cookie_from_before_does_not_work_once_trusting_is_off(jana, settings):
    cookie = trusted_browser(jana)
    settings.NEWSCENTER_TRUSTED_DEVICE_DAYS = 0
    _, response = returns(cookie)
    assert response["Location"] == VERIFY


# --- Trusted devices listed, each ended by its person, all by an administrator ---------

DEVICES = "/accounts/trusted-devices/"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def trusting(username: str, **headers) -> tuple:
    """A client of ``username`` signed in on a browser they trusted, and its cookie. Each
    call is a time step (30 s) later: an authenticator code works once."""
    user = get_user_model().objects.get(username=username)
    client = https_client(**headers)
    login(client, username)
    response = client.post(VERIFY, {"code": code_for(user.totpdevice_set.get()), "trust": "on"})
    assert response["Location"] == "/admin/"
    return client, response.cookies[COOKIE].value


def test_a_person_sees_their_trusted_devices_and_ends_one(jana, time_machine):
    time_machine.move_to(NOW, tick=False)
    _, at_home = trusting("jana")
    time_machine.shift(dt.timedelta(seconds=31))
    client, at_work = trusting("jana", HTTP_USER_AGENT=FIREFOX)
    page = BeautifulSoup(client.get(DEVICES).content, "html.parser")
    rows = {row.th.get_text(" ", strip=True): row for row in page.select("table tbody tr")}
    assert set(rows) == {"Firefox on Windows (this browser)", "A browser"}

    ending = rows["A browser"].select_one("button[name=revoke]")
    assert ending["aria-label"].startswith("End the trust of A browser")
    done = client.post(DEVICES, {"revoke": ending["value"]}, follow=True)
    assert "A browser is no longer trusted." in page_text(done)
    _, response = returns(at_home)
    assert response["Location"] == VERIFY  # that browser is asked for a code again
    _, response = returns(at_work)
    assert response["Location"] == "/admin/"  # the other still skips it
    entry = AuditEntry.objects.get(action="user.revoke_trusted_device")
    assert (entry.actor, entry.detail["device"]) == (jana, "A browser")

    # Someone else's device is not theirs to end.
    omar = make_user(role="editor", username="omar")
    enrolled(omar)
    _, theirs = trusting("omar")
    other = omar.trusted_devices.get()
    gone = client.post(DEVICES, {"revoke": str(other.pk)}, follow=True)
    assert "That device was no longer trusted." in page_text(gone)
    assert returns(theirs, username="omar")[1]["Location"] == "/admin/"


def test_the_page_is_for_a_signed_in_person_only(client):
    assert client.get(DEVICES, secure=True)["Location"].startswith("/accounts/login/")


def test_an_administrator_ends_every_device_of_a_person(jana, admin_client, time_machine):
    time_machine.move_to(NOW, tick=False)
    _, first = trusting("jana")
    time_machine.shift(dt.timedelta(seconds=31))
    _, second = trusting("jana")
    response = admin_client.post(
        "/admin/auth/user/",
        {"action": "revoke_trusted_devices", "_selected_action": [jana.pk]},
        follow=True,
    )
    assert "Ended 2 trusted device(s)." in page_text(response)
    for cookie in (first, second):
        assert returns(cookie)[1]["Location"] == VERIFY
    assert AuditEntry.objects.get(action="user.revoke_trusted_devices").detail["devices"] == 2
    editor = make_user(role="editor", username="omar")
    with pytest.raises(PolicyDenied):
        accounts.trusted_devices_revoke_all(user=jana, acting_user=editor)


# --- Recovery codes made by the operator ------------------------------------------------


def test_the_operator_makes_codes_printed_once_that_sign_in(jana):
    old = accounts.recovery_codes_make(user=jana, acting_user=jana)[0]
    out, err = io.StringIO(), io.StringIO()
    call_command("recovery-codes", "jana", stdout=out, stderr=err)
    codes = out.getvalue().split()
    assert len(codes) == len(set(codes)) == 10
    assert all(len(code) == 9 and code[4] == "-" for code in codes)
    assert "not shown again" in err.getvalue()
    entry = AuditEntry.objects.filter(action="user.recovery_codes").latest("pk")
    assert entry.actor is None  # the system: the operator at the shell
    _, refused = signed_in_with(old)
    assert refused.status_code == 200
    _, response = signed_in_with(codes[0])
    assert response["Location"] == "/admin/"

    make_user(role="editor", username="omar")
    with pytest.raises(CommandError, match="manage user accounts"):
        call_command("recovery-codes", "jana", "--user", "omar", stdout=out, stderr=err)
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("recovery-codes", "nobody", stdout=out, stderr=err)
