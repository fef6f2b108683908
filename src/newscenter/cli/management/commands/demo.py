"""``newscenter demo [--if-empty]``: load the fictional Kesselmark News center."""

from django.core.management.base import BaseCommand
from django.db import transaction

from newscenter.demo.loader import SECTIONS, demo_is_needed, load_demo
from newscenter.news.policy import SYSTEM


class Command(BaseCommand):
    help = "Load demo content: a fictional manufacturer's News center with twelve articles."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any article exists (safe to run on every start).",
        )

    def handle(self, *args, **options):
        # The emptiness check and the load share one transaction: all or nothing, and two
        # processes starting at once cannot both load the demo.
        with transaction.atomic():
            if options["if_empty"] and not demo_is_needed():
                self.stdout.write("Articles exist already: demo content not loaded.")
                return
            count = load_demo(acting_user=SYSTEM)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded demo content: {count} articles in {len(SECTIONS)} sections."
            )
        )
