"""The admin's "Workflow" page of one article: the moves the user may make from its state.

Every button posts to the same view, which calls ``workflow.article_transition``; the
service decides (role, state, dates, alternative text), and a refusal comes back as a
message on this page, never as an error page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone

from newscenter.news import publishing
from newscenter.news.models import Article
from newscenter.news.policy import PolicyDenied
from newscenter.news.services import workflow

HISTORY_SHOWN = 10


class TransitionForm(forms.Form):
    transition = forms.ChoiceField(
        choices=[(v, m.label) for v, m in publishing.TRANSITIONS.items()]
    )
    note = forms.CharField(
        required=False,
        max_length=workflow.NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )
    # Read in the admin's time zone, as the article form's date is.
    when = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def urls(model_admin) -> list:
    view = model_admin.admin_site.admin_view(lambda request, object_id: transition_view(
        model_admin, request, object_id
    ))  # fmt: skip
    return [path("<path:object_id>/transition/", view, name="news_article_transition")]


def transition_view(model_admin, request, object_id: str):
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        messages.warning(request, "There is no article with that id; it may have been deleted.")
        return redirect("admin:news_article_changelist")
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    if request.method == "POST":
        form = TransitionForm(request.POST)
        if form.is_valid() and _apply(request, article, form.cleaned_data):
            return redirect(reverse("admin:news_article_transition", args=[article.pk]))
        if not form.is_valid():
            messages.error(request, _form_errors(form))
    return TemplateResponse(
        request,
        "admin/news/article/transition.html",
        _context(model_admin, request, article),
    )


def _apply(request, article: Article, data: dict) -> bool:
    verb = data["transition"]
    label = publishing.TRANSITIONS[verb].label
    try:
        workflow.article_transition(
            verb=verb,
            article=article,
            acting_user=request.user,
            note=data["note"],
            when=data["when"] if verb in publishing.DATED or verb == "publish" else None,
        )
    except PolicyDenied as exc:
        messages.error(request, f"“{label}” refused: {exc}.")
        return False
    except ValidationError as exc:
        messages.error(request, f"“{label}” refused: {' '.join(exc.messages)}")
        return False
    messages.success(request, f"“{article}” is now {state_text(article).lower()}.")
    return True


def _context(model_admin, request, article: Article) -> dict:
    opts = model_admin.model._meta
    moves = [
        {
            "verb": verb,
            "label": publishing.TRANSITIONS[verb].label,
            "date_name": publishing.DATED.get(verb, ""),
            "note_required": verb in publishing.NOTE_REQUIRED,
            "form": TransitionForm(initial={"transition": verb}, auto_id=f"id_{verb}_%s"),
        }
        for verb in workflow.transitions_for(article, request.user)
    ]
    return {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "original": article,
        "title": f"Workflow: {article}",
        "subtitle": None,
        "state": state_text(article),
        "moves": moves,
        "alt_problems": publishing.alt_text_problems(article),
        "history": article.audit_entries.exclude(to_status="").select_related("actor")[
            :HISTORY_SHOWN
        ],
        "has_change_permission": model_admin.has_change_permission(request, article),
    }


def state_text(article: Article) -> str:
    """The effective state in words: "Published", "Scheduled for 3 March 2026, 09:00" ..."""
    current = publishing.state(article)
    label = Article.Status(current).label
    if current in (Article.Status.SCHEDULED, Article.Status.EMBARGOED) and article.pub_date:
        when = formats.date_format(timezone.localtime(article.pub_date), "DATETIME_FORMAT")
        joiner = "for" if current == Article.Status.SCHEDULED else "until"
        return f"{label} {joiner} {when}"
    return label


def _form_errors(form: forms.Form) -> str:
    return " ".join(f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items())
