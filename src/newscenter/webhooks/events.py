"""From the outbox's changes to webhook messages: which event, when, and with what body.

This is a consumer of ``news.changes`` (stage NOTIFY): it runs in the transaction that moves
its cursor, so every change gives its messages exactly once, crash or no crash. It writes
rows and sends nothing: the worker delivers (``delivery``).

An article's event is named by what a reader of the site would see happen:

- ``article.published``: it became public: now, or at the moment it was scheduled or
  embargoed for (a message *due* then, checked then: see ``Message``);
- ``article.scheduled``: it will be public by itself at a moment ahead;
- ``article.embargo_lifted``: an embargo ended and it became public (``published`` too);
- ``article.updated``: a public article changed;
- ``article.unpublished``: it was taken down (its URL answers 410 Gone);
- ``article.deleted``: it was deleted for good;
- ``import.finished``: an import run ended (counts, and what it created).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.utils import timezone

from newscenter.news import languages, publishing
from newscenter.news.bulk import insert_rows
from newscenter.news.changes import Change
from newscenter.news.models import Article, Author, Section, Tag
from newscenter.news.representation import article_data, author_data, section_data, tag_data
from newscenter.webhooks.models import Message

EVENTS: dict[str, str] = {
    "article.published": "An article became public.",
    "article.updated": "A public article changed.",
    "article.unpublished": "An article was taken down.",
    "article.scheduled": "An article will become public at a moment ahead.",
    "article.embargo_lifted": "An embargoed article became public.",
    "article.deleted": "An article was deleted for good.",
    "import.finished": "An import run ended.",
}
PING = "webhook.ping"  # sent to one endpoint on request; not one to subscribe to

# Which events an article's change (its audit action) can give, judged by its state now.
_PUBLIC_NOW = {"create", "publish", "update", "revision.restore"}
_AHEAD = {"create", "publish", "schedule", "embargo", "update", "revision.restore"}


def new_msg_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def body(event: str, data: dict[str, Any], *, at: dt.datetime) -> dict[str, Any]:
    """The JSON every delivery of the message sends (Standard Webhooks' recommended shape)."""
    return {"type": event, "timestamp": at.isoformat(), "data": data}


def on_change(change: Change) -> None:
    # The site's languages read once, not once per article address (an import's thousands).
    with languages.using(languages.site_languages()):
        _messages_for(change)


def _messages_for(change: Change) -> None:
    now = timezone.now()
    ids = {pk for _, pk in change.events}
    articles = Article.objects.filter(pk__in=ids).select_related("lead_image").in_bulk()
    known = _relations(articles)
    made: set[tuple[str, int | None]] = set()
    messages: list[dict[str, Any]] = []  # Message rows, by field

    def add(event: str, article: Article | None, data: dict[str, Any]) -> None:
        key = (event, article.pk if article is not None else None)
        if article is not None and key in made:
            return  # one change seen twice in a batch (made, then published) says it once
        made.add(key)
        messages.append(
            {
                "msg_id": new_msg_id(),
                "event": event,
                "article_id": article.pk if article is not None else None,
                "payload": body(event, data, at=now),
                "due": now,
            }
        )

    def add_due(event: str, article: Article) -> None:
        """A message for the moment the article becomes public, checked at that moment."""
        if article.pub_date is None or (event, article.pk) in made:
            return
        made.add((event, article.pk))
        condition = {"pub_date": article.pub_date.isoformat()}
        waiting = Message.objects.filter(
            event=event, article_id=article.pk, state=Message.State.WAITING, condition=condition
        )
        if not waiting.exists():
            messages.append({"msg_id": new_msg_id(), "event": event, "article_id": article.pk,
                             "condition": condition, "due": article.pub_date})  # fmt: skip

    for verb, pk in change.events:
        action = verb.removeprefix("article.")
        article = articles.get(pk)
        if article is None:
            continue  # deleted since: its notice says so
        state = publishing.state(article, at=now)
        if state == Article.Status.PUBLISHED:
            if action in ("create", "publish"):
                add("article.published", article, article_data(article, known=known[article.pk]))
            elif action in _PUBLIC_NOW:
                add("article.updated", article, article_data(article, known=known[article.pk]))
        elif state in (Article.Status.SCHEDULED, Article.Status.EMBARGOED) and action in _AHEAD:
            if state == Article.Status.SCHEDULED and action != "update":
                add("article.scheduled", article, article_data(article, known=known[article.pk]))
            if state == Article.Status.EMBARGOED:
                add_due("article.embargo_lifted", article)
            add_due("article.published", article)
        elif state == Article.Status.UNPUBLISHED and action == "unpublish":
            add("article.unpublished", article, article_data(article, known=known[article.pk]))
    for notice in change.notices:
        event = notice.get("event")
        if event == "article.deleted" and notice.get("was_public"):
            data = {k: notice.get(k) for k in ("id", "url", "path", "headline")}
            add(event, None, data)
        elif event == "import.finished":
            add(event, None, {k: v for k, v in notice.items() if k != "event"})
    insert_rows(Message, messages)


def _relations(articles: dict[int, Article]) -> dict[int, dict[str, Any]]:
    """Each article's section, tags and authors as its data shows them, each section, tag and
    author read and made once for the batch (an import's thousands share a few dozen)."""
    ids = list(articles)
    sections = Section.objects.in_bulk({a.section_id for a in articles.values() if a.section_id})
    section = {pk: section_data(found) for pk, found in sections.items()}
    tags = _listed(ids, "tags", Tag, tag_data)
    authors = _listed(ids, "authors", Author, author_data)
    return {
        pk: {
            "section": section.get(article.section_id) if article.section_id else None,
            "tags": tags.get(pk, []),
            "authors": authors.get(pk, []),
        }
        for pk, article in articles.items()
    }


Listed = TypeVar("Listed", Tag, Author)


def _listed(
    ids: list[int], name: str, model: type[Listed], data_of: Callable[[Listed], dict[str, Any]]
) -> dict[int, list[dict[str, Any]]]:
    """The data of each article's ``name`` (tags, authors), in the order the article's own
    relation gives (the model's: by name), each row made once."""
    other = model._meta.model_name
    rows = list(
        getattr(Article, name)
        .through.objects.filter(article_id__in=ids)
        .order_by(f"{other}__name")
        .values_list("article_id", f"{other}_id")
    )
    made = {pk: data_of(row) for pk, row in model.objects.in_bulk({r for _, r in rows}).items()}
    found: dict[int, list[dict[str, Any]]] = {}
    for article_id, related_id in rows:
        found.setdefault(article_id, []).append(made[related_id])
    return found


def ready_payload(message: Message, *, now: dt.datetime) -> dict[str, Any] | None:
    """The body of a message that waited until its moment, or None when what it would say is
    no longer true (the article was taken back, rescheduled or deleted meanwhile)."""
    if message.article_id is None:
        return None
    article = (
        Article.objects.filter(pk=message.article_id)
        .select_related("section", "lead_image")
        .prefetch_related("tags", "authors")
        .first()
    )
    if article is None or article.pub_date is None:
        return None
    if article.pub_date.isoformat() != message.condition.get("pub_date"):
        return None
    if publishing.state(article, at=now) != Article.Status.PUBLISHED:
        return None
    return body(message.event, article_data(article), at=article.pub_date)
