"""The page cache's middleware: readers' pages answered from the cache before anything else.

First in MIDDLEWARE: a hit costs two cache reads and no database query. Readers without a
session get a page from the cache; staff (who have a session) always get it fresh. Every
answer that may be shared carries an ETag, Last-Modified and the CDN's Cache-Control.

What a lookup needs of a request is an :class:`Ask`, so that the server's front
(newscenter/front.py) can answer hits before a request takes a thread, with the same code.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from newscenter.web.pagecache import compression
from newscenter.web.pagecache.generation import generation, next_publication
from newscenter.web.paths import url_prefix

CACHED_STATUSES = (200, 301, 410)


@dataclasses.dataclass(frozen=True)
class Ask:
    """What the page cache needs of a request."""

    method: str
    path: str
    url: str | None  # scheme://host/path?query, None for a host this site does not serve
    signed_in: bool  # a session cookie or an Authorization header: never shared pages
    if_none_match: str | None
    if_modified_since: str | None
    # Part of the key: the widgets' answers name the asking origin in their CORS headers.
    origin: str | None = None
    accept_encoding: str | None = None  # picks a compressed copy; not part of the key

    @classmethod
    def of(cls, request) -> Ask:
        try:
            host = request.get_host()
        except DisallowedHost:
            url = None
        else:
            scheme = "https" if request.is_secure() else "http"
            url = f"{scheme}://{host}{request.get_full_path()}"
        return cls(
            method=request.method,
            path=request.path_info,
            url=url,
            signed_in=settings.SESSION_COOKIE_NAME in request.COOKIES
            or bool(request.headers.get("Authorization")),
            if_none_match=request.headers.get("If-None-Match"),
            if_modified_since=request.headers.get("If-Modified-Since"),
            origin=request.headers.get("Origin"),
            accept_encoding=request.headers.get("Accept-Encoding"),
        )


def cached(ask: Ask) -> HttpResponse | None:
    """The cached page for ``ask`` with its validators, or None (not cacheable, not cached,
    the cache off): the hit path, shared by the middleware and the server's front."""
    if settings.NEWSCENTER_PAGE_CACHE_SECONDS <= 0 or not cacheable(ask) or ask.url is None:
        return None
    now = time.time()
    entry = cache.get(_key(ask))
    if entry is None or entry.expires <= now:
        return None
    return _answer(ask, entry, now, state="hit")


@dataclasses.dataclass(frozen=True)
class Entry:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    last_modified: float | None
    expires: float
    max_age: int = 0  # what browsers may keep without asking (the view's max-age)
    encoded: tuple[tuple[str, bytes], ...] = ()  # compressed copies ("br", "gzip"), best first


