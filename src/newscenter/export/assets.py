"""Static files and the media the pages show, copied into DIR beside the pages."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.files.storage import FileSystemStorage, default_storage

from newscenter.web import staticfiles

# What public pages load: if the collected files lack one, collectstatic runs first.
NEEDED_STATIC = ("newscenter/site.css", "web/search.js")


def ensure_collected() -> None:
    """Run collectstatic when the collected files lack what pages reference, as `serve` does."""
    if not all(_collected(name) for name in NEEDED_STATIC):
        staticfiles.collect(force=True)


def _collected(name: str) -> bool:
    storage = staticfiles_storage
    try:
        if isinstance(storage, ManifestFilesMixin):
            name = storage.stored_name(name)
    except ValueError:
        return False  # not in the manifest
    return Path(settings.STATIC_ROOT, name).is_file()


def static_sources() -> dict[str, Path]:
    """Collected static files by their path in DIR (``static/...``); none when STATIC_URL
    points at another host, which then serves them."""
    prefix = settings.STATIC_URL
    if not prefix.startswith("/"):
        return {}
    root = Path(settings.STATIC_ROOT)
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            source = Path(folder, name)
            relative = source.relative_to(root).as_posix()
            if relative != "staticfiles.json":  # the storage's own bookkeeping
                found[prefix.lstrip("/") + relative] = source
    return found


def media_targets(names: Iterable[str]) -> dict[str, str]:
    """Media storage names by their path in DIR (``media/...``), for those that exist."""
    prefix = settings.MEDIA_URL.lstrip("/")
    return {prefix + name: name for name in names if ".." not in name.split("/")}


def sync(
    root: Path,
    static: dict[str, Path],
    media: dict[str, str],
    previous: dict[str, list],
) -> tuple[dict[str, list], int]:
    """Copy what is new or changed; returns the new records and how many files were copied."""
    records: dict[str, list] = {}
    copied = 0
    for target, source in static.items():
        stat = source.stat()
        stamp = [stat.st_size, stat.st_mtime_ns]
        if previous.get(target) != stamp or not (root / target).is_file():
            _copy(root, target, lambda out, source=source: _from_path(source, out))
            copied += 1
        records[target] = stamp
    for target, name in media.items():
        media_stamp = _media_stamp(name)
        if media_stamp is None:
            continue  # a URL under MEDIA_URL that names no stored file
        stamp = media_stamp
        if previous.get(target) != stamp or not (root / target).is_file():
            _copy(root, target, lambda out, name=name: _from_storage(name, out))
            copied += 1
        records[target] = stamp
    return records, copied


def _media_stamp(name: str) -> list | None:
    storage = default_storage
    if isinstance(storage, FileSystemStorage):
        try:
            stat = os.stat(storage.path(name))
        except OSError:
            return None
        return [stat.st_size, stat.st_mtime_ns]
    # Object storage: one request per file to ask; names of library files are not reused.
    return [storage.size(name), 0] if storage.exists(name) else None


def _copy(root: Path, target: str, write) -> None:
    destination = root / target
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=destination.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.chmod(temporary, 0o644)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _from_path(source: Path, out) -> None:
    with source.open("rb") as handle:
        shutil.copyfileobj(handle, out)


def _from_storage(name: str, out) -> None:
    with default_storage.open(name, "rb") as handle:
        shutil.copyfileobj(handle, out)
