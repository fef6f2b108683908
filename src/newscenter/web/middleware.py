"""Headers Django does not set by itself, and the site's time zone for each request."""

from __future__ import annotations

import functools
import zoneinfo

from django.conf import settings
from django.utils import timezone

from newscenter.web.sitecache import site_settings

# The editor (Tiptap) injects one fixed <style> element of base styles. Allowing exactly that
# stylesheet by its hash keeps style-src free of 'unsafe-inline'. The browser test fails on any
# CSP violation, so an editor upgrade that changes the stylesheet is noticed.
ADMIN_STYLE_HASHES = ["'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"]


class SecurityHeadersMiddleware:
    """Permissions-Policy everywhere; ``no-store`` on every private page (the desk, sign-in,
    previews, review links) and on any answer that sets a cookie, so that no shared cache
    ever keeps one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        admin, private = _private_prefixes()
        if request.path.startswith(admin):
            # Added to what a view asked for (the embed builder's frame-src), not in its place.
            update = getattr(response, "_csp_update", None) or {}
            response._csp_update = {**update, "style-src": ADMIN_STYLE_HASHES}
        one_person = request.path.startswith(private) or bool(response.cookies)
        if one_person and "no-store" not in response.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        return response


class StaticHeadersMiddleware:
    """Before whitenoise, which answers static files itself: the headers pages get from the
    middleware further in, for files too. A stylesheet or script needs no CSP to be used by a
    page; the policy here is for the file opened on its own (an SVG, say): it may do nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", STATIC_POLICY)
        if not getattr(response, "xframe_options_exempt", False):  # the embeds: CSP decides
            response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


STATIC_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


@functools.cache
def _private_prefixes() -> tuple[str, tuple[str, ...]]:
    """The desk's prefix, and those of every page for one person only."""
    from django.urls import reverse

    from newscenter.web.paths import url_prefix

    admin = reverse("admin:index")
    private = (
        admin,
        url_prefix("accounts:login"),
        url_prefix("news:preview", pk=1),
        url_prefix("news:review", token="example"),  # noqa: S106 (any token: the folder)
    )
    return admin, private


class SiteTimezoneMiddleware:
    """Show dates in the time zone chosen in the site settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "site_settings", None) is None:
            request.site_settings = site_settings()
        timezone.activate(zoneinfo.ZoneInfo(request.site_settings.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
