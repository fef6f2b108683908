"""Roles for users: the service, the admin and the CLI give the same answers to everyone.

A matrix of acting role x granted role on each surface; escalation refused with a clear
message; no form field that changes groups, permissions or the superuser flag.
"""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from newscenter.news.models import AuditEntry
from newscenter.news.policy import SYSTEM, PolicyDenied, Role
from newscenter.news.services import accounts
from tests.builders import make_user
from tests.conftest import https_client, staff_login

pytestmark = pytest.mark.django_db

User = get_user_model()
ACTING = ["contributor", "editor", "administrator", "superuser"]
GRANTED = ["none", "contributor", "editor", "administrator", "superuser"]
# Who may grant what: up to their own role; superuser only by a superuser; nothing for a
# contributor (not even "none").
ALLOWED = {
    "contributor": set(),
    "editor": {"none", "contributor", "editor"},
    "administrator": {"none", "contributor", "editor", "administrator"},
    "superuser": set(GRANTED),
}
MATRIX = [(a, g, g in ALLOWED[a]) for a in ACTING for g in GRANTED]


def actor(name: str):
    if name == "superuser":
        return User.objects.create_superuser("root", "", "a long superuser password")
    return make_user(role=name, username=f"acting-{name}")


def groups_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def assert_holds(user, label: str) -> None:
    user.refresh_from_db()
    assert accounts.role_label(user) == label
    role, superuser = accounts.parse_role(label)
    assert groups_of(user) == ({role.group_name} if role else set())
    assert user.is_staff == (role is not None)
    assert user.is_superuser == superuser


# --- The service ---------------------------------------------------------------------


@pytest.mark.parametrize(("acting", "granted", "allowed"), MATRIX)
def test_service_matrix(acting, granted, allowed):
    boss, target = actor(acting), make_user(username="target")
    role, superuser = accounts.parse_role(granted)
    if not allowed:
        with pytest.raises(PolicyDenied):
            accounts.user_set_role(user=target, role=role, superuser=superuser, acting_user=boss)
        assert_holds(target, "none")
        assert not AuditEntry.objects.filter(action="role").exists()
        return
    accounts.user_set_role(user=target, role=role, superuser=superuser, acting_user=boss)
    assert_holds(target, granted)
    entry = AuditEntry.objects.get(action="role")
    assert (entry.actor, entry.article) == (boss, None)
    assert entry.detail == {
        "model": "user",
        "id": target.pk,
        "name": "target",
        "before": "none",
        "after": granted,
    }


def test_a_role_replaces_the_previous_one():
    user = make_user(role="administrator")
    user.groups.add(Group.objects.get(name="Contributor"))  # two groups, from an old mistake
    accounts.user_set_role(user=user, role=Role.EDITOR, acting_user=SYSTEM)
    assert_holds(user, "editor")
    accounts.user_set_role(user=user, role=None, acting_user=SYSTEM)
    assert_holds(user, "none")


def test_escalation_is_refused_with_a_clear_message():
    editor = make_user(role="editor", username="jana")
    with pytest.raises(PolicyDenied, match=r"an? editor cannot grant a role above their own"):
        accounts.user_set_role(user=editor, role=Role.ADMINISTRATOR, acting_user=editor)
    assert_holds(editor, "editor")


def test_nobody_changes_the_role_of_someone_above_them():
    editor, admin = make_user(role="editor"), make_user(role="administrator", username="ada")
    with pytest.raises(PolicyDenied, match="'ada' holds the administrator role, above yours"):
        accounts.user_set_role(user=admin, role=Role.CONTRIBUTOR, acting_user=editor)
    admin.is_active = False  # inactive, but still out of an editor's reach
    admin.save()
    with pytest.raises(PolicyDenied):
        accounts.user_set_role(user=admin, role=None, acting_user=editor)
    assert_holds(admin, "administrator")


