"""Compressed copies of the pages the page cache shares between readers.

Only shared pages are compressed: a page that may be given to any reader holds no secret of
one (no CSRF token, no session), so compression cannot leak one (BREACH). The copies are made
once, when the page is stored, and a hit only picks the one the reader's browser accepts:
brotli, else gzip, else the page as it is.
"""

from __future__ import annotations

import gzip

import brotli  # type: ignore[import-untyped]  # installed with whitenoise[brotli]

MIN_BYTES = 860  # below this the headers outweigh what compression saves
BROTLI_QUALITY = 9  # 11 costs several times as long for a few per cent on a 30 KB page
GZIP_LEVEL = 6
_TEXT_TYPES = (
    "text/",
    "application/json",
    "application/feed+json",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "application/javascript",
)


def compressible(content_type: str, body: bytes, headers: dict[str, str]) -> bool:
    return (
        content_type.startswith(_TEXT_TYPES)
        and len(body) >= MIN_BYTES
        and "content-encoding" not in headers
    )


NAMES = ("br", "gzip")  # best first


def encode(name: str, body: bytes) -> bytes:
    if name == "br":
        return bytes(brotli.compress(body, quality=BROTLI_QUALITY))
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def encodings(body: bytes) -> tuple[tuple[str, bytes], ...]:
    """The body in brotli and gzip, best first."""
    return tuple((name, encode(name, body)) for name in NAMES)


def accepted_name(accept_encoding: str | None) -> str | None:
    """The best of :data:`NAMES` the browser accepts (``Accept-Encoding``), or None."""
    accepted = _accepted(accept_encoding or "")
    return next((name for name in NAMES if name in accepted), None)


def chosen(accept_encoding: str | None, available: tuple[tuple[str, bytes], ...]):
    """The first of ``available`` the browser accepts (``Accept-Encoding``), or None."""
    accepted = _accepted(accept_encoding or "")
    return next(((name, body) for name, body in available if name in accepted), None)


def _accepted(header: str) -> set[str]:
    names = set()
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=")
        if params and _quality(quality) == 0:
            continue
        names.add(name.strip())
    return names


def _quality(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 1.0


def etag_for(etag: str, encoding: str) -> str:
    """A compressed copy is another representation: its own strong ETag."""
    if etag.endswith('"'):
        return f'{etag[:-1]}-{encoding}"'
    return etag
