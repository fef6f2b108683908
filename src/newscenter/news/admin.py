"""The editors' desk: the Django admin, writing through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media

from newscenter.news import publishing, services
from newscenter.news.models import Article, AuditEntry, Author, Section, SiteSettings, Tag
from newscenter.news.rendering import sanitise_html

# What the toolbar offers; everything it can produce is inside news.rendering's allow-list,
# and the server sanitises again whatever the browser sends.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
    "HTML": True,
    "SpecialCharacters": True,
}


class ArticleAdminForm(forms.ModelForm):
    # Django 6's default already: "example.com/page" typed by an editor means https.
    source_url = forms.URLField(assume_scheme="https", required=False, max_length=1000)
    canonical_url = forms.URLField(assume_scheme="https", required=False, max_length=1000)

    body = ProseEditorFormField(
        config={"extensions": EDITOR_EXTENSIONS},
        sanitize=sanitise_html,
        widget=AdminProseEditorWidget,
        required=False,
    )

    class Meta:
        model = Article
        fields = (
            "headline", "slug", "standfirst", "body", "status", "pub_date", "section", "tags",
            "authors", "lead_image", "lead_image_alt", "source_name", "source_url",
            "canonical_url", "language",
        )  # fmt: skip


class NonceMediaMixin:
    """Give the editor's import map the request's CSP nonce: the policy allows no inline script."""

    def render_change_form(self, request, context, *args, **kwargs):
        context["media"] = Media.from_media(context["media"], nonce=str(request.csp_nonce))
        return super().render_change_form(request, context, *args, **kwargs)


@admin.register(Article)
class ArticleAdmin(NonceMediaMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ("headline", "state", "pub_date", "section", "updated")
    list_filter = ("status", "section", ("pub_date", admin.DateFieldListFilter), "tags")
    list_select_related = ("section",)
    search_fields = ("headline", "standfirst", "body", "source_name")
    date_hierarchy = "pub_date"
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("section", "tags", "authors")
    readonly_fields = ("public_url", "created", "updated")
    actions = ("publish_now", "unpublish")
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("headline", "slug", "standfirst", "body")}),
        ("Publishing", {"fields": ("status", "pub_date", "section", "tags", "authors")}),
        ("Lead image", {"fields": ("lead_image", "lead_image_alt")}),
        (
            "Source and language",
            {
                "fields": ("source_name", "source_url", "canonical_url", "language"),
                "description": "For items republished from another outlet: the page shows "
                "a “Source:” line linking the original.",
            },
        ),
        ("Record", {"fields": ("public_url", "created", "updated"), "classes": ("collapse",)}),
    )

    def get_urls(self):
        from django.urls import path

        from newscenter.news import admin_review, admin_revisions
        from newscenter.news.admin_import import import_view

        view = self.admin_site.admin_view(lambda request: import_view(self, request))
        return [
            path("import/", view, name="news_article_import"),
            *admin_revisions.urls(self),
            *admin_review.urls(self),
            *super().get_urls(),
        ]

    @admin.display(description="state", ordering="status")
    def state(self, obj: Article) -> str:
        if publishing.is_scheduled(obj):
            return "Scheduled"
        return obj.get_status_display()

    @admin.display(description="public address")
    def public_url(self, obj: Article) -> str:
        if not obj.pk:
            return "-"
        url = obj.get_absolute_url() if obj.is_public else reverse("news:preview", args=[obj.pk])
        label = "view on site" if obj.is_public else "preview (not public yet)"
        return format_html('<a href="{}">{}</a>', url, label)

    def view_on_site(self, obj: Article) -> str:
        return obj.get_absolute_url() if obj.is_public else reverse("news:preview", args=[obj.pk])

    def save_model(self, request, obj, form, change):
        # The form has already applied its values to obj (files included): hand those over.
        data = {k: getattr(obj, k) for k in form.cleaned_data if k in services.ARTICLE_FIELDS}
        m2m = {
            "tags": form.cleaned_data.get("tags", []),
            "authors": form.cleaned_data.get("authors", []),
        }
        if change:
            services.article_update(article=obj, acting_user=request.user, **data, **m2m)
        else:
            data.pop("headline")
            saved = services.article_create(
                acting_user=request.user, headline=obj.headline, **data, **m2m
            )
            obj.pk, obj.slug, obj.pub_day = saved.pk, saved.slug, saved.pub_day

    def save_related(self, request, form, formsets, change):
        # Tags and authors were saved by the service; only inline formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description="Publish selected articles now (keeps a future date)")
    def publish_now(self, request, queryset):
        for article in queryset:
            services.article_publish(article=article, acting_user=request.user)
        messages.success(request, f"Published {len(queryset)} article(s).")

    @admin.action(description="Unpublish selected articles (back to draft)")
    def unpublish(self, request, queryset):
        for article in queryset:
            services.article_unpublish(article=article, acting_user=request.user)
        messages.success(request, f"Unpublished {len(queryset)} article(s).")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "user")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    fieldsets = (
        (None, {"fields": ("site_name", "section_title", "tagline")}),
        ("Banner", {"fields": ("banner_image", "banner_alt")}),
        ("Locale", {"fields": ("language", "time_zone")}),
    )

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


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
