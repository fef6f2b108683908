"""Whole public pages kept in Django's cache, invalidated at once by any change that shows.

Readers without a session get a page from the cache before any other middleware runs; staff
(who have a session) always get it fresh. Every change to what public pages show (articles,
sections, tags, authors, images, site settings) moves the *generation* on after its
transaction commits, and the generation is part of every cache key: all pages are renewed
at once, so an index, a feed or a search never shows an article its own page no longer does.
An entry also never outlives the next scheduled publication, so a scheduled article appears
on time with no cron job and no write.

One machine (the local-memory cache, one per worker process) keeps the generation in a file
under the data folder, which every worker sees; a shared cache (Redis) keeps it in the cache.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import threading
import time
import urllib.request
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

GENERATION_KEY = "newscenter:pages:generation"
# Never cached: pages for staff only, or that differ per visitor.
PRIVATE_PREFIXES = ("/news/preview/", "/news/review/")
CACHED_STATUSES = (200, 301, 410)


@dataclasses.dataclass(frozen=True)
class Entry:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    last_modified: float | None
    expires: float


class PageCacheMiddleware:
    """First in MIDDLEWARE: a hit costs two cache reads and no database query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        seconds = settings.NEWSCENTER_PAGE_CACHE_SECONDS
        now = time.time()
        if seconds <= 0:
            return _finish(request, self.get_response(request), now, state="off")
        key = _key(request)
        if key is None:  # a host we do not serve: Django answers 400 further in
            return self.get_response(request)
        entry = cache.get(key)
        if entry is not None and entry.expires > now:
            return _answer(request, entry, now, state="hit")
        response = self.get_response(request)
        entry = _entry(response, now, seconds)
        if entry is None:
            return _finish(request, response, now, state="miss")
        cache.set(key, entry, timeout=max(1, int(entry.expires - now)))
        return _answer(request, entry, now, state="miss")


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.path_info
    if not (path.startswith("/news/") or path == "/robots.txt"):
        return False
    if path.startswith(PRIVATE_PREFIXES):
        return False
    # A session means someone signed in (or signing in): their pages are their own.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.headers.get(
        "Authorization"
    )


def _key(request) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    scheme = "https" if request.is_secure() else "http"
    url = f"{scheme}://{host}{request.get_full_path()}"
    digest = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
    return f"newscenter:page:{generation()}:{digest}"


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
    return Entry(response.status_code, headers, response.content, etag, last_modified, expires)


def _validators_of(response, now: float) -> tuple[str, float | None]:
    """The view's own ETag and Last-Modified (feeds date themselves by their articles), or a
    hash of the body, dated when it was made."""
    if response.has_header("ETag"):
        return response["ETag"], parse_http_date_safe(response.get("Last-Modified", ""))
    return '"' + hashlib.blake2b(response.content, digest_size=12).hexdigest() + '"', now


def _private(response) -> bool:
    directives = response.get("Cache-Control", "").lower()
    return any(word in directives for word in ("private", "no-cache", "no-store"))


def _answer(request, entry: Entry, now: float, *, state: str):
    if _not_modified(request, entry.etag, entry.last_modified):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry.body, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
    _validators(response, entry.etag, entry.last_modified)
    _cache_control(response, entry.expires - now)
    response["X-Page-Cache"] = state
    return response


def _finish(request, response, now: float, *, state: str):
    """A response served without the cache: the same validators and CDN headers, when it
    may be shared at all."""
    if _shareable(response):
        etag, last_modified = _validators_of(response, now)
        if _not_modified(request, etag, last_modified):
            response = HttpResponseNotModified()
        _validators(response, etag, last_modified)
        ttl = min(settings.NEWSCENTER_SHARED_MAX_AGE, next_publication() - now)
        _cache_control(response, ttl)
    response["X-Page-Cache"] = state
    return response


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


def _not_modified(request, etag: str, last_modified: float | None) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return last_modified is not None and since is not None and int(last_modified) <= since


def _validators(response, etag: str, last_modified: float | None) -> None:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)


def _cache_control(response, seconds_left: float) -> None:
    """Browsers revalidate every time (a 304 is cheap); shared caches (nginx, a CDN) keep the
    page for s-maxage, never past the next scheduled publication."""
    shared = max(0, min(settings.NEWSCENTER_SHARED_MAX_AGE, int(seconds_left)))
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={shared}, "
        f"stale-while-revalidate={settings.NEWSCENTER_STALE_WHILE_REVALIDATE}"
    )


# The generation


def generation() -> str:
    if _shared_cache():
        value = cache.get(GENERATION_KEY)
        if value is None:
            value = uuid.uuid4().hex
            # add(): of two servers starting at once, both end up with the same generation.
            if not cache.add(GENERATION_KEY, value, timeout=None):
                value = cache.get(GENERATION_KEY) or value
        return value
    try:
        stat = os.stat(_stamp_path())
    except FileNotFoundError:
        _write_stamp()
        stat = os.stat(_stamp_path())
    return f"{stat.st_ino}-{stat.st_mtime_ns}"


