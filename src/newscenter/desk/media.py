"""The media library in the admin: upload, describe, find and pick images.

Every write goes through news.services.images (``image_create``, ``image_update``,
``image_delete``), so uploads here meet exactly the checks that imports meet, and the policy
decides who may upload (``image.upload``) and who may change or delete (``image.edit``).
"""

from __future__ import annotations

import html

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from newscenter.desk.attachments import attach_view
from newscenter.desk.deleting import UsedInBodies
from newscenter.news import policy
from newscenter.news.models import Image
from newscenter.news.services import images

ACCEPT = "image/jpeg,image/png,image/gif,image/webp,image/avif"


class ImageUploadForm(forms.ModelForm):
    upload = forms.FileField(
        label="Image file",
        help_text=f"JPEG, PNG, GIF, WebP or AVIF, at most {images.MAX_BYTES // 2**20} MB and "
        f"{images.MAX_PIXELS // 1_000_000} megapixels. SVG is not accepted. The file is "
        "stored re-encoded, without its metadata (camera, location), under a new name.",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    class Meta:
        model = Image
        fields = ("alt", "caption", "credit")

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.prepared = checked_upload(upload)
        return upload


def checked_upload(upload) -> images.Prepared:
    """An uploaded image checked while a form validates, so that a refusal is a form error
    with its reason, not a server error; image_create takes the checked pixels over and does
    not decode them again."""
    try:
        return images.prepare(upload)
    except images.ImageRejected as exc:
        reason = str(exc)
        raise ValidationError(f"{reason[:1].upper()}{reason[1:]}.", code="rejected") from None


class PickerUploadForm(ImageUploadForm):
    """An upload from the writing screen: the alternative text is required there."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alt"].required = True
        self.fields[
            "alt"
        ].help_text = "Required: what the picture shows, for readers who cannot see it."


PICKER_SIZE = 48


def figure_caption(image: Image) -> str:
    """The caption a figure of ``image`` starts with: its caption, then its credit."""
    credit = f"Photo: {image.credit}" if image.credit else ""
    return " ".join(part for part in (image.caption.strip(), credit) if part)


@admin.register(Image)
class ImageAdmin(UsedInBodies):
    list_display = ("thumbnail", "__str__", "dimensions", "credit", "created")
    list_display_links = ("thumbnail", "__str__")
    search_fields = ("alt", "caption", "credit")
    list_filter = (("created", admin.DateFieldListFilter),)
    readonly_fields = ("preview", "dimensions", "body_markup", "shown_in", "uploaded_by", "created")
    actions = ("renditions_remake",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def get_urls(self):
        pick = self.admin_site.admin_view(self.pick_view)
        card = self.admin_site.admin_view(self.card_view)
        upload = self.admin_site.admin_view(self.upload_view)
        attach = self.admin_site.admin_view(attach_view)
        return [
            path("attach/", attach, name="news_attachment_upload"),
            path("pick/", pick, name="news_image_pick"),
            path("upload/", upload, name="news_image_upload"),
            path("<int:pk>/card/", card, name="news_image_card"),
            *super().get_urls(),
        ]

    def card_view(self, request, pk: int):
        """The writing screen's lead image thumbnail, when the editor chooses another image."""
        if not policy.can(request.user, "article.create"):
            raise PermissionDenied
        image = get_object_or_404(Image.objects.prefetch_related("renditions"), pk=pk)
        return JsonResponse({"html": lead_card(image)})

    def upload_view(self, request):
        """An image file pasted or dropped into the body editor, with the alternative text
        the editor was asked for: into the library, answered as JSON for the figure
        (static/desk/body-paste.js). Refusals name the field and the reason."""
        if request.method != "POST":
            return JsonResponse({"error": "Send the image with POST."}, status=405)
        if not self.has_add_permission(request):
            refused = {"error": "Your role may not add images to the library."}
            return JsonResponse(refused, status=403)
        form = PickerUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = {name: [str(m) for m in said] for name, said in form.errors.items()}
            labels = {name: str(form.fields[name].label) for name in errors if name in form.fields}
            said = "; ".join(f"{labels.get(n, n)}: {' '.join(m)}" for n, m in errors.items())
            return JsonResponse({"error": said, "errors": errors}, status=400)
        image = _uploaded(form, request.user)
        answer = {"id": image.pk, "url": image.file.url, "alt": image.alt}
        return JsonResponse({**answer, "caption": figure_caption(image)}, status=201)

    def pick_view(self, request):
        """The editor's "insert image" window: search, upload (alt text required), choose.

        Opened by the body editor's figure dialog ("Browse..."), whose window it calls back
        with the chosen image's address, alternative text and caption (static/desk/picker.js).
        """
        if not policy.can(request.user, "article.create") and not policy.can(
            request.user, "image.upload"
        ):
            raise PermissionDenied
        may_upload = self.has_add_permission(request)
        chosen = None
        form = PickerUploadForm(prefix="upload") if may_upload else None
        status = 200
        if request.method == "POST" and may_upload:
            form = PickerUploadForm(request.POST, request.FILES, prefix="upload")
            if form.is_valid():
                chosen = _uploaded(form, request.user)
                form = PickerUploadForm(prefix="upload")
            else:
                status = 400
        query = request.GET.get("q", "").strip()[:200]
        found = Image.objects.prefetch_related("renditions")
        if query:
            found = found.filter(
                Q(alt__icontains=query) | Q(caption__icontains=query) | Q(credit__icontains=query)
            )
        shown = list(found[:PICKER_SIZE])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Insert an image",
            "query": query,
            "images": [(image, _img(image, width=160), figure_caption(image)) for image in shown],
            "form": form,
            "chosen": chosen,
            "chosen_caption": figure_caption(chosen) if chosen else "",
            "callback": request.GET.get("CKEditorFuncNum", ""),
        }
        return TemplateResponse(request, "admin/news/image/pick.html", context, status=status)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ImageUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ("upload", "alt", "caption", "credit")}),)
        about = ("dimensions", "body_markup", "shown_in", "uploaded_by", "created")
        return (
            (None, {"fields": ("preview", "alt", "caption", "credit")}),
            ("File", {"fields": about}),
        )

    # Permissions: the admin's model permissions open the pages, the policy decides.

    def has_add_permission(self, request):
        return super().has_add_permission(request) and policy.can(request.user, "image.upload")

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and policy.can(request.user, "image.edit")

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and policy.can(request.user, "image.edit")

    # Writes

    def add_view(self, request, form_url="", extra_context=None):
        response = super().add_view(request, form_url, extra_context)
        # A refused upload is the client's error: say so in the status too, not only in words.
        if request.method == "POST" and getattr(response, "context_data", {}).get("errors"):
            response.status_code = 400
        return response

    def save_model(self, request, obj, form, change):
        if change:
            edited = {name: form.cleaned_data[name] for name in images.EDITABLE}
            images.image_update(image=obj, acting_user=request.user, **edited)
            return
        created = images.image_create(
            file_or_bytes=form.prepared,
            alt=obj.alt,
            caption=obj.caption,
            credit=obj.credit,
            acting_user=request.user,
        )
        for field in Image._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False

    # Lead images and the banner are protected by their foreign keys; an image shown inside
    # a body is not, so the confirmation page names those articles the same way.
    used_words = "shows it in its body"

    def delete_one(self, request, obj):
        images.image_delete(image=obj, acting_user=request.user)

    def bodies_using(self, obj):
        return images.bodies_showing(obj)

    @admin.action(description="Make the renditions again", permissions=["change"])
    def renditions_remake(self, request, queryset):
        made = 0
        for image in queryset:
            try:
                images.image_renditions_remake(image=image, acting_user=request.user)
            except (images.ImageRejected, OSError) as exc:
                messages.error(request, f"{image}: {exc}")
            else:
                made += 1
        if made:
            messages.success(request, f"Made the renditions of {made} image(s).")

    # Columns and read-only fields

    @admin.display(description="picture")
    def thumbnail(self, obj: Image) -> str:
        return _img(obj, width=96)

    @admin.display(description="picture")
    def preview(self, obj: Image) -> str:
        return _img(obj, width=480)

    @admin.display(description="size")
    def dimensions(self, obj: Image) -> str:
        return f"{obj.width} x {obj.height}" if obj.width else "unknown"

    @admin.display(description="in an article body")
    def body_markup(self, obj: Image) -> str:
        # Shown as text to copy: format_html escapes the snippet, whose alt is escaped already.
        snippet = f'<img src="{obj.file.url}" alt="{html.escape(obj.alt)}">'
        return format_html(
            "<code>{}</code><br>Pasted into a body (HTML view), it is shown responsive there.",
            snippet,
        )

    @admin.display(description="shown")
    def shown_in(self, obj: Image) -> str:
        uses = images.image_uses(obj)
        if not uses:
            return "nowhere yet"
        return format_html_join("", "<div>{}</div>", ((use,) for use in uses))


