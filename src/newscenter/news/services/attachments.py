"""Files linked from article bodies (a PDF press release): upload and delete.

A file from outside is hostile until checked: over :data:`MAX_BYTES` it is refused before it
is read, and it must be a PDF by its first bytes (``%PDF-``), whatever its name says. It is
stored under a name the server draws, and the media view serves everything but images as a
download in a sandbox (web.views.serve_media), so a PDF never runs in the site's origin.
Uploading is the media library's right (``image.upload``); deleting, ``image.edit``.
"""

from __future__ import annotations

import secrets
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from newscenter.news import policy
from newscenter.news.audit import audit_record
from newscenter.news.blocks import size_text
from newscenter.news.models import Attachment
from newscenter.news.policy import Actor, actor_of
from newscenter.news.services import images

MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


__all__ = ["AttachmentRejected", "attachment_create", "attachment_delete", "size_text"]


class AttachmentRejected(Exception):
    """Why a file was refused, in words for the person who sent it."""


def attachment_create(*, upload: Any, acting_user: Actor, title: str = "") -> Attachment:
    """A new PDF attachment from ``upload`` (a file or bytes); raises AttachmentRejected."""
    policy.require(acting_user, "image.upload")
    data = _checked(upload)
    name = PurePosixPath(getattr(upload, "name", "") or "").stem
    attachment = Attachment(
        title=(title.strip() or name.replace("_", " ").strip() or "Document")[:200],
        size=len(data),
        uploaded_by=actor_of(acting_user),
    )
    attachment.file.save(f"{secrets.token_hex(12)}.pdf", ContentFile(data), save=False)
    try:
        attachment.full_clean()
        with transaction.atomic():
            attachment.save()
            _audit(acting_user, "attachment.create", attachment, size=attachment.size)
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


def attachment_delete(*, attachment: Attachment, acting_user: Actor) -> None:
    policy.require(acting_user, "image.edit")
    name = attachment.file.name
    with transaction.atomic():
        _audit(acting_user, "attachment.delete", attachment)
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.storage.delete(name))


def _checked(upload: Any) -> bytes:
    data = images.read_capped(upload, limit=MAX_BYTES, rejected=AttachmentRejected)
    if not data.startswith(PDF_MAGIC):
        raise AttachmentRejected("not a PDF (its first bytes are not %PDF-): export it as PDF")
    return data


def _audit(actor: Actor, action: str, attachment: Attachment, **detail: Any) -> None:
    audit_record(actor=actor, action=action, target=attachment, **detail)
