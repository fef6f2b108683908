"""collectstatic when the static sources changed, and only then.

Collecting with WhiteNoise hashes, rewrites and compresses some 900 files (the admin's, the
editor's, the API docs' bundles): a minute or two on a small machine. `serve` ran it at every
start, so a restart after a crash took that long before the first answer. A fingerprint of the
sources (each file's path, size and modification time, and the storage in use) is kept beside
the collected files; when it matches, the files there are the ones collectstatic would write.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command

STAMP = ".newscenter-sources"


def sources_fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(repr(settings.STORAGES.get("staticfiles")).encode())
    digest.update(settings.STATIC_URL.encode())
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = Path(storage.path(path)).stat()
            entries.append(f"{getattr(storage, 'prefix', '') or ''}/{path}\0{stat.st_size}\0"
                           f"{stat.st_mtime_ns}")  # fmt: skip
    for entry in sorted(entries):
        digest.update(entry.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def collected_current() -> bool:
    """Whether STATIC_ROOT holds what collectstatic would write from the sources now."""
    stamp = Path(settings.STATIC_ROOT, STAMP)
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest and not Path(settings.STATIC_ROOT, manifest).is_file():
        return False
    try:
        return stamp.read_text() == sources_fingerprint()
    except OSError:
        return False


def collect(*, force: bool = False) -> bool:
    """Run collectstatic unless the collected files are current; True when it ran."""
    if not force and collected_current():
        return False
    stamp = Path(settings.STATIC_ROOT, STAMP)
    stamp.unlink(missing_ok=True)  # an interrupted run leaves no stamp behind
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(sources_fingerprint())
    return True
