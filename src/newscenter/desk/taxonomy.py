"""Sections, tags and authors in the desk: ``taxonomy.edit`` on top of the model permissions,
and every write through ``services.taxonomy`` (policy, audit entry, change signal)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from newscenter.desk.addresses import AddressLinesField
from newscenter.desk.valid_html import ValidHtmlAdmin
from newscenter.news import policy
from newscenter.news.models import Author, Section, Tag
from newscenter.news.services import taxonomy


class TaxonomyAdmin(ValidHtmlAdmin):
    def has_add_permission(self, request):
        return super().has_add_permission(request) and policy.can(request.user, "taxonomy.edit")

    def has_change_permission(self, request, obj=None):
        allowed = policy.can(request.user, "taxonomy.edit")
        return super().has_change_permission(request, obj) and allowed

    def has_delete_permission(self, request, obj=None):
        allowed = policy.can(request.user, "taxonomy.edit")
        return super().has_delete_permission(request, obj) and allowed

    def save_model(self, request, obj, form, change):
        taxonomy.taxonomy_save(obj=obj, acting_user=request.user)

    def delete_model(self, request, obj):
        taxonomy.taxonomy_delete(obj=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            taxonomy.taxonomy_delete(obj=obj, acting_user=request.user)


@admin.register(Section)
class SectionAdmin(TaxonomyAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(TaxonomyAdmin):
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class AuthorForm(forms.ModelForm):
    links = AddressLinesField(
        label="Profiles elsewhere",
        help_text="Addresses of the author's profiles (LinkedIn, a personal site ...), one a "
        "line: search engines read them as the same person (sameAs).",
    )

    class Meta:
        model = Author
        fields = ("name", "slug", "job_title", "photo", "bio", "links", "user")


@admin.register(Author)
class AuthorAdmin(TaxonomyAdmin):
    form = AuthorForm
    list_display = ("name", "job_title", "user")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("photo",)
