"""Where each URL's file goes in DIR, and writing files so that no reader sees half of one."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import unquote

# File names for directory-style URLs whose content is not HTML: a static host picks the
# content type from the extension (docs/export.md shows the `index` settings that serve them).
INDEX_NAMES = {"html": "index.html", "xml": "index.xml", "json": "index.json"}


def file_for(url: str, kind: str = "html") -> str:
    """The path in DIR of a site URL: ``/news/`` is ``news/index.html``, ``/robots.txt`` itself.

    Percent-escapes are decoded, as a web server decodes the path before it looks for a file.
    """
    path = unquote(url).lstrip("/")
    if not path or path.endswith("/"):
        path += INDEX_NAMES[kind]
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise ValueError(f"not a path a static host can serve: {url!r}")
    return path


# One process writes a given temporary name (it holds the pid), so no O_EXCL dance is needed.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def write_atomic(root: Path, relative: str, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it into place.

    A web server serving ``root`` meanwhile sees the old file or the new one, never a part;
    an interrupted run leaves at most a stray temporary file (named ``.*.tmp``).
    """
    target = root / relative
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, _CREATE, 0o644)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, _CREATE, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def remove(root: Path, relative: str) -> None:
    """Delete a file and the folders it leaves empty (up to ``root``)."""
    target = root / relative
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != root:
        try:
            folder.rmdir()
        except OSError:
            break  # not empty, or already gone
        folder = folder.parent
