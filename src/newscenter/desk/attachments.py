"""Files linked from article bodies in the desk (PDF, Word, Excel, PowerPoint): the body
editor's upload, their list, and a file's replacement under the same address (the links to it
keep working).

Every write goes through news.services.attachments; uploading is the media library's right
(``image.upload``), replacing and deleting ``image.edit``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from newscenter.desk.deleting import UsedInBodies
from newscenter.news import policy
from newscenter.news.blocks import FILE_KINDS, file_kind, size_text
from newscenter.news.models import Attachment
from newscenter.news.policy import PolicyDenied
from newscenter.news.services import attachments

CHOOSE = "Choose a file to attach: a PDF, or a Word, Excel or PowerPoint document."
# What the file choosers offer (the service checks the bytes whatever the chooser let through).
ACCEPTED = ",".join([*(f".{kind}" for kind in FILE_KINDS), *(t for _, t in FILE_KINDS.values())])


@admin.register(Attachment)
class AttachmentAdmin(UsedInBodies):
    """Files linked from bodies: found, opened, deleted (uploaded from the body editor)."""

    list_display = (
        "title", "file_link", "kind_shown", "size_shown", "uploaded_by", "created", "replace_link"
    )  # fmt: skip
    search_fields = ("title",)
    list_select_related = ("uploaded_by",)

    def has_add_permission(self, request):
        return False  # the body editor's "attach file" uploads, where the link is made

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and policy.can(request.user, "image.edit")

    @admin.display(description="file")
    def file_link(self, obj: Attachment) -> str:
        return format_html('<a href="{}">{}</a>', obj.file.url, obj.file.name.rsplit("/", 1)[-1])

    @admin.display(description="kind")
    def kind_shown(self, obj: Attachment) -> str:
        return file_kind(obj.file.name)[0]

    @admin.display(description="size", ordering="size")
    def size_shown(self, obj: Attachment) -> str:
        return size_text(obj.size)

    @admin.display(description="")
    def replace_link(self, obj: Attachment) -> str:
        url = reverse("admin:news_attachment_replace", args=[obj.pk])
        return format_html(
            '<a href="{}">Replace file<span class="visually-hidden"> “{}”</span></a>',
            url,
            obj.title,
        )

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if policy.can(request.user, "image.edit"):
            return shown
        return [name for name in shown if name != "replace_link"]

    # A body links a file by its address: the articles that do are named before it goes.
    used_words = "links it in its body"

    def delete_one(self, request, obj):
        attachments.attachment_delete(attachment=obj, acting_user=request.user)

    def bodies_using(self, obj):
        return attachments.bodies_linking(obj)

    def get_urls(self):
        replace = self.admin_site.admin_view(self.replace_view)
        own = [path("<path:object_id>/replace/", replace, name="news_attachment_replace")]
        return own + super().get_urls()

    def replace_view(self, request, object_id: str):
        """A corrected file in the place of the old one, at the same address."""
        attachment = self.get_object(request, unquote(object_id))
        if attachment is None:
            messages.warning(request, "There is no such file; it may have been deleted.")
            return redirect("admin:news_attachment_changelist")
        if not policy.can(request.user, "image.edit"):
            raise PermissionDenied
        form = ReplaceForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            if form.is_valid() and _replaced(request, attachment, form):
                return redirect("admin:news_attachment_changelist")
            status = 400
        linking = list(self.bodies_using(attachment).values_list("headline", flat=True))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Replace “{attachment}”",
            "subtitle": None,
            "attachment": attachment,
            "size": size_text(attachment.size),
            "kind": file_kind(attachment.file.name)[0],
            "linking": linking,
            "form": form,
        }
        return TemplateResponse(
            request, "admin/news/attachment/replace.html", context, status=status
        )


class ReplaceForm(forms.Form):
    upload = forms.FileField(
        label="New file",
        help_text="The same kind of file as now (a PDF for a PDF); at most 20 MB.",
        widget=forms.FileInput(attrs={"accept": ACCEPTED}),
    )


def _replaced(request, attachment: Attachment, form: ReplaceForm) -> bool:
    try:
        attachments.attachment_replace(
            attachment=attachment, upload=form.cleaned_data["upload"], acting_user=request.user
        )
    except attachments.AttachmentRejected as exc:
        form.add_error("upload", f"Not replaced: {exc}.")
        return False
    except PolicyDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(
        request,
        f"“{attachment}” is replaced: its address is the same, so every link to it now gives "
        f"the new file ({size_text(attachment.size)}).",
    )
    return True


def attach_view(request):
    """A file for the body editor's "attach file" (static/desk/body-embeds.js): stored through
    news.services.attachments, answered as JSON for the link it inserts."""
    if request.method != "POST":
        return JsonResponse({"error": "Send the file with POST."}, status=405)
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"error": CHOOSE}, status=400)
    try:
        attachment = attachments.attachment_create(
            upload=upload, title=request.POST.get("title", ""), acting_user=request.user
        )
    except attachments.AttachmentRejected as exc:
        reason = str(exc)
        return JsonResponse({"error": f"{reason[:1].upper()}{reason[1:]}."}, status=400)
    except PolicyDenied as exc:
        return JsonResponse({"error": f"Refused: {exc}."}, status=403)
    return JsonResponse(
        {
            "url": attachment.file.url,
            "title": attachment.title,
            "size": attachments.size_text(attachment.size),
        },
        status=201,
    )
