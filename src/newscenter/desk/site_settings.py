"""The site settings in the desk: administrators only (``site.settings``), one row, saved by
``services.site_settings_update``."""

from __future__ import annotations

from django.contrib import admin

from newscenter.desk.valid_html import ValidHtmlAdmin
from newscenter.news import policy
from newscenter.news.models import SiteSettings
from newscenter.news.services import site_settings_update


@admin.register(SiteSettings)
class SiteSettingsAdmin(ValidHtmlAdmin):
    autocomplete_fields = ("banner_image",)
    fieldsets = (
        (None, {"fields": ("site_name", "section_title", "tagline")}),
        ("Banner", {"fields": ("banner_image", "banner_alt")}),
        ("Locale", {"fields": ("language", "time_zone")}),
    )

    def has_view_permission(self, request, obj=None):
        allowed = policy.can(request.user, "site.settings")
        return super().has_view_permission(request, obj) and allowed

    def has_add_permission(self, request):
        allowed = policy.can(request.user, "site.settings")
        return not SiteSettings.objects.exists() and allowed

    def has_change_permission(self, request, obj=None):
        allowed = policy.can(request.user, "site.settings")
        return super().has_change_permission(request, obj) and allowed

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        changes = {name: getattr(obj, name) for name in form.cleaned_data}
        saved = site_settings_update(acting_user=request.user, **changes)
        obj.pk = saved.pk
