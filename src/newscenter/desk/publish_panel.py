"""The writing screen's publish panel: the article's state and the moves the user's role
allows from it, one of them primary, with the site's time zone named on every date.

The panel's buttons belong to the article's own form, so a move first saves what was typed
(the admin's save, through the services) and then makes the move through
``workflow.article_transition``. A refusal is a message in plain words on the writing screen,
with the date and note as they were typed; the Workflow page stays for bulk work and history.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from newscenter.desk.workflow import state_text
from newscenter.news import publishing
from newscenter.news.models import Article
from newscenter.news.policy import PolicyDenied
from newscenter.news.services import workflow

VERB = "_transition"  # the name of the panel's buttons
FIELDS = ("panel_when", "panel_until", "panel_note")
# The primary action, by preference: the one move most people make from where the article is.
PRIMARY = ("publish", "submit", "unpublish", "reopen")
# Moves the panel offers (archive and the rest stay on the Workflow page).
OFFERED = ("submit", "publish", "schedule", "embargo", "return", "unpublish", "reopen")
DATE_FIELD = {"schedule": "panel_when", "embargo": "panel_until"}


def panel(request, article: Article | None) -> dict:
    subject = article if article is not None and article.pk else None
    draft = subject or Article(status=Article.Status.DRAFT, created_by=request.user)
    verbs = [v for v in workflow.transitions_for(draft, request.user) if v in OFFERED]
    primary = next((v for v in PRIMARY if v in verbs), None)
    typed = request.POST if request.method == "POST" else request.GET
    return {
        "state": state_text(subject) if subject else "Draft, not saved yet",
        "zone": timezone.get_current_timezone_name(),
        "primary": _move(primary) if primary else None,
        "others": [_move(v) for v in verbs if v != primary],
        "typed": {name: typed.get(name, "") for name in FIELDS},
        "open": typed.get("panel_open", ""),
    }


def _move(verb: str) -> dict:
    label = publishing.TRANSITIONS[verb].label
    return {
        "verb": verb,
        "label": f"{label}…" if verb in publishing.DATED else label,
        "date_field": DATE_FIELD.get(verb, ""),
        "note_required": verb in publishing.NOTE_REQUIRED,
    }


def apply(model_admin, request, article: Article):
    """After the article's save: make the move its panel asked for, and say what happened."""
    verb = request.POST.get(VERB, "")
    if verb not in publishing.TRANSITIONS:
        messages.error(request, "Saved. That move does not exist: nothing else was done.")
        return _back(article, request)
    label = publishing.TRANSITIONS[verb].label
    when = None
    if verb in DATED_VERBS:
        typed = request.POST.get(DATE_FIELD[verb], "")
        try:
            when = forms.DateTimeField(required=False).clean(typed)
        except ValidationError:
            messages.error(
                request,
                f"Saved, but not “{label}”: “{typed}” is not a date and time. Write it as "
                f"2026-03-02 09:30 ({timezone.get_current_timezone_name()}).",
            )
            return _back(article, request, keep=verb)
    try:
        workflow.article_transition(
            verb=verb,
            article=article,
            acting_user=request.user,
            note=request.POST.get("panel_note", ""),
            when=when,
        )
    except PolicyDenied as exc:
        messages.error(request, f"Saved, but not “{label}”: {_sentence(str(exc))}")
        return _back(article, request, keep=verb)
    except ValidationError as exc:
        reason = " ".join(_sentence(m) for m in exc.messages)
        messages.error(request, f"Saved, but not “{label}”: {reason}")
        return _back(article, request, keep=verb)
    messages.success(request, f"Saved. “{article}” is now {_state_words(article)}.")
    return _back(article, request)


DATED_VERBS = frozenset(DATE_FIELD)


def _state_words(article: Article) -> str:
    words = state_text(article)
    words = words[:1].lower() + words[1:]
    if publishing.state(article) in (Article.Status.SCHEDULED, Article.Status.EMBARGOED):
        words += f" ({timezone.get_current_timezone_name()})"
    return words


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _back(article: Article, request, *, keep: str = ""):
    """To the writing screen; after a refusal, with what was typed into the panel."""
    url = reverse("admin:news_article_change", args=[article.pk])
    if keep:
        kept = {name: request.POST.get(name, "") for name in FIELDS if request.POST.get(name)}
        url += "?" + urlencode({**kept, "panel_open": keep}) + "#publish-panel"
    return redirect(url)
