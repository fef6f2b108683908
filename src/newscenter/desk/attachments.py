"""Files linked from article bodies in the desk: the body editor's upload, and their list.

Every write goes through news.services.attachments; uploading is the media library's right
(``image.upload``), deleting ``image.edit``.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import JsonResponse
from django.utils.html import format_html

from newscenter.desk.deleting import UsedInBodies
from newscenter.news import policy
from newscenter.news.blocks import size_text
from newscenter.news.models import Article, Attachment
from newscenter.news.policy import PolicyDenied
from newscenter.news.services import attachments


@admin.register(Attachment)
class AttachmentAdmin(UsedInBodies):
    """Files linked from bodies: found, opened, deleted (uploaded from the body editor)."""

    list_display = ("title", "file_link", "size_shown", "uploaded_by", "created")
    search_fields = ("title",)
    list_select_related = ("uploaded_by",)

    def has_add_permission(self, request):
        return False  # the body editor's "attach PDF" uploads, where the link is made

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and policy.can(request.user, "image.edit")

    @admin.display(description="file")
    def file_link(self, obj: Attachment) -> str:
        return format_html('<a href="{}">{}</a>', obj.file.url, obj.file.name.rsplit("/", 1)[-1])

    @admin.display(description="size", ordering="size")
    def size_shown(self, obj: Attachment) -> str:
        return size_text(obj.size)

    # A body links a file by its address: the articles that do are named before it goes.
    used_words = "links it in its body"

    def delete_one(self, request, obj):
        attachments.attachment_delete(attachment=obj, acting_user=request.user)

    def bodies_using(self, obj):
        return Article.objects.filter(body__contains=obj.file.url)


def attach_view(request):
    """A PDF for the body editor's "attach file" (static/desk/body-embeds.js): stored through
    news.services.attachments, answered as JSON for the link it inserts."""
    if request.method != "POST":
        return JsonResponse({"error": "Send the file with POST."}, status=405)
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"error": "Choose a PDF file to attach."}, status=400)
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
