"""The writing screen's autosave and presence: one small JSON endpoint per article.

``static/desk/writing.js`` posts the form's fields every few seconds while they change; the
answer names the others who have the article open (a soft lock). On return the writing screen
offers the autosave back when it is newer than the article's last save.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone

from newscenter.news.models import Article, Autosave
from newscenter.news.policy import PolicyDenied
from newscenter.news.services import desk

SKIPPED = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_transition", "presence"}


def urls(model_admin) -> list:
    def view(request, object_id=None):
        return autosave_view(model_admin, request, object_id)

    wrapped = model_admin.admin_site.admin_view(view)
    return [
        path("autosave/", wrapped, name="news_article_autosave_new"),
        path("<path:object_id>/autosave/", wrapped, name="news_article_autosave"),
    ]


def autosave_view(model_admin, request, object_id):
    article = None
    if object_id is not None:
        article = model_admin.get_object(request, unquote(object_id))
        if article is None:
            return JsonResponse({"error": "There is no such article any more."}, status=404)
    if request.method != "POST":
        return JsonResponse({"error": "Send the form's fields with POST."}, status=405)
    try:
        if request.POST.get("discard"):
            desk.autosave_discard(acting_user=request.user, article=article)
            return JsonResponse({"discarded": True})
        if request.POST.get("presence") and article is not None:
            others = desk.presence_touch(acting_user=request.user, article=article)
            return JsonResponse({"others": others})
        data = {k: ",".join(v) for k, v in request.POST.lists() if k not in SKIPPED}
        saved = desk.autosave_store(acting_user=request.user, article=article, data=data)
        others = desk.presence_touch(acting_user=request.user, article=article) if article else []
    except PolicyDenied as exc:
        return JsonResponse({"error": f"Not kept: {exc}."}, status=403)
    except ValueError as exc:
        return JsonResponse({"error": f"Not kept: {exc}."}, status=400)
    return JsonResponse(
        {"saved": timezone.localtime(saved.saved).strftime("%H:%M:%S"), "others": others}
    )


def restorable(request, article: Article | None) -> dict | None:
    """The user's autosave of this form when it is newer than the article's last save."""
    found = Autosave.objects.filter(user=request.user, key=desk.autosave_key(article)).first()
    if found is None or (article is not None and article.pk and found.saved <= article.updated):
        return None
    return {
        "saved": timezone.localtime(found.saved).strftime("%Y-%m-%d %H:%M"),
        "data": found.data,
    }


def others_here(request, article: Article | None) -> list[str]:
    if article is None or not article.pk:
        return []
    try:
        return desk.presence_touch(acting_user=request.user, article=article)
    except PolicyDenied:
        return []
