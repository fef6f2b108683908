"""Where each URL's file goes in DIR, and writing files so that no reader sees half of one."""

from __future__ import annotations

import contextlib
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


def make_folders(root: Path, relatives) -> None:
    """Make the folders the files ``relatives`` go in, each once (parents first), before
    they are written: a missing folder found by a failed open, then made by
    ``Path.mkdir(parents=True)``, was two system calls and a walk up per page."""
    base = os.fspath(root)
    folders = set()
    for relative in relatives:
        folder = relative.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    for folder in sorted(folders):  # a parent sorts before its children
        with contextlib.suppress(FileExistsError):
            os.mkdir(os.path.join(base, folder))


def write_atomic(root: Path, relative: str, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it into place.

    A web server serving ``root`` meanwhile sees the old file or the new one, never a part;
    an interrupted run leaves at most a stray temporary file (named ``.*.tmp``). Paths as
    strings (os.path): a page's Path objects cost more than its system calls.
    """
    target = os.path.join(root, relative)
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, _CREATE, 0o644)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        fd = os.open(temporary, _CREATE, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
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
