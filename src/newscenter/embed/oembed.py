"""The oEmbed provider (https://oembed.com/): paste an article's address into WordPress, Ghost,
Discourse or any consumer, and it shows the article's card.

``/oembed?url=...&maxwidth=...&maxheight=...`` answers type ``rich``: a sandboxed iframe of
``embed:article`` (no scripts, no same-origin rights; its links may open the article). An
address that is not a public article of this site is 404, as the specification asks; a
``format`` other than json is 501.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from newscenter.embed import headers
from newscenter.news import selectors
from newscenter.news.models import Article

WIDTH, HEIGHT = 560, 220  # the card's size when the consumer sets no maximum
CACHE_AGE = 3600
SANDBOX = "allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"


class Refusal(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


@require_safe
def oembed(request):
    try:
        document = answer(request)
    except Refusal as refusal:
        response = JsonResponse({"error": str(refusal)}, status=refusal.status)
        response["Cache-Control"] = "no-store"
        return response
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    headers.embeddable(request, response, framed=False)
    return response


def answer(request) -> dict:
    if request.GET.get("format", "json") != "json":
        raise Refusal("format: only json is offered.", 501)
    address = request.GET.get("url", "").strip()
    if not address:
        raise Refusal("url: give the address of an article of this site.", 400)
    width = _maximum(request, "maxwidth", WIDTH)
    height = _maximum(request, "maxheight", HEIGHT)
    article = _article(request, address)
    site = request.site_settings
    card = request.build_absolute_uri(reverse("embed:article", kwargs={"pk": article.pk}))
    document = {
        "version": "1.0",
        "type": "rich",
        "title": article.headline,
        "provider_name": site.site_name,
        "provider_url": request.build_absolute_uri(reverse("news:index")),
        "cache_age": CACHE_AGE,
        "width": width,
        "height": height,
        "html": str(
            format_html(
                '<iframe src="{}" width="{}" height="{}" title="{}" sandbox="{}" '
                'loading="lazy" style="border:0;max-width:100%"></iframe>',
                card,
                width,
                height,
                article.headline,
                SANDBOX,
            )
        ),
    }
    authors = article.shown_authors
    if authors:
        document["author_name"] = ", ".join(author.name for author in authors)
        document["author_url"] = request.build_absolute_uri(authors[0].get_absolute_url())
    return document


def _maximum(request, name: str, default: int) -> int:
    value = request.GET.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise Refusal(f"{name}: {value!r} is not a positive whole number of pixels.", 400)
    return min(default, int(value))


def _article(request, address: str) -> Article:
    """The public article at ``address`` on this site; a 404 Refusal for anything else."""
    parts = urlsplit(address)
    ours = {request.get_host(), urlsplit(settings.NEWSCENTER_BASE_URL).netloc}
    if parts.scheme not in ("http", "https") or parts.netloc not in ours:
        raise Refusal("url: not an address on this site.", 404)
    try:
        match = resolve(parts.path)
    except Resolver404:
        raise Refusal("url: no article has this address.", 404) from None
    if match.view_name != "news:article":
        raise Refusal("url: this address is not an article's.", 404)
    kwargs = match.kwargs
    try:
        day = dt.date(kwargs["year"], kwargs["month"], kwargs["day"])
        return selectors.public_article(day=day, slug=kwargs["slug"])
    except (ValueError, Http404):
        raise Refusal("url: no public article has this address.", 404) from None
