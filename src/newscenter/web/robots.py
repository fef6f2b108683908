"""robots.txt: what crawlers may fetch, and where the sitemaps are."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse


def robots_txt(request):
    context = {
        "disallowed": [reverse("admin:index"), _prefix_of("news:preview", pk=0)],
        "sitemaps": [
            request.build_absolute_uri(reverse(name))
            for name in ("news:sitemap-index", "news:sitemap-news")
        ],
    }
    return render(request, "web/robots.txt", context, content_type="text/plain; charset=utf-8")


def _prefix_of(name: str, **kwargs) -> str:
    """The folder holding every URL of a pattern: "/news/preview/0/" gives "/news/preview/"."""
    return reverse(name, kwargs=kwargs).rstrip("/").rsplit("/", 1)[0] + "/"
