"""System checks with stable ids (``newscenter.E001`` ...), run by ``newscenter check``."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register()
def check_data_dir(app_configs=None, **kwargs):
    problems = []
    for name in ("DATA_DIR", "MEDIA_ROOT"):
        path = getattr(settings, name)
        if not os.access(path, os.W_OK) and not (not os.path.exists(path) and name == "MEDIA_ROOT"):
            problems.append(
                Error(
                    f"{name} ({path}) is not writable.",
                    hint="Point NEWSCENTER_DATA_DIR (or DJANGO_MEDIA_ROOT) at a writable folder.",
                    id="newscenter.E001",
                )
            )
    return problems


# --- deployment past one machine (docs/deploy.md), run by `newscenter check --deploy` ---------


def _shared_deployment() -> bool:
    """Whether the data lives off this machine, so that other app servers may share it."""
    sqlite = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    local_media = settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
    return not (sqlite and local_media)


@register(Tags.security, deploy=True)
def check_secret_key_shared(app_configs=None, **kwargs):
    generated = Path(settings.DATA_DIR) / "secret_key"
    if not _shared_deployment() or not generated.is_file():
        return []
    if generated.read_text().strip() != settings.SECRET_KEY:
        return []
    # Each server would sign sessions, CSRF tokens and review links with a key of its own:
    # a reader's session would only work on the server that made it.
    return [
        Warning(
            f"SECRET_KEY was generated on this machine ({generated}), but the database or the "
            "media are shared with other servers that would each generate their own.",
            hint="Set DJANGO_SECRET_KEY to the same value on every app server.",
            id="newscenter.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_media_scheme(app_configs=None, **kwargs):
    if not (settings.HTTPS and settings.MEDIA_URL.startswith("http://")):
        return []
    return [
        Warning(
            f"Media are served over plain HTTP ({settings.MEDIA_URL}) by an HTTPS site: "
            "browsers block or upgrade such images.",
            hint="Give NEWSCENTER_S3_PUBLIC_URL (or DJANGO_MEDIA_URL) an https:// address.",
            id="newscenter.W002",
        )
    ]


@register(Tags.caches, deploy=True)
def check_cache_shared(app_configs=None, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if not _shared_deployment() or not backend.endswith("LocMemCache"):
        return []
    # The page cache's generation lives in that cache, or in a file on this machine: a change
    # saved on one server would not renew the pages another server keeps.
    return [
        Warning(
            "The cache is in each server's memory, but the database or the media are shared "
            "with other servers: a change renews cached pages only on the server that saved it.",
            hint="Point CACHE_URL at a cache every app server shares, e.g. redis://host:6379/0.",
            id="newscenter.W003",
        )
    ]
