"""robots.txt: what crawlers may fetch, and where the sitemaps are."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from newscenter.conf import site_url
from newscenter.web.paths import url_prefix


def robots_txt(request):
    context = {
        "disallowed": [reverse("admin:index"), url_prefix("news:preview", pk=0)],
        "sitemaps": [
            site_url(reverse(name)) for name in ("news:sitemap-index", "news:sitemap-news")
        ],
    }
    return render(request, "web/robots.txt", context, content_type="text/plain; charset=utf-8")
