"""``newscenter token``: API tokens for scripts (docs/api.md).

    newscenter token create --user alice --scope articles:read --scope articles:write \\
        --label "CRM sync" --expires 90d
    newscenter token list [--user alice]
    newscenter token revoke PREFIX
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newscenter.api import scopes, tokens
from newscenter.api.models import Token
from newscenter.cli.database import require_migrated
from newscenter.news.policy import SYSTEM

_LENGTH = re.compile(r"^(\d{1,5})([dh])$")


class Command(BaseCommand):
    help = "Create, list and revoke API tokens. A token is shown once, when it is made."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Make a token for a user.")
        create.add_argument("--user", required=True, metavar="NAME", help="Whose rights it has.")
        create.add_argument(
            "--scope", action="append", default=[], choices=list(scopes.SCOPES),
            help="What it may be used for (repeat for several).",
        )  # fmt: skip
        create.add_argument("--label", default="", help="What it is for.")
        create.add_argument("--expires", metavar="LENGTH", help="e.g. 90d or 12h (default: never).")
        listing = actions.add_parser("list", help="Tokens, newest first (never their secrets).")
        listing.add_argument("--user", metavar="NAME")
        revoke = actions.add_parser("revoke", help="End a token at once.")
        revoke.add_argument("prefix", metavar="PREFIX", help="As `list` shows it, or the token.")

    def handle(self, *args, **options):
        require_migrated()
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options) -> None:
        if not options["scope"]:
            raise CommandError(
                "give at least one --scope (known: " + ", ".join(scopes.SCOPES) + ")"
            )
        user = _user(options["user"])
        try:
            token, secret = tokens.token_create(
                user=user,
                acting_user=SYSTEM,
                label=options["label"],
                scopes=options["scope"],
                expires=_expiry(options["expires"]),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(secret)
        self.stderr.write(
            f"Token {token.prefix} for {user.get_username()} ({', '.join(token.scopes)}): "
            "the line above is shown only now; store it where the script reads it."
        )

    def _list(self, options) -> None:
        found = Token.objects.select_related("user")
        if options.get("user"):
            found = found.filter(user=_user(options["user"]))
        for token in found:
            state = (
                "revoked" if token.revoked else ("expired" if not token.is_usable() else "active")
            )
            used = f"{token.last_used:%Y-%m-%d %H:%M}" if token.last_used else "never used"
            self.stdout.write(
                f"{token.prefix}  {token.user.get_username():<16} {state:<8} {used:<16} "
                f"{','.join(token.scopes)}  {token.label}"
            )

    def _revoke(self, options) -> None:
        value = options["prefix"].strip()
        prefix = value.split("_")[1] if value.startswith("nc_") and value.count("_") >= 2 else value
        token = Token.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"no token with the prefix {prefix!r}")
        tokens.token_revoke(token=token, acting_user=SYSTEM)
        self.stdout.write(f"revoked {token.prefix}")


def _user(name: str):
    model = get_user_model()
    user = model.objects.filter(**{model.USERNAME_FIELD: name}).first()
    if user is None:
        raise CommandError(f"no user named {name!r}")
    return user


def _expiry(length: str | None) -> dt.datetime | None:
    if not length:
        return None
    match = _LENGTH.match(length.strip())
    if not match:
        raise CommandError(f"{length!r} is not a length: write it as 90d or 12h")
    amount, unit = int(match.group(1)), match.group(2)
    return timezone.now() + dt.timedelta(**{"days" if unit == "d" else "hours": amount})
