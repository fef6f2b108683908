"""Restoring a revision: an old revision's text and metadata written back as a new save.

Revisions are recorded by the one save path (``services.saving``); what they hold and what
restoring one gives back is ``news.revisions``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from newscenter.news import policy
from newscenter.news.audit import audit_record
from newscenter.news.models import Article, Revision
from newscenter.news.policy import Actor
from newscenter.news.revisions import restorable
from newscenter.news.services.articles import article_update


@transaction.atomic
def revision_restore(*, article: Article, revision: Revision, acting_user: Actor) -> Article:
    """Write ``revision``'s text and metadata (not its status or date) back to ``article``.

    The save goes through ``article_update``, so it is validated like any edit and kept as a
    new revision noted "restored from revision N"; older revisions stay as they are.
    """
    policy.require(acting_user, "revision.restore", article=article)
    if revision.article_id != article.pk:
        raise ValidationError(f"Revision {revision.number} belongs to another article.")
    changes, missing = restorable(article, revision)
    note = f"restored from revision {revision.number}"
    article = article_update(article=article, acting_user=acting_user, note=note, **changes)
    audit_record(
        actor=acting_user,
        action="revision.restore",
        article=article,
        note=note,
        revision=revision.number,
        missing=missing,
    )
    return article
