"""Files linked from article bodies (a PDF press release): upload, replace and delete.

A file from outside is hostile until checked: over :data:`MAX_BYTES` it is refused before it
is read, and it must be a PDF by its first bytes (``%PDF-``), whatever its name says. It is
stored under a name the server draws, and the media view serves everything but images as a
download in a sandbox (web.views.serve_media), so a PDF never runs in the site's origin.
Uploading is the media library's right (``image.upload``); replacing and deleting,
``image.edit``.

Replacing keeps the file's address: bodies link a file by its address, so a corrected press
release takes the old one's place under the same name, and every link to it keeps working and
shows the new size. The new bytes are checked and stored under a name of their own first, and
moved over the old file only once the new size is committed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import QuerySet

from newscenter.news import policy
from newscenter.news.audit import audit_record
from newscenter.news.blocks import size_text
from newscenter.news.changes import announce
from newscenter.news.models import Article, Attachment
from newscenter.news.policy import Actor, actor_of
from newscenter.news.services import images

MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


__all__ = [
    "AttachmentRejected",
    "attachment_create",
    "attachment_delete",
    "attachment_replace",
    "bodies_linking",
    "size_text",
]


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


def attachment_replace(*, attachment: Attachment, upload: Any, acting_user: Actor) -> Attachment:
    """The file's content replaced by ``upload``, under the same address; raises
    AttachmentRejected (nothing changed) when the upload is refused."""
    policy.require(acting_user, "image.edit")
    data = _checked(upload)
    storage, name = attachment.file.storage, attachment.file.name
    staged = storage.save(f"{name}.{secrets.token_hex(6)}.new", ContentFile(data))
    try:
        with transaction.atomic():
            locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
            before = locked.size
            locked.size = len(data)
            locked.save(update_fields=["size"])
            _audit(acting_user, "attachment.replace", locked, size=locked.size, before=before)
            # Pages show the size beside each link: the articles linking it change.
            linking = list(bodies_linking(locked).values_list("pk", flat=True))
            if linking:
                announce(articles=linking)
            transaction.on_commit(lambda: _move(storage, staged, name))
    except BaseException:
        storage.delete(staged)
        raise
    attachment.size = locked.size
    return attachment


def bodies_linking(attachment: Attachment) -> QuerySet[Article]:
    """Articles whose body links the file (bodies name it by its address)."""
    return Article.objects.filter(body__contains=attachment.file.url)


def attachment_delete(*, attachment: Attachment, acting_user: Actor) -> None:
    policy.require(acting_user, "image.edit")
    name = attachment.file.name
    with transaction.atomic():
        _audit(acting_user, "attachment.delete", attachment)
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.storage.delete(name))


def _move(storage: Storage, staged: str, name: str) -> None:
    """The staged file in the place of ``name``: at once on a local disk (a reader gets the
    old file or the new one, never none), as delete and save elsewhere."""
    try:
        source, target = storage.path(staged), storage.path(name)
    except NotImplementedError:
        with storage.open(staged) as new:
            storage.delete(name)
            storage.save(name, new)
        storage.delete(staged)
        return
    os.replace(source, target)


def _checked(upload: Any) -> bytes:
    data = images.read_capped(upload, limit=MAX_BYTES, rejected=AttachmentRejected)
    if not data.startswith(PDF_MAGIC):
        raise AttachmentRejected("not a PDF (its first bytes are not %PDF-): export it as PDF")
    return data


def _audit(actor: Actor, action: str, attachment: Attachment, **detail: Any) -> None:
    audit_record(actor=actor, action=action, target=attachment, **detail)
