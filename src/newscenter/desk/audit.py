"""The audit trail in the desk: read only, for those whose role lets them view it."""

from __future__ import annotations

from django.contrib import admin

from newscenter.news.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "article")
    list_filter = ("action",)
    list_select_related = ("actor", "article")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
