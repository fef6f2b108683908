"""The editors' desk as an admin site that demands a second factor of everyone it lets in.

Installed in place of ``django.contrib.admin`` (settings ``INSTALLED_APPS``), so
``admin.site`` and ``@admin.register`` everywhere mean this site. Like Django's own
``sites.py``, this module is imported while the app registry loads and so imports no models.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db.models import prefetch_related_objects
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache


class NewsroomAdminSite(AdminSite):
    site_header = "newscenter"
    site_title = "newscenter"
    index_title = "Newsroom"

    def has_permission(self, request) -> bool:
        # A session that only passed the password (or a user promoted to staff while logged
        # in) is not enough: the session must have passed the TOTP step (accounts/views.py).
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        allowed = super().has_permission(request) and callable(is_verified) and is_verified()
        if allowed and "groups" not in getattr(user, "_prefetched_objects_cache", {}):
            # The role is asked for every row's actions and links: read the groups once.
            prefetch_related_objects([user], "groups")
        return allowed

    def index(self, request, extra_context=None):
        from newscenter.desk import dashboard  # imports models

        return super().index(request, {**dashboard.context(request), **(extra_context or {})})

    def each_context(self, request):
        from newscenter.desk import dashboard  # imports models

        return {
            **super().each_context(request),
            **dashboard.each_context(request),
            "address_warning": address_warning(request),
        }

    def get_urls(self):
        from newscenter.desk import dashboard  # imports models

        read = self.admin_view(dashboard.notifications_read_view)
        return [path("notifications/read/", read, name="notifications_read"), *super().get_urls()]

    def get_app_list(self, request, app_label=None):
        from newscenter.desk import dashboard  # imports models

        apps = super().get_app_list(request, app_label)
        return dashboard.app_list(request, apps, app_label)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        # One way in for everyone: the accounts pages ask for the password, then the code.
        # Django's own admin form would log staff in on the password alone.
        from django.contrib.auth.views import redirect_to_login  # imports models

        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        return redirect_to_login(target, reverse("accounts:login"))


class NewsroomAdminConfig(AdminConfig):
    default_site = "newscenter.desk.site.NewsroomAdminSite"


_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _origin(scheme: str, netloc: str) -> tuple[str, str]:
    scheme, netloc = scheme.lower(), netloc.lower()
    host, _, port = netloc.rpartition(":") if not netloc.endswith("]") else (netloc, "", "")
    if port and port == _DEFAULT_PORTS.get(scheme):
        netloc = host
    return scheme, netloc


def address_warning(request) -> dict[str, str] | None:
    """For administrators, when the desk was reached at another address than the configured
    ``NEWSCENTER_BASE_URL``: what is configured, what is in use, and what to set.

    Links made away from a request (emails, feeds, review links, embeds) start with the
    configured address, so a wrong one sends readers to a dead address without any error here.
    """
    from newscenter.news import policy  # imports models

    if not policy.can(request.user, "site.settings"):
        return None
    configured = urlsplit(settings.NEWSCENTER_BASE_URL)
    in_use = f"{request.scheme}://{request.get_host()}"
    if _origin(configured.scheme, configured.netloc) == _origin(request.scheme, request.get_host()):
        return None
    only_scheme = _origin("", configured.netloc) == _origin("", request.get_host())
    return {
        "configured": settings.NEWSCENTER_BASE_URL,
        "in_use": in_use,
        "only_scheme": "yes" if only_scheme else "",
    }
