"""`newscenter serve`: collect static files, then run gunicorn (never runserver) on this site."""

from __future__ import annotations

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


def default_workers() -> int:
    # gthread workers: two processes per core serve Django views well on small machines.
    return max(2, 2 * (os.cpu_count() or 1))


class Command(BaseCommand):
    help = "Serve the News center with gunicorn and whitenoise."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        address = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Serving the News center at http://{address}/news/")
        self.stdout.flush()
        argv = [
            sys.executable, "-m", "gunicorn", "newscenter.wsgi:application",
            "--bind", address,
            "--workers", str(options["workers"]),
            "--worker-class", "gthread",
            "--threads", str(options["threads"]),
            "--access-logfile", "-",
            "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]  # fmt: skip
        os.execv(sys.executable, argv)  # noqa: S606 (replace this process with gunicorn)