def test_only_a_superuser_touches_a_superuser():
    admin = make_user(role="administrator")
    root = User.objects.create_superuser("root", "", "a long superuser password")
    with pytest.raises(PolicyDenied, match="only a superuser"):
        accounts.user_set_role(user=root, role=Role.ADMINISTRATOR, acting_user=admin)
    with pytest.raises(PolicyDenied, match="only a superuser"):
        accounts.user_update(user=root, acting_user=admin, changed={"email": "x@example.com"})
    with pytest.raises(PolicyDenied, match="only a superuser"):
        accounts.user_reset_second_factor(user=root, acting_user=admin)
    other_root = User.objects.create_superuser("root2", "", "a long superuser password")
    accounts.user_set_role(user=other_root, role=Role.EDITOR, acting_user=root)
    assert_holds(other_root, "editor")


def test_create_checks_the_password_and_the_username():
    admin = make_user(role="administrator")
    with pytest.raises(ValidationError, match="too short"):
        accounts.user_create(username="new", password="short", role=None, acting_user=admin)
    make_user(username="taken")
    with pytest.raises(ValidationError, match="already exists"):
        accounts.user_create(
            username="taken", password="a long new password", role=None, acting_user=admin
        )
    with pytest.raises(PolicyDenied, match="cannot manage user accounts"):
        accounts.user_create(
            username="new", password=None, role=None, acting_user=make_user(role="editor")
        )
    user = accounts.user_create(
        username="new", email="New@EXAMPLE.com", password=None, role=Role.EDITOR, acting_user=admin
    )
    assert_holds(user, "editor")
    assert not user.has_usable_password()
    assert user.email == "New@example.com"
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == ["user.create", "role"]


# --- The admin -----------------------------------------------------------------------


def admin_as(acting: str):
    return staff_login(https_client(), actor(acting))


def change_form(user, **overrides) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "role": accounts.role_label(user),
        **overrides,
    }


def errors(response) -> str:
    page = BeautifulSoup(response.content, "html.parser")
    return " ".join(e.get_text(" ") for e in page.select(".errorlist, .errornote"))


@pytest.mark.parametrize(("acting", "granted", "allowed"), MATRIX)
def test_admin_matrix(acting, granted, allowed):
    client, target = admin_as(acting), make_user(username="target")
    url = f"/admin/auth/user/{target.pk}/change/"
    response = client.post(url, change_form(target, role=granted))
    if acting == "contributor":
        assert response.status_code == 403  # no user admin at all
    elif allowed:
        assert response.status_code == 302, errors(response)
    else:
        assert response.status_code == 200
        assert "Select a valid choice" in errors(response)  # not even offered
    assert_holds(target, granted if allowed else "none")


def test_the_role_menu_offers_roles_up_to_ones_own():
    client, target = admin_as("editor"), make_user()
    page = BeautifulSoup(client.get(f"/admin/auth/user/{target.pk}/change/").content, "lxml")
    options = [o["value"] for o in page.select("select[name=role] option")]
    assert options == ["none", "contributor", "editor"]


def test_the_user_form_has_no_field_for_groups_permissions_or_superuser(admin_client):
    target = make_user(role="contributor")
    url = f"/admin/auth/user/{target.pk}/change/"
    page = BeautifulSoup(admin_client.get(url).content, "lxml")
    names = {field.get("name") for field in page.select("form#user_form [name]")}
    assert "role" in names
    assert not names & {"groups", "user_permissions", "is_superuser", "is_staff"}
    sneaky = change_form(
        target,
        groups=[Group.objects.get(name="Administrator").pk],
        user_permissions=["1", "2"],
        is_superuser="on",
        is_staff="",
    )
    assert admin_client.post(url, sneaky).status_code == 302
    assert_holds(target, "contributor")
    assert not target.user_permissions.exists()


