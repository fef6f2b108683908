"""The acting user of a command: ``--user NAME`` runs it under that user's role.

Without ``--user`` a command acts as the system (the operator at the server's shell), as
migrations and the demo do; with it, the same policy as the admin applies, so a refusal
there is a refusal here.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from newscenter.news.policy import SYSTEM


def add_user_argument(parser) -> None:
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="Act as this user, with their role's rights (default: the system, unchecked).",
    )


def acting_user(options: dict):
    """The user ``--user`` names, or SYSTEM; a clear error for an unknown or inactive name."""
    name = options.get("user")
    if not name:
        return SYSTEM
    model = get_user_model()
    try:
        user = model.objects.get(**{model.USERNAME_FIELD: name})
    except model.DoesNotExist:
        raise CommandError(f"no user named {name!r}") from None
    if not user.is_active:
        raise CommandError(f"user {name!r} is inactive")
    return user
