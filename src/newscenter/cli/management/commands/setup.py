"""`newscenter setup`: migrate, add demo content to an empty site, and make sure an admin exists."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prepare the database: migrate, load demo content when empty, create an admin account."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Leave an empty site empty.")
        parser.add_argument("--admin-username", default="admin")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database is up to date.")
        if not options["no_demo"]:
            call_command("demo", if_empty=True, stdout=self.stdout)
        self._ensure_admin(options["admin_username"])

    def _ensure_admin(self, username: str) -> None:
        users = get_user_model().objects
        if users.filter(is_superuser=True).exists():
            self.stdout.write("An admin account exists already.")
            return
        password = secrets.token_urlsafe(12)
        users.create_superuser(username=username, email="", password=password)
        # Printed once and stored nowhere but as a hash: note it now.
        self.stdout.write(
            self.style.SUCCESS(f"Created the admin account {username!r} with password: {password}")
        )
