"""At the edge of the app: which responses count, and what of them waits in the buffer.

The middleware is first in ``MIDDLEWARE``, outside the page cache's, so that it sees pages the
cache answered as well as those the views made; the server's front (asgi.py) calls
:func:`count` for the hits it answers itself. The work here is a few header reads and an
append: the address and user agent wait in memory (:mod:`buffer`) for at most a few seconds,
and are turned into a daily hash there, off the request's path, never written as they are.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator, Mapping

from django.conf import settings
from django.urls import reverse

from newscenter.addresses import client_ip
from newscenter.analytics import buffer
from newscenter.analytics.hits import Hit

# The search page says how many results it found, for "searched and found nothing"; the
# header is taken off before the response leaves (and kept in the page cache's copy).
RESULTS_HEADER = "X-Newscenter-Results"
COUNTED_STATUSES = (200, 304)
PREFETCH = ("prefetch", "prerender", "preview")


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
    names (an ASGI scope's, or a request's through :func:`request_headers`)."""
    if not counts(method=method, path=path, headers=headers, status=status):
        return False
    buffer.append(
        Hit(
            at=time.time(),
            host=headers.get("host", ""),
            path=path,
            query=query,
            ip=ip,
            user_agent=headers.get("user-agent", ""),
            referrer=headers.get("referer", ""),
            language=headers.get("accept-language", ""),
            results=results,
        )
    )
    return True


def counts(*, method: str, path: str, headers: Mapping[str, str], status: int) -> bool:
    """Whether a response is a reader's view of a public page: GET (never HEAD), answered, on
    the public site but not a preview or a review link, with neither Do-Not-Track nor
    Global Privacy Control, and not a prefetch. Bots are dropped when the buffer is written."""
    if method != "GET" or status not in COUNTED_STATUSES or not buffer.counting():
        return False
    public, private = paths()
    if not path.startswith(public) or path.startswith(private):
        return False
    if settings.NEWSCENTER_ANALYTICS_MODE != "server":
        return False
    if settings.NEWSCENTER_ANALYTICS_HONOUR_DNT and (
        headers.get("dnt") == "1" or headers.get("sec-gpc") == "1"
    ):
        return False
    purpose = headers.get("sec-purpose") or headers.get("purpose")
    if purpose and any(word in purpose.lower() for word in PREFETCH):
        return False
    return "x-moz" not in headers


class AnalyticsMiddleware:
    """First in MIDDLEWARE: counts what readers are given, from the page cache or a view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        results = take_results(response)
        try:
            if not staff(request):
                count(
                    method=request.method,
                    path=request.path_info,
                    query=request.META.get("QUERY_STRING", ""),
                    headers=request_headers(request),
                    ip=client_ip(request),
                    status=response.status_code,
                    results=results,
                )
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
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is None or bool(user.is_authenticated)


@functools.cache
def paths() -> tuple[str, tuple[str, ...]]:
    """The public site's prefix, and those of pages for one reader only (previews, review
    links), from the URLconf."""

    def folder(name: str, **kwargs: object) -> str:
        return reverse(name, kwargs=kwargs).rstrip("/").rsplit("/", 1)[0] + "/"

    private = (folder("news:preview", pk=1), folder("news:review", token="example"))  # noqa: S106
    return reverse("news:index"), private
