"""``newscenter recovery-codes USER``: ten new one-time recovery codes for an account.

For a person who lost their phone and has no codes left: the operator makes new ones, hands
them over, and the person signs in with one. The codes are printed once, never stored in
clear (django-otp keeps them for checking), and the earlier codes and every device the person
trusted stop working. The service records it in the audit log.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from newscenter.cli.database import require_migrated
from newscenter.cli.options import acting_user, add_user_argument
from newscenter.news import policy
from newscenter.news.services import accounts


class Command(BaseCommand):
    help = (
        "Print ten new one-time recovery codes for USER (once: keep them or hand them over). "
        "Their earlier codes and trusted devices stop working."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", metavar="USER", help="The account's user name.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        require_migrated()
        actor = acting_user(options)
        model = get_user_model()
        try:
            user = model.objects.get(**{model.USERNAME_FIELD: options["username"]})
        except model.DoesNotExist:
            raise CommandError(f"no user named {options['username']!r}") from None
        if not user.is_active:
            raise CommandError(f"user {options['username']!r} is inactive: activate it first")
        try:
            codes = accounts.recovery_codes_make(user=user, acting_user=actor)
        except policy.PolicyDenied as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(
            f"Ten new recovery codes for {user.get_username()}, each good once. They are not "
            "shown again; the earlier ones no longer work."
        )
        for code in codes:
            self.stdout.write(code)