def test_editors_set_roles_but_nothing_else(role_client):
    client, target = role_client("editor"), make_user(email="old@example.com")
    url = f"/admin/auth/user/{target.pk}/change/"
    response = client.post(
        url, change_form(target, email="new@example.com", is_active="", role="contributor")
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.email, target.is_active) == ("old@example.com", True)
    assert_holds(target, "contributor")
    assert client.get("/admin/auth/user/add/").status_code == 403
    assert client.post(f"/admin/auth/user/{target.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"/admin/auth/user/{target.pk}/password/").status_code == 403
    assert User.objects.filter(pk=target.pk).exists()


def test_an_editor_only_views_an_administrator(role_client):
    client, admin = role_client("editor"), make_user(role="administrator")
    url = f"/admin/auth/user/{admin.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="role"' not in page.content  # read-only
    client.post(url, change_form(admin, role="none"))
    assert_holds(admin, "administrator")


def test_contributors_have_no_user_admin(role_client):
    client = role_client("contributor")
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 404  # groups are not editable


def test_administrators_create_and_delete_users(role_client):
    client = role_client("administrator")
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "omar",
            "email": "omar@example.com",
            "role": "editor",
            "usable_password": "true",
            "password1": "a long new password",
            "password2": "a long new password",
        },
    )
    assert response.status_code == 302, errors(response)
    omar = User.objects.get(username="omar")
    assert_holds(omar, "editor")
    assert omar.password.startswith("argon2")
    refused = client.post(
        "/admin/auth/user/add/",
        {"username": "eve", "role": "superuser", "usable_password": "false"},
    )
    assert "Select a valid choice" in errors(refused)
    assert client.post(f"/admin/auth/user/{omar.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not User.objects.filter(username="omar").exists()
    assert AuditEntry.objects.filter(action="user.delete", detail__name="omar").exists()


def test_administrators_reset_a_lost_authenticator(role_client):
    client, target = role_client("administrator"), make_user(role="editor")
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [target.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    editor = role_client("editor")
    page = editor.get("/admin/auth/user/")
    assert b"reset_second_factor" not in page.content


# --- The CLI -------------------------------------------------------------------------


def run(*args, stdin: str | None = None) -> str:
    out = io.StringIO()
    options = {"stdout": out}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    call_command("user", *args, **options)
    return out.getvalue()


@pytest.mark.parametrize(("acting", "granted", "allowed"), MATRIX)
def test_cli_matrix(acting, granted, allowed):
    boss, target = actor(acting), make_user(username="target")
    args = ("role", "target", granted, "--user", boss.username)
    if allowed:
        assert f"target is now: {granted}" in run(*args)
    else:
        with pytest.raises(CommandError, match=r"cannot|only a superuser"):
            run(*args)
    assert_holds(target, granted if allowed else "none")


def test_cli_creates_users_with_a_password_from_stdin():
    admin = make_user(role="administrator", username="ada")
    out = run(
        "create", "omar", "--email", "omar@example.com", "--role", "editor",
        "--password-stdin", "--user", "ada", stdin="a long new password\n",
    )  # fmt: skip
    assert "Created omar (editor)." in out
    omar = User.objects.get(username="omar")
    assert omar.check_password("a long new password")
    assert_holds(omar, "editor")
    assert AuditEntry.objects.filter(action="user.create", actor=admin).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("role", "nobody", "editor"), "no user named 'nobody'"),
        (("role", "jana", "wizard"), "unknown role 'wizard'"),
        (("role", "jana", "editor", "--user", "ghost"), "no user named 'ghost'"),
        (("role", "jana", "administrator", "--user", "jana"), "cannot grant a role above"),
        (("create", "x", "--role", "editor", "--user", "jana"), "cannot manage user accounts"),
        (("create", "jana", "--role", "none", "--no-password"), "already exists"),
        (("create", "y", "--role", "none", "--password-stdin"), "the password is empty"),
        (("reset-authenticator", "jana", "--user", "jana"), "cannot manage user accounts"),
    ],
)
def test_cli_errors_are_clear(args, message):
    make_user(role="editor", username="jana")
    with pytest.raises(CommandError, match=message):
        run(*args, stdin="")


def test_cli_without_a_terminal_needs_a_password_option():
    with pytest.raises(CommandError, match="--password-stdin, --no-password"):
        run("create", "y", "--role", "none", stdin="")


def test_cli_resets_an_authenticator_and_lists_users():
    user = make_user(role="editor", username="jana")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert "1 authenticator(s) removed" in run("reset-authenticator", "jana")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert "jana\teditor" in run("list")