class PageCacheMiddleware:
    """First in MIDDLEWARE: a hit costs two cache reads and no database query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ask = Ask.of(request)
        if not cacheable(ask):
            return self.get_response(request)
        seconds = settings.NEWSCENTER_PAGE_CACHE_SECONDS
        now = time.time()
        if seconds <= 0:
            return _finish(ask, self.get_response(request), now, state="off")
        if ask.url is None:  # a host we do not serve: Django answers 400 further in
            return self.get_response(request)
        key = _key(ask)
        entry = cache.get(key)
        if entry is not None and entry.expires > now:
            return _answer(ask, entry, now, state="hit")
        return self._miss(request, ask, key, now, seconds)

    def _miss(self, request, ask: Ask, key: str, now: float, seconds: int):
        """One request renders the page; those arriving meanwhile get the page it replaces
        (stale, from before the last change) or, for a page never cached, wait for it."""
        lock, stale_key = _lock_key(key), _stale_key(ask)
        if not cache.add(lock, True, timeout=RENDER_LOCK_SECONDS):
            waited = _waited(key, stale_key)
            if waited is not None:
                ready, state = waited
                return _answer(ask, ready, time.time(), state=state)
            # The renderer took too long (or failed): render too, rather than keep waiting.
        try:
            # A renderer may have stored the page and let go of the lock between this
            # request's look at the cache and its taking the lock: then there is nothing to do.
            stored = cache.get(key)
            if stored is not None and stored.expires > time.time():
                return _answer(ask, stored, time.time(), state="hit")
            response = self.get_response(request)
            entry = _entry(response, now, seconds)
            if entry is None:
                return _finish(ask, response, now, state="miss")
            timeout = max(1, int(entry.expires - now))
            cache.set_many({key: entry, stale_key: entry}, timeout=timeout + STALE_SECONDS)
            return _answer(ask, entry, now, state="miss")
        finally:
            cache.delete(lock)


# How long a renderer holds a page's lock at most (it is released as soon as it is done), and
# how long the others wait for a page that has no stale copy before rendering it themselves.
RENDER_LOCK_SECONDS = 10
WAIT_SECONDS = 5
_POLL = 0.01
# How long the last copy of a page stays available as "stale" past its expiry: the page a
# reader gets while the fresh one is being rendered after a change.
STALE_SECONDS = 3600


def _waited(key: str, stale_key: str) -> tuple[Entry, str] | None:
    """While another request renders the page: its stale copy at once, else the fresh one
    when it is stored; None when the wait runs out or the lock goes without a page."""
    stale = cache.get(stale_key)
    if stale is not None:
        return stale, "stale"
    deadline = time.monotonic() + WAIT_SECONDS
    lock = _lock_key(key)
    while time.monotonic() < deadline:
        time.sleep(_POLL)
        entry = cache.get(key)
        if entry is not None:
            return entry, "hit"
        if cache.get(lock) is None:  # done without storing a page (not shareable, failed)
            return None
    return None


def _lock_key(key: str) -> str:
    return key.replace("newscenter:page:", "newscenter:page-lock:", 1)


def _stale_key(ask: Ask) -> str:
    """The last copy of a page whatever its generation: keyed by the address alone."""
    return f"newscenter:page-stale:{_digest(ask)}"


def cacheable(ask: Ask) -> bool:
    if ask.method not in ("GET", "HEAD"):
        return False
    public, robots, private = _paths()
    if not (ask.path.startswith(public) or ask.path == robots):
        return False
    if ask.path.startswith(private):
        return False
    # A session means someone signed in (or signing in): their pages are their own.
    return not ask.signed_in


def _key(ask: Ask) -> str:
    return f"newscenter:page:{generation()}:{_digest(ask)}"


def _digest(ask: Ask) -> str:
    assert ask.url is not None
    return hashlib.blake2b(f"{ask.url} {ask.origin or ''}".encode(), digest_size=16).hexdigest()


def _entry(response, now: float, seconds: int) -> Entry | None:
    """The response as a cache entry, or None when it must not be shared between readers."""
    if not _shareable(response):
        return None
    headers = tuple(
        (name, value)
        for name, value in response.items()
        if name.lower() not in ("cache-control", "etag", "last-modified", "expires")
    )
    etag, last_modified = _validators_of(response, now)
    expires = min(now + seconds, next_publication())
    body = response.content
    lowered = {name.lower(): value for name, value in headers}
    encoded: tuple[tuple[str, bytes], ...] = ()
    if compression.compressible(lowered.get("content-type", ""), body, lowered):
        encoded = compression.encodings(body)
    return Entry(
        response.status_code,
        headers,
        body,
        etag,
        last_modified,
        expires,
        _browser_max_age(response),
        encoded,
    )


def _browser_max_age(response) -> int:
    """What browsers may keep the page without asking: 0 (they revalidate, and a 304 is cheap)
    unless the view set ``response.browser_max_age`` (the embeds do: a company's home page
    shows them on every visit). A view's own Cache-Control is replaced either way."""
    return int(getattr(response, "browser_max_age", 0))


def _validators_of(response, now: float) -> tuple[str, float | None]:
    """The view's own ETag and Last-Modified (feeds date themselves by their articles), or a
    hash of the body, dated when it was made."""
    if response.has_header("ETag"):
        return response["ETag"], parse_http_date_safe(response.get("Last-Modified", ""))
    return '"' + hashlib.blake2b(response.content, digest_size=12).hexdigest() + '"', now


def _private(response) -> bool:
    directives = response.get("Cache-Control", "").lower()
    return any(word in directives for word in ("private", "no-cache", "no-store"))


