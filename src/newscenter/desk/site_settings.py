"""The site settings in the desk: administrators only (``site.settings``), one row, saved by
``services.site_settings_update``."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from newscenter.desk import embeds
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
        ("Locale", {"fields": ("language", "languages", "x_default", "time_zone")}),
    )

    def get_urls(self):
        return [*embeds.urls(self), *super().get_urls()]

    def get_fieldsets(self, request, obj=None):
        builder = reverse("admin:news_sitesettings_embed")
        embed = format_html(
            '<a href="{}">Embed the latest news on other sites</a>: the snippet, a preview, '
            "and the sites that may show it.",
            builder,
        )
        return (
            *super().get_fieldsets(request, obj),
            ("Embeds", {"fields": (), "description": embed}),
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
