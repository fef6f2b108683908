"""The site settings in the desk: administrators only (``site.settings``), one row, saved by
``services.site_settings_update``.

Language and time zone are chosen from lists (desk/choices.py), never typed; the link-preview
image is chosen from the library or uploaded here (through ``services.image_create``, with the
library's checks)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from newscenter.desk import embeds
from newscenter.desk.addresses import AddressLinesField
from newscenter.desk.choices import LanguageField, TimeZoneField
from newscenter.desk.media import ACCEPT, checked_upload
from newscenter.desk.valid_html import ValidHtmlAdmin
from newscenter.news import policy
from newscenter.news.models import SiteSettings
from newscenter.news.services import images, site_settings_update

# Fields of the form that are not columns of the row: save_model turns them into an image.
UPLOAD_FIELDS = ("share_upload", "share_upload_alt")


class SiteSettingsForm(forms.ModelForm):
    language = LanguageField()
    time_zone = TimeZoneField()
    social_links = AddressLinesField(
        label="Social profiles",
        help_text="The company's profiles (LinkedIn, X, YouTube ...), one a line: linked "
        "under the press contact on every page.",
    )
    share_upload = forms.FileField(
        label="Or upload a new one",
        required=False,
        help_text="JPEG, PNG, GIF, WebP or AVIF, at least 1200 pixels wide; it joins the media "
        "library and replaces the one chosen above.",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
    share_upload_alt = forms.CharField(
        label="What the new image shows",
        required=False,
        max_length=300,
        help_text="Required with an upload: for readers who cannot see it.",
    )

    class Meta:
        model = SiteSettings
        fields = ("language", "time_zone", "social_links")  # the fieldsets add the others

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared = None
        self.fields["language"].keep(self.instance.language)  # type: ignore[attr-defined]

    def clean_share_upload(self):
        upload = self.cleaned_data["share_upload"]
        if upload:
            self.prepared = checked_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("share_upload") and not cleaned.get("share_upload_alt", "").strip():
            self.add_error(
                "share_upload_alt",
                "Describe the new image in a few words: readers who cannot see it hear this.",
            )
        return cleaned


@admin.register(SiteSettings)
class SiteSettingsAdmin(ValidHtmlAdmin):
    form = SiteSettingsForm
    autocomplete_fields = ("banner_image", "share_image")
    fieldsets = (
        (None, {"fields": ("site_name", "section_title", "tagline")}),
        ("Banner", {"fields": ("banner_image", "banner_alt")}),
        (
            "Logo, icons and link previews",
            {"fields": ("logo", "favicon", "share_image", "share_upload", "share_upload_alt")},
        ),
        (
            "Press contact",
            {
                "fields": (
                    "press_contact_name",
                    "press_contact_email",
                    "press_contact_phone",
                    "social_links",
                )
            },
        ),
        (
            "Language and time",
            {"fields": ("language", "languages", "x_default", "texts", "time_zone")},
        ),
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
        changes = {
            name: getattr(obj, name) for name in form.cleaned_data if name not in UPLOAD_FIELDS
        }
        if form.prepared is not None:
            changes["share_image"] = images.image_create(
                file_or_bytes=form.prepared,
                alt=form.cleaned_data["share_upload_alt"],
                acting_user=request.user,
            )
        saved = site_settings_update(acting_user=request.user, **changes)
        obj.pk = saved.pk
