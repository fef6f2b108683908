"""The application ``newscenter serve`` runs under granian: Django behind the front (front.py)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newscenter.settings")
django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after Django is set up)
from django.http.request import split_domain_port, validate_host  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.encoding import escape_uri_path, iri_to_uri  # noqa: E402

from newscenter.addresses import client_ip_in  # noqa: E402
from newscenter.analytics import collect  # noqa: E402
from newscenter.front import Front, Limits  # noqa: E402
from newscenter.web.pagecache.middleware import Ask, cached  # noqa: E402


def _cached(scope: dict):
    """The page cache's answer for an ASGI request, when it holds one for a reader."""
    headers = {
        name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]
    }
    host = headers.get("host", "")
    if not validate_host(split_domain_port(host)[0], settings.ALLOWED_HOSTS):
        return None
    # As HttpRequest.get_full_path() spells it, so that both find the same entry.
    query = scope.get("query_string", b"").decode("utf-8", "replace")
    path = scope.get("root_path", "") + scope["path"]
    full = escape_uri_path(path) + (f"?{iri_to_uri(query)}" if query else "")
    scheme = "https" if _secure(scope, headers) else "http"
    cookies = headers.get("cookie", "")
    response = cached(
        Ask(
            method=scope["method"],
            path=scope["path"],
            url=f"{scheme}://{host}{full}",
            signed_in=f"{settings.SESSION_COOKIE_NAME}=" in cookies or "authorization" in headers,
            if_none_match=headers.get("if-none-match"),
            if_modified_since=headers.get("if-modified-since"),
            origin=headers.get("origin"),
            accept_encoding=headers.get("accept-encoding"),
        )
    )
    if response is not None:
        _count(scope, headers, query, response)
    return response


def _count(scope: dict, headers: dict[str, str], query: str, response) -> None:
    """A hit answered here is counted as the middleware counts the pages Django answers."""
    try:
        results = collect.take_results(response)
        remote = (scope.get("client") or ("", 0))[0]
        meta = {"REMOTE_ADDR": remote}
        name = "HTTP_" + settings.NEWSCENTER_CLIENT_IP_HEADER.upper().replace("-", "_")
        meta[name] = headers.get(settings.NEWSCENTER_CLIENT_IP_HEADER.lower(), "")
        collect.count(
            method=scope["method"],
            path=scope["path"],
            query=query,
            headers=headers,
            ip=client_ip_in(meta),
            status=response.status_code,
            results=results,
        )
    except Exception:  # counting never fails a page
        collect.buffer.logger.exception("counting a view failed")


def _secure(scope: dict, headers: dict[str, str]) -> bool:
    """As Django decides it: behind a proxy, by the header the proxy sets (settings.py)."""
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header:
        name, value = header
        return headers.get(name.removeprefix("HTTP_").replace("_", "-").lower()) == value
    return scope.get("scheme") == "https"


application = Front(
    django_application,
    Limits(
        threads=settings.NEWSCENTER_THREADS,
        desk_threads=settings.NEWSCENTER_DESK_THREADS,
        queue=settings.NEWSCENTER_QUEUE,
        wait=settings.NEWSCENTER_QUEUE_WAIT,
        retry_after=settings.NEWSCENTER_RETRY_AFTER,
        body_timeout=settings.NEWSCENTER_BODY_TIMEOUT,
        max_body=settings.NEWSCENTER_MAX_BODY_MB * 1024 * 1024,
    ),
    # The desk and signing in keep threads of their own under public load.
    desk_prefixes=(reverse("admin:index"), reverse("accounts:login").rsplit("/", 2)[0] + "/"),
    cached=_cached,
)

# What the process loaded to get here (Django, the apps, the URLconf: 140,000 objects) lives
# as long as it does: kept out of the collector's full passes, which walked it all each time
# (70-130 ms at a time, a page's p99 in bench/sitemaps.py; 3 ms frozen).
gc.freeze()