def _answer(ask: Ask, entry: Entry, now: float, *, state: str) -> HttpResponse:
    response: HttpResponse
    available = getattr(entry, "encoded", ())  # entries stored before compression have none
    copy = compression.chosen(ask.accept_encoding, available)
    etag = compression.etag_for(entry.etag, copy[0]) if copy else entry.etag
    if _not_modified(ask, etag, entry.last_modified):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(copy[1] if copy else entry.body, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        if copy:
            response["Content-Encoding"] = copy[0]
            response["Content-Length"] = str(len(copy[1]))
    if available:
        patch_vary_headers(response, ["Accept-Encoding"])
    _validators(response, etag, entry.last_modified)
    if state == "stale":  # for this reader alone, while the fresh page is being made
        _cache_control(response, 0)
    else:
        _cache_control(response, entry.expires - now, getattr(entry, "max_age", 0))
    response["X-Page-Cache"] = state
    return response


def _finish(ask: Ask, response, now: float, *, state: str):
    """A response served without the cache: the same validators and CDN headers, and the
    same compression, when it may be shared at all."""
    if _shareable(response):
        etag, last_modified = _validators_of(response, now)
        name = _compress(ask, response)
        if name:
            etag = compression.etag_for(etag, name)
        if _not_modified(ask, etag, last_modified):
            response = HttpResponseNotModified()
            if name:
                patch_vary_headers(response, ["Accept-Encoding"])
        _validators(response, etag, last_modified)
        ttl = min(settings.NEWSCENTER_SHARED_MAX_AGE, next_publication() - now)
        _cache_control(response, ttl, _browser_max_age(response))
    response["X-Page-Cache"] = state
    return response


def _compress(ask: Ask, response) -> str | None:
    """Compress a shareable response as the browser accepts; the encoding's name, or None."""
    headers = {name.lower(): value for name, value in response.items()}
    if not compression.compressible(headers.get("content-type", ""), response.content, headers):
        return None
    patch_vary_headers(response, ["Accept-Encoding"])
    name = compression.accepted_name(ask.accept_encoding)
    if name is None:
        return None
    response.content = compression.encode(name, response.content)
    response["Content-Encoding"] = name
    response["Content-Length"] = str(len(response.content))
    return name


def _shareable(response) -> bool:
    """Whether one reader's response may be given to another."""
    return (
        response.status_code in CACHED_STATUSES
        and not response.streaming
        and not response.cookies
        and "*" not in response.get("Vary", "")
        and not _private(response)
        # A CSP nonce is a per-response secret: a cached page would hand everyone the same.
        and "'nonce-" not in response.get("Content-Security-Policy", "")
    )


def _not_modified(ask: Ask, etag: str, last_modified: float | None) -> bool:
    if ask.method not in ("GET", "HEAD"):
        return False
    if_none_match = ask.if_none_match
    if if_none_match is not None:
        return etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match == "*"
    since = parse_http_date_safe(ask.if_modified_since or "")
    return last_modified is not None and since is not None and int(last_modified) <= since


def _validators(response, etag: str, last_modified: float | None) -> None:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)


def _cache_control(response, seconds_left: float, max_age: int = 0) -> None:
    """Browsers revalidate every time (a 304 is cheap) unless the view gave a max-age; shared
    caches (nginx, a CDN) keep the page for s-maxage; neither past the next scheduled
    publication."""
    shared = max(0, min(settings.NEWSCENTER_SHARED_MAX_AGE, int(seconds_left)))
    browser = max(0, min(max_age, int(seconds_left)))
    response["Cache-Control"] = (
        f"public, max-age={browser}, s-maxage={shared}, "
        f"stale-while-revalidate={settings.NEWSCENTER_STALE_WHILE_REVALIDATE}"
    )


@functools.cache
def _paths() -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """The prefixes of public pages (the site, the embeds, the oEmbed answers), robots.txt,
    and the prefixes of pages never cached (staff previews, review links: for one reader
    only), from the URLconf."""
    example = {"token": "example"}  # a review address of any token
    private = (url_prefix("news:preview", pk=1), url_prefix("news:review", **example))
    public = (reverse("news:index"), url_prefix("embed:latest"), reverse("oembed"))
    return public, reverse("robots"), private