def _uploaded(form: PickerUploadForm, user) -> Image:
    """The image of a valid upload form, into the library."""
    return images.image_create(
        file_or_bytes=form.prepared,
        alt=form.cleaned_data["alt"],
        caption=form.cleaned_data["caption"],
        credit=form.cleaned_data["credit"],
        acting_user=user,
    )


def lead_card(image: Image | None) -> str:
    """A lead image as the writing screen's sidebar shows it: thumbnail, alt text, caption."""
    if image is None:
        return format_html('<p class="lead-card lead-card-empty">{}</p>', "No lead image chosen.")
    return format_html(
        '<figure class="lead-card">{}<figcaption><span class="lead-alt">Alt text: {}</span>'
        "{}</figcaption></figure>",
        _img(image, width=320),
        image.alt or "(none: describe it before publishing)",
        format_html("<span>{}</span>", figure_caption(image)) if figure_caption(image) else "",
    )


def _img(image: Image, *, width: int) -> str:
    """A plain ``<img>`` of the narrowest rendition at least ``width`` wide, else the original."""
    candidates = sorted(
        (r for r in image.renditions.all() if r.format != "webp" and not r.crop),
        key=lambda r: r.width,
    )
    wide_enough = [r for r in candidates if r.width >= min(width, image.width or width)]
    url = wide_enough[0].file.url if wide_enough else image.file.url
    height = round(image.height * width / image.width) if image.width else width
    return format_html('<img src="{}" width="{}" height="{}" alt="">', url, width, height)


def lead_card_url_template() -> str:
    """Where writing.js asks for another image's card ("0" stands for the image's id)."""
    return reverse("admin:news_image_card", args=[0])
