"""Where newscenter keeps its data, and the secret key it generates there on first run."""

import functools
import ipaddress
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import environ
from django.conf import settings


def data_dir(env: environ.Env) -> Path:
    path = Path(env.str("NEWSCENTER_DATA_DIR", default="data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """Read the key from ``directory/secret_key``, creating it (mode 0600) the first time.

    ``O_EXCL`` makes concurrent first starts agree: one process writes, the others read.
    """
    path = directory / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(64))
    return _read_key(path)


def _read_key(path: Path) -> str:
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to have a new secret key generated")
    return key


def default_base_url(env: environ.Env) -> str:
    """The address ``make run`` (``newscenter serve``) answers at: ``http://HOST:PORT``, the
    same ``HOST`` and ``PORT`` the server binds to, with loopback for a wildcard host (a browser
    cannot open ``0.0.0.0``). A real site sets ``NEWSCENTER_BASE_URL``; the desk warns its
    administrators when the address they reached it at differs (desk/site.py)."""
    host = env.str("HOST", default="127.0.0.1").strip().strip("[]") or "127.0.0.1"
    try:
        if ipaddress.ip_address(host).is_unspecified:
            host = "127.0.0.1"
    except ValueError:
        pass  # a host name
    if ":" in host:
        host = f"[{host}]"
    port = env.int("PORT", default=8000)
    return f"http://{host}:{port}"


def site_url(path: str = "/") -> str:
    """``path`` as an absolute URL on the site's configured address (``NEWSCENTER_BASE_URL``).

    Every address a page, feed or sitemap gives readers and search engines is made here, never
    from the request's Host header: a site reachable under two names must show one set of
    addresses, and a Host a client made up must never end up in a cached page. An absolute
    ``path`` (media on object storage) is returned as it is.
    """
    return _address(settings.NEWSCENTER_BASE_URL, path)


def site_urls() -> Callable[[str], str]:
    """:func:`site_url` for the many addresses of one answer, the setting read once."""
    return functools.partial(_address, settings.NEWSCENTER_BASE_URL)


def _address(base_url: str, path: str) -> str:
    if _plain_path(path) and (origin := _origin(base_url)) is not None:
        return origin + path  # what urljoin gives such a path, without its parsing
    return _joined(base_url, path)


# A path that urljoin would give back as it is after the site's origin: absolute, not
# "//host", with no query, fragment or parameters to parse, no "." or ".." segment to
# resolve (any "/." is left to urljoin) and nothing urlsplit strips or removes.
_PLAIN_PATH = re.compile(r"/(?!/)[^?#;\\\x00-\x20\x7f]*")


def _plain_path(path: str) -> bool:
    return _PLAIN_PATH.fullmatch(path) is not None and "/." not in path


@functools.cache
def _origin(base_url: str) -> str | None:
    """The part of ``base_url`` a plain path follows, or None if urljoin would not simply
    append the path to it (checked on a sample path)."""
    origin = urljoin(base_url + "/", "/")[:-1]
    return origin if urljoin(base_url + "/", "/a/b") == origin + "/a/b" else None


@functools.lru_cache(maxsize=4096)
def _joined(base_url: str, path: str) -> str:
    # urljoin cost more than the rest of a feed item's link, and a feed or a page writes each
    # of its addresses two to five times (link, guid, canonical, structured data, share links).
    return urljoin(base_url + "/", path)
