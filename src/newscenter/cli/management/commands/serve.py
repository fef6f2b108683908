"""`newscenter serve`: collect static files, catch up, then run granian and the worker."""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand

from newscenter.cli import serving, worker
from newscenter.web import staticfiles


class Command(BaseCommand):
    help = (
        "Serve the News center with granian (the front of newscenter/front.py and whitenoise), "
        "and run the worker beside it unless --no-worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=serving.default_workers(),
            help="Server processes (default: one per core).",
        )
        parser.add_argument(
            "--header-timeout",
            type=float,
            default=10.0,
            help="Seconds a client may take to send its request headers (default 10).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start `newscenter worker` (when it runs as a service of its own).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Serve the static files collected before (an image built with them).",
        )
        parser.add_argument("--no-access-log", action="store_true")

    def handle(self, *args, **options):
        if not options["no_collectstatic"]:
            staticfiles.collect()  # only when the sources changed since the last run
        worker.catch_up()  # what a crash left behind, before the first request
        self.stdout.write(
            f"Serving the News center at http://{options['host']}:{options['port']}/news/"
        )
        self.stdout.flush()
        server = serving.granian_argv(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            header_timeout=options["header_timeout"],
            access_log=not options["no_access_log"],
        )
        background = (
            None if options["no_worker"] else [sys.executable, "-m", "newscenter", "worker"]
        )
        sys.exit(serving.Supervisor(server, background).run())
