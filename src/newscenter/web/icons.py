"""The site's icons and web manifest, from the site settings: ``/favicon.ico``, the touch
icon a phone's home screen asks for, PNG icons in the sizes a manifest names, and the
manifest itself. The icon is the favicon uploaded in the desk, else the logo; with neither
the icon addresses answer ``204 No Content``, so that no browser logs a missing file."""

from __future__ import annotations

import hashlib
import io
import json

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from PIL import Image, UnidentifiedImageError

from newscenter.news.models import SiteSettings

SIZES = (32, 180, 192, 512)  # the tab, the touch icon, and the manifest's two
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]
MAX_AGE = 86400  # a day: the icon changes rarely, and its address stays the same
MAX_PIXELS = 4096 * 4096


def _site(request) -> SiteSettings:
    return getattr(request, "site_settings", None) or SiteSettings.load()


def icon_file(site: SiteSettings):
    return site.favicon or site.logo or None


def _square(site: SiteSettings, size: int) -> Image.Image | None:
    """The icon as a ``size`` square (transparent margins keep a wide logo whole)."""
    field = icon_file(site)
    if field is None:
        return None
    try:
        with field.open("rb") as stored, Image.open(stored) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                return None
            picture = opened.convert("RGBA")
            picture.thumbnail((size, size), Image.Resampling.LANCZOS)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None  # the file is gone from storage or unreadable: no icon, not an error
    square = Image.new("RGBA", (size, size))
    square.paste(picture, ((size - picture.width) // 2, (size - picture.height) // 2))
    return square


def _answer(request, data: bytes | None, content_type: str) -> HttpResponse:
    if data is None:
        response = HttpResponse(status=204)
    else:
        response = HttpResponse(data, content_type=content_type)
        response["ETag"] = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@require_safe
def icon_png(request, size: int):
    if size not in SIZES:
        raise Http404("No icon of that size")
    square = _square(_site(request), size)
    data = None
    if square is not None:
        out = io.BytesIO()
        square.save(out, format="PNG", optimize=True)
        data = out.getvalue()
    return _answer(request, data, "image/png")


@require_safe
def favicon_ico(request):
    square = _square(_site(request), 48)
    data = None
    if square is not None:
        out = io.BytesIO()
        square.save(out, format="ICO", sizes=ICO_SIZES)
        data = out.getvalue()
    return _answer(request, data, "image/x-icon")


@require_safe
def touch_icon(request):
    return icon_png(request, 180)


@require_safe
def web_manifest(request):
    site = _site(request)
    manifest = {
        "name": f"{site.section_title} · {site.site_name}",
        "short_name": site.site_name[:30],
        "start_url": reverse("news:index"),
        "scope": reverse("news:index"),
        "display": "browser",
        "lang": site.language,
        "icons": [
            {
                "src": reverse("news:icon", args=[size]),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ]
        if icon_file(site)
        else [],
    }
    data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    return _answer(request, data, "application/manifest+json")
