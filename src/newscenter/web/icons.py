"""The small files a page links besides its stylesheet, made from the site's settings:
``/favicon.ico``, the touch icon a phone's home screen asks for, PNG icons in the sizes a
manifest names, the manifest itself, and the print stylesheet's addresses. The icon is the
favicon uploaded in the desk, else the logo, else a plain square in the site's accent colour:
every address answers, so no browser logs a missing file."""

from __future__ import annotations

import hashlib
import io
import json
from urllib.parse import urlsplit

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from PIL import Image, UnidentifiedImageError

from newscenter.conf import site_url
from newscenter.news.models import SiteSettings

SIZES = (32, 180, 192, 512)  # the tab, the touch icon, and the manifest's two
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]
MAX_AGE = 86400  # a day: the icon changes rarely, and its address stays the same
MAX_PIXELS = 4096 * 4096
PLAIN = (11, 92, 173, 255)  # the stylesheet's --accent, for a site without icon or logo


def _site(request) -> SiteSettings:
    return getattr(request, "site_settings", None) or SiteSettings.load()


def icon_file(site: SiteSettings):
    return site.favicon or site.logo or None


def _square(site: SiteSettings, size: int) -> Image.Image:
    """The icon as a ``size`` square (transparent margins keep a wide logo whole)."""
    picture = _uploaded(site, size)
    if picture is None:
        return Image.new("RGBA", (size, size), PLAIN)
    square = Image.new("RGBA", (size, size))
    square.paste(picture, ((size - picture.width) // 2, (size - picture.height) // 2))
    return square


def _uploaded(site: SiteSettings, size: int) -> Image.Image | None:
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
        return None  # the file is gone from storage or unreadable: the plain icon instead
    return picture


def _answer(request, data: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["ETag"] = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@require_safe
def icon_png(request, size: int):
    if size not in SIZES:
        raise Http404("No icon of that size")
    out = io.BytesIO()
    _square(_site(request), size).save(out, format="PNG", optimize=True)
    return _answer(request, out.getvalue(), "image/png")


@require_safe
def favicon_ico(request):
    out = io.BytesIO()
    _square(_site(request), 48).save(out, format="ICO", sizes=ICO_SIZES)
    return _answer(request, out.getvalue(), "image/x-icon")


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
        ],
    }
    data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    return _answer(request, data, "application/manifest+json")


@require_safe
def print_stylesheet(request):
    """On paper a link shows its address after its words (site.css); a link within the site
    (``/news/...``) is printed with the site's configured origin before it, so that a printed
    article names addresses a reader can type. The origin is the configured one, never the
    request's Host."""
    parts = urlsplit(site_url("/"))
    origin = f"{parts.scheme}://{parts.netloc}".replace("\\", "\\\\").replace('"', '\\"')
    css = (
        "@media print {\n"
        f'  main a[href^="/"]::after {{ content: " ({origin}" attr(href) ")"; }}\n'
        "}\n"
    )
    return _answer(request, css.encode(), "text/css; charset=utf-8")
