"""The audit trail: who did what, to which article or other row, written by the services.

Every service records its change with :func:`audit_record` inside the transaction that makes
the change, so a rolled-back change leaves no entry and a committed one always has its entry.
One shape for every entry: the actor (``None`` in the row for :data:`~policy.SYSTEM`), the
action ("publish", "image.create", "role" ...), the article when there is one, the states and
note of a workflow transition, and ``detail``: the row acted on (``model``, ``id``, ``name``)
when it is not an article, then whatever the action adds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from newscenter.news.bulk import insert_rows
from newscenter.news.models import Article, AuditEntry
from newscenter.news.policy import Actor, actor_of

TARGET_NAME_CHARS = 200


def audit_record(
    *,
    actor: Actor,
    action: str,
    article: Article | None = None,
    target: models.Model | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    **detail: Any,
) -> AuditEntry:
    """Write one audit entry. ``actor`` is the acting user or SYSTEM, never None."""
    return AuditEntry.objects.create(
        actor=actor_of(actor),
        action=action,
        article=article,
        from_status=from_status,
        to_status=to_status,
        note=note,
        detail=_detail(target, detail),
    )


def audit_record_many(
    *, actor: Actor, action: str, articles: Iterable[Article], **detail: Any
) -> None:
    """The same action on many new articles (a bulk import), in one query."""
    who = actor_of(actor)
    insert_rows(
        AuditEntry,
        [
            {
                "actor_id": who.pk if who is not None else None,
                "action": action,
                "article_id": article.pk,
                "to_status": article.status,
                "detail": {"status": article.status, **detail},
            }
            for article in articles
        ],
    )


def _detail(target: models.Model | None, detail: dict[str, Any]) -> dict[str, Any]:
    if target is None:
        return detail
    about = {
        "model": target._meta.model_name,
        "id": target.pk,
        "name": str(target)[:TARGET_NAME_CHARS],
    }
    return {**about, **detail}
