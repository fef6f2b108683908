"""The workflow's transitions: once people are involved, the only way a status changes.

Each is a service ``article_<verb>(*, article, acting_user, note="", ...)``. In one
transaction it locks and re-reads the article, checks the acting user's role
(news.policy, action ``article.<verb>``), checks that the move starts from the article's
*effective* state (``publishing.state``: a scheduled article whose time has come is
published), applies it, saves through the one save path (``services.saving``: a revision
is kept and the change announced after commit), writes one audit entry with the
states, the actor and the note, and notifies the people concerned (``services.desk``:
the editors of a submission, the writer of a return, a publication or a schedule).

Refusals: :class:`~newscenter.news.policy.PolicyDenied` when the role does not allow it,
``ValidationError`` with a sentence an editor understands for everything else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from newscenter.news import policy, publishing
from newscenter.news.audit import audit_record
from newscenter.news.models import Article
from newscenter.news.policy import Actor
from newscenter.news.services.desk import notify_transition
from newscenter.news.services.saving import article_changed, article_persist

NOTE_MAX_CHARS = 2000
User = Actor  # a user, or policy.SYSTEM
# Sets what a transition changes besides the status, given the locked row and "now".
Apply = Callable[[Article, dt.datetime], None]


def article_submit(*, article: Article, acting_user: User, note: str = "") -> Article:
    """Draft -> in review: the writer hands it to an editor."""
    return _transition("submit", article, acting_user, note)


def article_return(*, article: Article, acting_user: User, note: str = "") -> Article:
    """In review -> draft, with a note telling the writer why."""
    return _transition("return", article, acting_user, note)


def article_publish(
    *, article: Article, acting_user: User, note: str = "", at: dt.datetime | None = None
) -> Article:
    """Public now. ``at`` may back-date it (never forward: that is :func:`article_schedule`);
    an article readers have had before (unpublished, or archived and reopened since) keeps its
    date, and so its URL."""

    def apply(locked: Article, now: dt.datetime) -> None:
        if at is not None:
            _require_aware(at, "at")
            if at > now:
                raise ValidationError(
                    {"pub_date": "Publishing is for now or a past date; schedule a future one."}
                )
            locked.pub_date = at
        elif not _was_public(locked, now):
            locked.pub_date = now

    return _transition("publish", article, acting_user, note, apply)


def _was_public(article: Article, now: dt.datetime) -> bool:
    """Whether readers have had the article at its address: published, or scheduled or
    embargoed for a moment that has passed, at its present date."""
    if article.pub_date is None or article.pub_date > now:
        return False
    if article.status == Article.Status.UNPUBLISHED:
        return True
    return article.audit_entries.filter(to_status__in=_PUBLIC_AT_ITS_DATE).exists()


_PUBLIC_AT_ITS_DATE = (Article.Status.PUBLISHED, Article.Status.SCHEDULED, Article.Status.EMBARGOED)


def article_schedule(
    *, article: Article, acting_user: User, at: dt.datetime | None, note: str = ""
) -> Article:
    """Public by itself at ``at`` (a future moment), at its URL, with no worker."""
    return _transition("schedule", article, acting_user, note, _dated("at", at))


def article_embargo(
    *, article: Article, acting_user: User, until: dt.datetime | None, note: str = ""
) -> Article:
    """Hidden until ``until`` except through review links and staff preview; public at
    ``until`` by itself. Embargo differs from scheduling in who may see it before."""
    return _transition("embargo", article, acting_user, note, _dated("until", until))


def article_unpublish(*, article: Article, acting_user: User, note: str = "") -> Article:
    """Taken down: its URL answers 410 Gone, and listings, feeds and search drop it."""
    return _transition("unpublish", article, acting_user, note)


def article_archive(*, article: Article, acting_user: User, note: str = "") -> Article:
    """Put away for good (a draft that will not run, or a withdrawn article)."""
    return _transition("archive", article, acting_user, note)


def article_reopen(*, article: Article, acting_user: User, note: str = "") -> Article:
    """Back to draft, from anywhere but draft and published."""
    return _transition("reopen", article, acting_user, note)


def article_transition(
    *,
    verb: str,
    article: Article,
    acting_user: User,
    note: str = "",
    when: dt.datetime | None = None,
) -> Article:
    """One entry for the admin and the CLI: ``when`` is ``at`` or ``until`` where a
    transition takes a moment (``publishing.DATED``), and must be None elsewhere."""
    if verb not in publishing.TRANSITIONS:
        raise ValidationError(f"There is no transition called {verb!r}.")
    kwargs: dict[str, Any] = {"article": article, "acting_user": acting_user, "note": note}
    if verb in publishing.DATED:
        kwargs[publishing.DATED[verb]] = when
    elif verb == "publish":
        kwargs["at"] = when
    elif when is not None:
        raise ValidationError(f"“{publishing.TRANSITIONS[verb].label}” takes no date.")
    return SERVICES[verb](**kwargs)


def article_publish_or_schedule(
    *, article: Article, acting_user: User, at: dt.datetime | None = None
) -> Article:
    """Public now, or at ``at``: a future moment (given, or the article's own date) schedules
    it. For importers and the demo, whose items carry their own dates."""
    when = at or article.pub_date
    if when is not None and when > timezone.now():
        return article_schedule(article=article, acting_user=acting_user, at=when)
    return article_publish(article=article, acting_user=acting_user, at=when)


def article_take_down(*, article: Article, acting_user: User) -> Article:
    """Off the public site: a public article is unpublished (its URL then answers 410 Gone);
    one not yet public goes back to draft."""
    if publishing.is_public(article):
        return article_unpublish(article=article, acting_user=acting_user)
    return article_reopen(article=article, acting_user=acting_user)


def transitions_for(article: Article, user: User, *, at: dt.datetime | None = None) -> list[str]:
    """The transitions ``user`` may make from the article's state now, in table order."""
    current = publishing.state(article, at=at)
    return [
        verb
        for verb in publishing.transitions_from(current)
        if policy.can(user, f"article.{verb}", article=article)
    ]


def in_state(
    articles: QuerySet[Article], state: str, *, at: dt.datetime | None = None
) -> QuerySet[Article]:
    """Narrow ``articles`` to one effective state (``publishing.state`` in SQL), for the
    admin's filter and ``newscenter article list``."""
    at = at or timezone.now()
    public = Q(status__in=Article.TIMED, pub_date__lte=at)
    if state == Article.Status.PUBLISHED:
        return articles.filter(public)
    if state == Article.Status.SCHEDULED:
        # "published" dated ahead is scheduled too (rows older than that rule).
        waiting = Q(status__in=(Article.Status.SCHEDULED, Article.Status.PUBLISHED))
        return articles.filter(waiting).exclude(public)
    if state == Article.Status.EMBARGOED:
        return articles.filter(status=state).exclude(public)
    return articles.filter(status=state)


@transaction.atomic
def _transition(
    verb: str, article: Article, acting_user: User, note: str, apply: Apply | None = None
) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    now = timezone.now()
    current = publishing.state(locked, at=now)
    policy.require(acting_user, f"article.{verb}", article=locked)
    move = publishing.TRANSITIONS[verb]
    if current not in move.sources:
        raise ValidationError(_not_from(verb, current))
    note = _checked_note(verb, note)
    was_public = publishing.is_public(locked, at=now)
    if apply is not None:
        apply(locked, now)  # sees the status the move starts from
    locked.status = move.target
    if verb in publishing.GOING_PUBLIC:
        problems = publishing.alt_text_problems(locked)
        if problems:
            raise ValidationError([*problems, "Describe every picture before it goes public."])
    article_persist(
        article=locked,
        acting_user=acting_user,
        url_is_fixed=was_public,
        note=f"{move.label}: {note}" if note else move.label,
    )
    audit_record(
        actor=acting_user,
        action=verb,
        article=locked,
        from_status=current,
        to_status=locked.status,
        note=note,
    )
    notify_transition(verb=verb, article=locked, acting_user=acting_user, note=note)
    article_changed(locked.pk, verb)
    _copy_into(article, locked)
    return article


# What each dated move's moment is, in the words of its messages.
_MOMENT_WORDS = {"at": "the time it goes public", "until": "the end of the embargo"}


def _dated(name: str, moment: dt.datetime | None) -> Apply:
    words = _MOMENT_WORDS.get(name, "the date")

    def apply(locked: Article, now: dt.datetime) -> None:
        if moment is None:
            raise ValidationError({"pub_date": f"Give a date and time for {words}."})
        _require_aware(moment, name)
        if moment <= now:
            local = timezone.localtime(moment)
            when = f"{local:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})"
            message = f"{words[:1].upper()}{words[1:]} must be in the future: "
            raise ValidationError({"pub_date": f"{message}{when} has already passed."})
        locked.pub_date = moment

    return apply


def _require_aware(moment: dt.datetime, name: str) -> None:
    # A naive time means a different moment on every server: refuse rather than guess.
    if timezone.is_naive(moment):
        words = _MOMENT_WORDS.get(name, "the date")
        raise ValidationError({"pub_date": f"The date and time of {words} needs a time zone."})


def _checked_note(verb: str, note: str) -> str:
    note = (note or "").strip()
    if verb in publishing.NOTE_REQUIRED and not note:
        raise ValidationError({"note": "Say in a note why the article goes back to its writer."})
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError({"note": f"Keep the note under {NOTE_MAX_CHARS} characters."})
    return note


def _not_from(verb: str, current: str) -> str:
    label = publishing.TRANSITIONS[verb].label
    possible = ", ".join(
        f"“{publishing.TRANSITIONS[v].label}”" for v in publishing.transitions_from(current)
    )
    return f"“{label}” is not possible from “{Article.Status(current).label}”" + (
        f" (possible from there: {possible})." if possible else "."
    )


def _copy_into(article: Article, saved: Article) -> None:
    # The caller's instance shows the new state, as article_update's callers expect.
    if article is saved:
        return
    for field in Article._meta.concrete_fields:
        setattr(article, field.attname, getattr(saved, field.attname))


SERVICES: dict[str, Callable[..., Article]] = {
    "submit": article_submit,
    "return": article_return,
    "publish": article_publish,
    "schedule": article_schedule,
    "embargo": article_embargo,
    "unpublish": article_unpublish,
    "archive": article_archive,
    "reopen": article_reopen,
}
