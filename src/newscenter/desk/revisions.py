"""The admin's pages for the revision history, comparison and restore."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from newscenter.desk.diff import revision_diff
from newscenter.news import policy
from newscenter.news.models import Article
from newscenter.news.revisions import restorable
from newscenter.news.services import revision_restore

MAX_NUMBER = 2_147_483_647  # the largest a PositiveIntegerField holds on every database


def urls(model_admin) -> list:
    """URL patterns added to ArticleAdmin's own."""

    def view(function):
        # admin_view: staff only, CSRF-protected, never cached.
        return model_admin.admin_site.admin_view(
            lambda request, *args, **kwargs: function(model_admin, request, *args, **kwargs)
        )

    return [
        path(
            "<path:object_id>/revisions/compare/",
            view(revision_compare_view),
            name="news_article_revisions_compare",
        ),
        path(
            "<path:object_id>/revisions/<int:number>/restore/",
            view(revision_restore_view),
            name="news_article_revision_restore",
        ),
        path(
            "<path:object_id>/revisions/", view(revision_list_view), name="news_article_revisions"
        ),
    ]


def revision_list_view(model_admin, request, object_id: str):
    article = article_for_admin(model_admin, request, object_id)
    history = list(article.revisions.select_related("author").order_by("-number"))
    context = {
        "revisions": history,
        "can_restore": policy.can(request.user, "revision.restore", article=article),
        # Preselected for "Compare": the last change, the most common question.
        "default_a": history[1].number if len(history) > 1 else None,
        "default_b": history[0].number if history else None,
    }
    return _render(model_admin, request, article, "revisions.html", "Revisions", context)


def revision_compare_view(model_admin, request, object_id: str):
    article = article_for_admin(model_admin, request, object_id)
    numbers, problem = _numbers(request.GET.get("a"), request.GET.get("b"))
    found = {r.number: r for r in article.revisions.filter(number__in=numbers or [])}
    if problem is None:
        absent = [str(n) for n in numbers if n not in found]
        if absent:
            problem = f"This article has no revision {' or '.join(absent)}."
    if problem is not None:
        messages.error(request, problem)
        return redirect(_url("news_article_revisions", article))
    older, newer = found[min(numbers)], found[max(numbers)]
    context = {
        "older": older,
        "newer": newer,
        "diffs": revision_diff(older, newer),
        "can_restore": policy.can(request.user, "revision.restore", article=article),
    }
    title = f"Revision {older.number} compared with revision {newer.number}"
    return _render(model_admin, request, article, "revisions_compare.html", title, context)


def revision_restore_view(model_admin, request, object_id: str, number: int):
    if request.method != "POST":  # a change: never on GET (CSRF-protected by admin_view)
        return HttpResponseNotAllowed(["POST"])
    article = article_for_admin(model_admin, request, object_id)
    # Out of range, the number would overflow the database's integer before being refused.
    revision = article.revisions.filter(number=number).first() if number <= MAX_NUMBER else None
    if revision is None:
        messages.error(request, f"This article has no revision {number}.")
        return redirect(_url("news_article_revisions", article))
    _, missing = restorable(article, revision)
    try:
        revision_restore(article=article, revision=revision, acting_user=request.user)
    except policy.PolicyDenied as exc:
        messages.error(request, f"Not restored: {exc}.")
        return redirect(_url("news_article_revisions", article))
    except ValidationError as exc:
        messages.error(request, f"Not restored: {' '.join(exc.messages)}")
        return redirect(_url("news_article_revisions", article))
    latest = article.revisions.order_by("-number").first()
    assert latest is not None  # the restore just saved one
    messages.success(request, f"Restored revision {number} as revision {latest.number}.")
    if missing:
        messages.warning(request, f"No longer there, so not restored: {', '.join(missing)}.")
    return redirect(_url("news_article_revisions", article))


def _numbers(a: str | None, b: str | None) -> tuple[list[int], str | None]:
    if not a or not b:
        return [], "Choose two revisions to compare."
    try:
        numbers = [int(a), int(b)]
    except ValueError:
        return [], "Revisions are named by their numbers, such as 3."
    bad = [n for n in numbers if not 1 <= n <= MAX_NUMBER]
    if bad:
        return [], f"This article has no revision {bad[0]}."
    return numbers, None


def article_for_admin(model_admin, request, object_id: str) -> Article:
    """The article of an admin URL, for a user who may at least view it (else 404 or 403)."""
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404("No article with this id.")
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    return article


def _url(name: str, article: Article) -> str:
    return reverse(f"admin:{name}", args=[article.pk])


def _render(model_admin, request, article, template: str, title: str, context: dict):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": article,
        "title": title,
        **context,
    }
    return TemplateResponse(request, f"admin/news/article/{template}", context)
