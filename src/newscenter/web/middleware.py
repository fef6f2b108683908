"""Headers Django does not set by itself, and the site's time zone for each request."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.utils import timezone

from newscenter.news.models import SiteSettings

# The editor (Tiptap) injects one fixed <style> element of base styles. Allowing exactly that
# stylesheet by its hash keeps style-src free of 'unsafe-inline'. The browser test fails on any
# CSP violation, so an editor upgrade that changes the stylesheet is noticed.
ADMIN_STYLE_HASHES = ["'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"]


class SecurityHeadersMiddleware:
    """Permissions-Policy everywhere; ``no-store`` on the admin so shared caches never keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.path.startswith(_admin_prefix()):
            response.headers["Cache-Control"] = "no-store"
            response._csp_update = {"style-src": ADMIN_STYLE_HASHES}
        return response


def _admin_prefix() -> str:
    from django.urls import reverse

    return reverse("admin:index")


class SiteTimezoneMiddleware:
    """Show dates in the time zone chosen in the site settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.site_settings = SiteSettings.load()
        timezone.activate(zoneinfo.ZoneInfo(request.site_settings.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