def bump(*, reason: str = "", purge: bool = True) -> None:
    """Renew every cached page, now."""
    if _shared_cache():
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    else:
        _write_stamp()
    _next_publication.clear()
    if purge:
        _purge(reason)


def bump_after_commit(*, reason: str = "") -> None:
    """Renew every cached page now and again when the transaction commits.

    Now, so that the writer's own next page (in the same transaction) is fresh; after the
    commit, because a reader may have cached the old page in between. Only the second tells
    the CDN: a rolled-back change changed nothing it holds.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # autocommit: the change is already committed
        bump(reason=reason)
        return
    bump(reason=reason, purge=False)
    # One renewal after commit (and one call of the purge hook) per transaction, however many
    # rows and relations it saved. Django keeps the pending callbacks in run_on_commit and
    # drops those of a rolled-back savepoint, so a later change registers again.
    if not any(getattr(func, "pagecache", False) for _, func, _ in connection.run_on_commit):
        renew = functools.partial(bump, reason=reason)
        renew.pagecache = True
        transaction.on_commit(renew)


def _shared_cache() -> bool:
    # `cache` is a proxy; the backend behind it tells whether other processes see it.
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def _stamp_path():
    return settings.DATA_DIR / "pages.generation"


def _write_stamp() -> None:
    # A new file renamed into place: a new inode, so the generation changes even when two
    # bumps fall within the file system's timestamp resolution.
    path = _stamp_path()
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temporary.write_text(uuid.uuid4().hex)
    os.replace(temporary, path)


# Scheduled publication


class _NextPublication:
    """When the next scheduled or embargoed article becomes public: cached per process until
    that moment or the next bump, so that a cache miss costs no extra query."""

    def __init__(self):
        self.value: float | None = None

    def get(self) -> float:
        now = time.time()
        if self.value is None or self.value <= now:
            self.value = self._read()
        return self.value

    def clear(self) -> None:
        self.value = None

    @staticmethod
    def _read() -> float:
        from newscenter.news.models import Article

        upcoming = (
            Article.objects.filter(status__in=Article.TIMED, pub_date__gt=timezone.now())
            .order_by("pub_date")
            .values_list("pub_date", flat=True)
            .first()
        )
        return upcoming.timestamp() if upcoming else float("inf")


_next_publication = _NextPublication()


def next_publication() -> float:
    return _next_publication.get()


# The purge hook


# A save renews the pages once for its own rows and once more when the services announce it
# (articles_changed, which imports rely on); an import announces batch after batch. The CDN
# hears of such a burst once: a call waits this long for the rest of it.
PURGE_DELAY = 0.3
_purge_pending = threading.Lock()


def _purge(reason: str) -> None:
    """Tell a CDN (or whatever NEWSCENTER_PURGE_URL names) that every page changed.

    Sent from a thread with a short timeout: an editor's save never waits on a CDN, and a
    failed call only means the CDN serves the old page until s-maxage runs out.
    """
    url = settings.NEWSCENTER_PURGE_URL
    if not url or not _purge_pending.acquire(blocking=False):
        return  # not configured, or a call is already waiting and will carry this change
    threading.Thread(target=_purge_later, args=(url, reason), daemon=True).start()


def _purge_later(url: str, reason: str) -> None:
    time.sleep(PURGE_DELAY)
    _purge_pending.release()  # a change from here on gets a call of its own
    payload = json.dumps({"paths": None, "reason": reason, "generation": generation()})
    _post(url, payload.encode())


def _post(url: str, payload: bytes) -> None:
    request = urllib.request.Request(  # noqa: S310 (the operator's own URL, http(s) only)
        url, data=payload, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            response.read()
    except OSError as error:
        logger.warning("Page cache purge hook %s failed: %s", url, error)


# What invalidates


def connect_signals() -> None:
    """Bump after any committed change to what public pages show."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from newscenter.news import models, signals

    for model in (
        models.Article,
        models.Section,
        models.Tag,
        models.Author,
        models.SiteSettings,
        models.Image,
        models.Rendition,
    ):
        post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}"
        )
    for through in (models.Article.tags.through, models.Article.authors.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"pagecache-m2m-{through}")
    # Bulk creation (imports) saves no model one by one; the services announce it instead.
    signals.articles_changed.connect(_changed, dispatch_uid="pagecache-articles")


def _changed(sender, action: str = "", **kwargs) -> None:
    if action.startswith("pre_"):  # m2m_changed announces each change before and after
        return
    bump_after_commit(reason=getattr(sender, "__name__", "change"))
