"""gunicorn's settings for the container and systemd deployments (docs/deploy.md).

The same server `newscenter serve` starts, minus its collectstatic: here static files were
collected beforehand (when the image was built, or by the install step), so every app server
starts at once and needs no write access to them.
"""

import os

from newscenter.cli.management.commands.serve import default_workers

wsgi_app = "newscenter.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = default_workers()
threads = 4
accesslog = "-"
# Proxies whose X-Forwarded-* headers gunicorn believes; Django trusts X-Forwarded-Proto on its
# own terms (DJANGO_BEHIND_PROXY).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files in memory: works with a read-only root file system.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (gunicorn's documented choice for containers)
