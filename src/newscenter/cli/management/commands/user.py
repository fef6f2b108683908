"""``newscenter user role|create|reset-authenticator|list``: accounts by role, from the shell.

The same services and policy as the admin (news.services.accounts): with ``--user NAME`` a command
acts with that person's rights, so an editor cannot grant administrator here either.
"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from newscenter.cli.options import acting_user, add_user_argument
from newscenter.news import policy
from newscenter.news.policy import PolicyDenied
from newscenter.news.services import accounts

ROLES = "contributor, editor, administrator, superuser or none"


class Command(BaseCommand):
    help = "Give users a role, create users, reset a lost authenticator, list users."
    stealth_options = ("stdin",)  # tests hand the password in here

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        role = actions.add_parser("role", help="Set a user's role (exactly one, or none).")
        role.add_argument("username")
        role.add_argument("role", help=ROLES)
        add_user_argument(role)

        create = actions.add_parser("create", help="Create a user with a role.")
        create.add_argument("username")
        create.add_argument("--email", default="")
        create.add_argument("--role", required=True, help=ROLES)
        password = create.add_mutually_exclusive_group()
        password.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input.",
        )
        password.add_argument(
            "--no-password",
            action="store_true",
            help="No password: the person sets one with 'Forgot your password?'.",
        )
        add_user_argument(create)

        reset = actions.add_parser(
            "reset-authenticator",
            help="Forget a user's authenticator app; they set up a new one at next sign-in.",
        )
        reset.add_argument("username")
        add_user_argument(reset)

        actions.add_parser("list", help="List users with their roles.")

    def handle(self, *args, **options):
        self.stdin = options.get("stdin") or sys.stdin
        handler = getattr(self, "_" + options["action"].replace("-", "_"))
        try:
            handler(options)
        except PolicyDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None

    def _role(self, options) -> None:
        actor = acting_user(options)
        user = _user(options["username"])
        role, superuser = _role(options["role"])
        accounts.user_set_role(user=user, role=role, superuser=superuser, acting_user=actor)
        self.stdout.write(f"{user.get_username()} is now: {accounts.role_label(user)}")

    def _create(self, options) -> None:
        actor = acting_user(options)
        role, superuser = _role(options["role"])
        if actor is not None:
            policy.require(actor, "user.manage")  # before asking for a password
        password = None if options["no_password"] else self._password(options)
        user = accounts.user_create(
            username=options["username"],
            email=options["email"],
            password=password,
            role=role,
            superuser=superuser,
            acting_user=actor,
        )
        self.stdout.write(f"Created {user.get_username()} ({accounts.role_label(user)}).")

    def _reset_authenticator(self, options) -> None:
        actor = acting_user(options)
        user = _user(options["username"])
        removed = accounts.user_reset_second_factor(user=user, acting_user=actor)
        self.stdout.write(
            f"{user.get_username()}: {removed} authenticator(s) removed; "
            "a new one is set up at the next sign-in."
        )

    def _list(self, options) -> None:
        for user in get_user_model().objects.order_by("username").prefetch_related("groups"):
            state = "" if user.is_active else " (inactive)"
            self.stdout.write(f"{user.get_username()}\t{accounts.role_label(user)}{state}")

    def _password(self, options) -> str:
        if options["password_stdin"]:
            password = self.stdin.readline().rstrip("\r\n")
        elif self.stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the two passwords differ")
        else:
            raise CommandError(
                "no password: use --password-stdin, --no-password, or run in a terminal"
            )
        if not password:
            raise CommandError("the password is empty")
        return password


def _user(username: str):
    model = get_user_model()
    try:
        return model.objects.get(**{model.USERNAME_FIELD: username})
    except model.DoesNotExist:
        raise CommandError(f"no user named {username!r}") from None


def _role(name: str):
    try:
        return accounts.parse_role(name)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
