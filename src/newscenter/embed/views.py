"""The embeds: the iframe page, the fragment and JSON for server-side includes, the custom
element's script, and the article card that oEmbed answers frame (``oembed.py``).

Thin views: read the options (``options``), take the items (``items``), render, then give
the answer the embed headers (``headers``). None of them reads the session or sets a cookie.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from newscenter.embed import headers, items
from newscenter.embed.options import OptionError, Options, parse
from newscenter.news import selectors
from newscenter.news.languages import direction, url_code

ASSETS = Path(__file__).resolve().parent / "assets"
STYLE = (ASSETS / "embed.css").read_text().strip()
HEIGHT_SCRIPT = (ASSETS / "height.js").read_text().strip()
ELEMENT_SCRIPT = (ASSETS / "latest.js").read_text().replace("__STYLE__", json.dumps(STYLE))


def with_options(*, as_json: bool = False):
    """A view of the latest items: GET and HEAD only, called with the options read from the
    query string; a bad option is refused before the view runs."""

    def decorate(view):
        @functools.wraps(view)
        @require_safe
        def wrapped(request):
            try:
                options = parse(request.GET)
            except OptionError as error:
                return _refused(error, as_json=as_json)
            if not options.lang:
                return view(request, options)
            # lang=de: the German edition, its dates and the link to its news index.
            with translation.override(url_code(options.lang)):
                return view(request, options)

        return wrapped

    return decorate


@with_options()
def latest(request, options: Options):
    """The iframe page: a whole document with its stylesheet inline and no request of its own
    but the pictures; it posts its height to the framing page for auto-height."""
    style = STYLE + (f".nc{{--newscenter-accent:#{options.accent}}}" if options.accent else "")
    # mark_safe: the stylesheet and script are our own files and a hex colour checked by
    # options._accent; the CSP allows exactly these texts by their hashes.
    response = render(
        request,
        "embed/latest.html",
        _context(request, options, framed=True)
        | {"style": mark_safe(style), "script": mark_safe(HEIGHT_SCRIPT)},  # noqa: S308
    )
    origins = headers.allowed_origins(request)
    policy = headers.page_policy(origins, styles=[style], scripts=[HEIGHT_SCRIPT])
    headers.embeddable(request, response, framed=True, policy=policy)
    return response


@with_options()
def latest_fragment(request, options: Options):
    """A bare fragment of HTML for a server-side include (nginx SSI, PHP, Django)."""
    response = render(request, "embed/fragment.html", _context(request, options, framed=False))
    headers.embeddable(request, response, framed=False)
    return response


@with_options(as_json=True)
def latest_json(request, options: Options):
    """The items as JSON: what the custom element reads, and what a server may include."""
    context = _context(request, options, framed=False)
    document = {
        "version": 1,
        "title": context["title"],
        "home_page_url": context["more_url"],
        "more": context["more_label"],
        "items": [item.as_json() for item in context["items"]],
    }
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    headers.embeddable(request, response, framed=False)
    return response


@require_safe
def latest_script(request):
    """The ``<news-latest>`` custom element (assets/latest.js, with the embeds' stylesheet)."""
    response = HttpResponse(ELEMENT_SCRIPT, content_type="text/javascript; charset=utf-8")
    headers.embeddable(request, response, framed=False)
    return response


@require_safe
def article_card(request, pk: int):
    """One public article as a card: what an oEmbed consumer frames (sandboxed)."""
    article = selectors.public_articles().filter(pk=pk).first()
    if article is None:
        return _refused(OptionError("There is no public article with this number.", status=404))
    item = items.item(
        article, absolute=request.build_absolute_uri, width=items.PICTURE_WIDTHS["list"]
    )
    options = Options(limit=1)
    context = _context(request, options, framed=True, found=[item])
    context["title"] = f"{article.headline} · {request.site_settings.site_name}"
    response = render(request, "embed/latest.html", context | {"style": mark_safe(STYLE)})  # noqa: S308
    origins = headers.allowed_origins(request)
    policy = headers.page_policy(origins, styles=[STYLE])
    headers.embeddable(request, response, framed=True, policy=policy)
    return response


def _context(request, options: Options, *, framed: bool, found=None) -> dict:
    site = request.site_settings
    subject = options.section or options.tag or options.author
    more = subject.get_absolute_url() if subject is not None else reverse("news:index")
    return {
        "options": options,
        "items": found
        if found is not None
        else items.latest(options, absolute=request.build_absolute_uri),
        "framed": framed,
        "language": options.lang or site.language or "en",
        "direction": direction(options.lang or site.language or "en"),
        "more_url": request.build_absolute_uri(more),
        "title": f"{subject or site.section_title} · {site.site_name}",
        "more_label": f"All news from {site.site_name}",
    }


def _refused(error: OptionError, *, as_json: bool = False) -> HttpResponse:
    """A bad option: its sentence, uncached, and shown in the frame (the author of the host
    page sees what to fix)."""
    if as_json:
        response: HttpResponse = JsonResponse({"error": str(error)}, status=error.status)
    else:
        response = HttpResponse(
            f"{error}\n", status=error.status, content_type="text/plain; charset=utf-8"
        )
    response["Content-Security-Policy"] = "default-src 'none'"
    response.xframe_options_exempt = True
    response["Cache-Control"] = "no-store"
    return response
