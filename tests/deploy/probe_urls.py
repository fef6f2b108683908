"""The site's URLs, plus probes under the prefixes nginx treats differently.

A probe counts its calls and says so in its body, and sends the Cache-Control public pages send:
a body that repeats an earlier count came from nginx's cache, not from the app.
"""

from __future__ import annotations

from collections import Counter

from django.http import HttpResponse, JsonResponse
from django.urls import path

from newscenter.urls import handler404, handler500
from newscenter.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]

PUBLIC = "public, max-age=0, s-maxage=60, stale-while-revalidate=30"
PROBED = ("probe/", "admin/probe/", "accounts/probe/", "news/preview/probe/", "news/review/probe/")
calls: Counter[str] = Counter()


def probe(request):
    calls[request.path] += 1
    response = HttpResponse(f"call {calls[request.path]}", content_type="text/plain")
    response["Cache-Control"] = PUBLIC
    response["ETag"] = f'"probe-{calls[request.path]}"'
    return response


def echo(request):
    """What the app learns about the request through the proxy's headers."""
    response = JsonResponse(
        {
            "secure": request.is_secure(),
            "forwarded_for": request.headers.get("X-Forwarded-For", ""),
            "host": request.get_host(),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    *(path(prefix, probe) for prefix in PROBED),
    path("probe/echo/", echo),
    *site_urlpatterns,
]
