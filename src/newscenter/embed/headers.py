"""The headers that make an embed safe to show on another site, and only on the listed ones.

- Framing: the rest of the site says ``frame-ancestors 'none'``; an embed page says which
  sites may frame it: any (``*``) while the site settings list no embed origins, else those
  and the site itself (the desk's preview).
- CORS: the JSON, the script and the oEmbed answer may be read by any page while no origins
  are listed, else by the listed ones only (``Vary: Origin``; the page cache keys by Origin).
- CSP: the page's one inline stylesheet and script are allowed by their hashes, not by a
  nonce, so that the page stays the same for every reader and may be cached.
- Cache: browsers may keep an embed ``NEWSCENTER_EMBED_MAX_AGE`` seconds (the page cache and
  shared caches keep it until the next change, as they keep pages).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponse

from newscenter.news.models import SiteSettings


def allowed_origins(request) -> list[str]:
    site = getattr(request, "site_settings", None) or SiteSettings.load()
    return list(site.embed_origins)


def frame_ancestors(origins: list[str]) -> str:
    return " ".join(["'self'", *origins]) if origins else "*"


def source_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def page_policy(origins: list[str], *, styles: Iterable[str] = (), scripts: Iterable[str] = ()):
    """The CSP of an embed page: nothing but its own inline style and script, pictures from
    this site (and the media origin), and the framing rule."""
    media = [settings.MEDIA_ORIGIN] if settings.MEDIA_ORIGIN else []
    directives = {
        "default-src": ["'none'"],
        "style-src": [source_hash(text) for text in styles] or ["'none'"],
        "script-src": [source_hash(text) for text in scripts] or ["'none'"],
        "img-src": ["'self'", *media],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": [frame_ancestors(origins)],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def embeddable(request, response: HttpResponse, *, framed: bool, policy: str = "") -> None:
    """Give ``response`` the embed headers: framing (``framed``), CORS, a browser max-age."""
    origins = allowed_origins(request)
    if framed:
        response["Content-Security-Policy"] = policy or page_policy(origins)
        # The CSP's frame-ancestors is the rule; X-Frame-Options cannot list several sites.
        response.xframe_options_exempt = True
    else:
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    cors(request, response, origins)
    # The page cache keeps browser_max_age; it replaces the Cache-Control with its own.
    response["Cache-Control"] = f"public, max-age={settings.NEWSCENTER_EMBED_MAX_AGE}"
    response.browser_max_age = settings.NEWSCENTER_EMBED_MAX_AGE  # type: ignore[attr-defined]
    # Another site's page may load this (the browser would refuse it under CORP same-origin).
    response["Cross-Origin-Resource-Policy"] = "cross-origin"


def cors(request, response: HttpResponse, origins: list[str]) -> None:
    if not origins:
        response["Access-Control-Allow-Origin"] = "*"
        return
    response["Vary"] = "Origin"
    origin = request.headers.get("Origin")
    if origin in origins:
        response["Access-Control-Allow-Origin"] = origin
