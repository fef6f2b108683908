"""At the edge of the app: which responses count, and what of them waits in the buffer.

The middleware is first in ``MIDDLEWARE``, outside the page cache's, so that it sees pages the
cache answered as well as those the views made; the server's front (asgi.py) calls
:func:`count` for the hits it answers itself. The work here is a few checks and an append:
the request waits in memory (:mod:`buffer`) for at most a few seconds, its writer thread
keeps of it what a hit needs (:func:`hits.hit_of`), and the worker turns the address and user
agent into a daily hash (:mod:`relay`, :mod:`classify`), never writing them as they are.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator, Mapping

from django.conf import settings

from newscenter.analytics import buffer
from newscenter.analytics.hits import Hit, conf, public, search_path

# The search page says how many results it found, for "searched and found nothing"; the
# header is taken off before the response leaves (and kept in the page cache's copy).
RESULTS_HEADER = "X-Newscenter-Results"
COUNTED_STATUSES = (200, 304)


def count(
    *,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    ip: str | None,
    status: int,
    results: int | None,
) -> bool:
    """Append the hit to the buffer when it counts; whether it did. ``headers`` has lowercase
    names (an ASGI scope's: the server's front answers its cache hits with this)."""
    get = headers.get
    if not answered(method, status, get("dnt"), get("sec-gpc")) or not public(
        path, get("sec-purpose") or get("purpose"), get("x-moz")
    ):
        return False
    buffer.append(Hit(time.time(), get("host", ""), path, query, ip, get("user-agent", ""),
                      get("referer", ""), get("accept-language", ""), results))  # fmt: skip
    return True


def answered(method: str, status: int, dnt: str | None, gpc: str | None) -> bool:
    """Whether a response may be a reader's view, from what a page's path knows at once: GET
    (never HEAD), answered, the site counting (and the server, not the beacon), neither
    Do-Not-Track nor Global Privacy Control (``dnt``, ``gpc``: such a reader's request is not
    even kept in memory)."""
    if method != "GET" or status not in COUNTED_STATUSES or not buffer.counting():
        return False
    _, _, mode, honour_dnt = conf()
    return mode == "server" and not (honour_dnt and (dnt == "1" or gpc == "1"))


class AnalyticsMiddleware:
    """First in MIDDLEWARE: counts what readers are given, from the page cache or a view.

    A page's path does the least it can (bench/analytics.py: in the middle of a request,
    with the caches full of the request's own work, each step costs several times what it does
    alone): the checks that keep a reader out of memory altogether (not a GET, not answered,
    Do-Not-Track, Global Privacy Control, signed in), then one append of (time, path, the
    request's ``META``, the search's result count). The writer thread, within seconds, reads
    from ``META`` what a hit keeps and lets go of the rest (:func:`hits.hit_of`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path_info
        results = take_results(response) if path == search_path() else None
        try:
            # answered() and staff(), written out: each call costs on this path.
            if (request.method == "GET" and response.status_code in COUNTED_STATUSES
                    and buffer.counting()):  # fmt: skip
                meta = request.META
                _, _, mode, honour_dnt = conf()
                if (
                    mode == "server"
                    and not (honour_dnt and (meta.get("HTTP_DNT") == "1"
                                             or meta.get("HTTP_SEC_GPC") == "1"))
                    and not (meta.get("HTTP_COOKIE") and staff(request))
                ):  # fmt: skip
                    buffer.append((time.time(), path, meta, results))
        except Exception:  # counting never fails a page
            buffer.logger.exception("counting a view failed")
        return response


def take_results(response) -> int | None:
    """The search page's result count, taken off the response."""
    value = response.get(RESULTS_HEADER)
    if value is None:
        return None
    del response[RESULTS_HEADER]
    return int(value) if value.isdigit() else None


def request_headers(request) -> MetaHeaders:
    return MetaHeaders(request.META)


class MetaHeaders(Mapping[str, str]):
    """A request's ``HTTP_*`` headers by lowercase name, read from ``META`` when asked: the
    few that counting reads, instead of a dict of every header made for every page."""

    __slots__ = ("_meta",)

    def __init__(self, meta: Mapping[str, str]) -> None:
        self._meta = meta

    def __getitem__(self, name: str) -> str:
        return self._meta[_meta_key(name)]

    def get(self, name: str, default=None):
        return self._meta.get(_meta_key(name), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and _meta_key(name) in self._meta

    def __iter__(self) -> Iterator[str]:
        for key in self._meta:
            if key.startswith("HTTP_"):
                yield key[5:].replace("_", "-").lower()

    def __len__(self) -> int:
        return sum(1 for _ in self)


@functools.lru_cache(maxsize=64)
def _meta_key(name: str) -> str:
    return "HTTP_" + name.upper().replace("-", "_")


def staff(request) -> bool:
    """Signed in: staff and anyone else with a session are never counted."""
    if not request.META.get("HTTP_COOKIE") or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is None or bool(user.is_authenticated)
