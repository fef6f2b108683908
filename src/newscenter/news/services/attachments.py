"""Files linked from article bodies (a PDF press release, a Word, Excel or PowerPoint
document): upload, replace and delete.

A file from outside is hostile until checked: over :data:`MAX_BYTES` it is refused before it
is read, and its kind comes from its bytes, whatever its name says: a PDF by its first bytes
(``%PDF-``); a Word, Excel or PowerPoint document (Office Open XML) is a ZIP file whose
directory must read cleanly, name the kind's main part and declare its content type, hold no
macros and unpack to no more than :data:`MAX_UNPACKED` (nothing is unpacked here but the
small list of content types). Older binary Office files, OpenDocument and anything else are
refused with a word saying to export a PDF. A file is stored under a name the server draws,
with its kind's extension, and the media view serves everything but images as a download in
a sandbox (web.views.serve_media), so none runs in the site's origin.
Uploading is the media library's right (``image.upload``); replacing and deleting,
``image.edit``.

Replacing keeps the file's address: bodies link a file by its address, so a corrected press
release takes the old one's place under the same name, and every link to it keeps working and
shows the new size. The new bytes are checked and stored under a name of their own first, and
moved over the old file only once the new size is committed.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
import zipfile
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import QuerySet

from newscenter.news import policy
from newscenter.news.audit import audit_record
from newscenter.news.blocks import file_kind, size_text
from newscenter.news.changes import announce
from newscenter.news.models import Article, Attachment
from newscenter.news.policy import Actor, actor_of
from newscenter.news.services import images

log = logging.getLogger(__name__)
MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024  # an Office file's parts, all unpacked (a ZIP bomb is more)
MAX_PARTS = 10_000
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
CONTENT_TYPES = "[Content_Types].xml"
# Each Office kind: its main part, and the content type [Content_Types].xml gives that part
# (a macro-enabled file declares another type: ...macroEnabled.main+xml).
_OFFICE = "application/vnd.openxmlformats-officedocument"
OFFICE_KINDS = {
    "docx": ("word/document.xml", f"{_OFFICE}.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", f"{_OFFICE}.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", f"{_OFFICE}.presentationml.presentation.main+xml"),
}
NOT_A_DOCUMENT = "export it as PDF"


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
    """A new attachment from ``upload`` (a file or bytes); raises AttachmentRejected."""
    policy.require(acting_user, "image.upload")
    data, kind = _checked(upload)
    name = PurePosixPath(getattr(upload, "name", "") or "").stem
    attachment = Attachment(
        title=(title.strip() or name.replace("_", " ").strip() or "Document")[:200],
        size=len(data),
        uploaded_by=actor_of(acting_user),
    )
    attachment.file.save(f"{secrets.token_hex(12)}.{kind}", ContentFile(data), save=False)
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
    data, kind = _checked(upload)
    storage, name = attachment.file.storage, attachment.file.name
    if not name.endswith(f".{kind}"):  # the address names the kind: a link's type stays true
        was = file_kind(name)[0]
        raise AttachmentRejected(
            f"a {file_kind(f'.{kind}')[0]} file cannot take the place of a {was} file"
        )
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
            saved = storage.save(name, new)
        storage.delete(staged)
        if saved != name:  # a store that never reuses a name: the links now miss the file
            log.error("attachment %s was saved as %s: its links do not reach it", name, saved)
        return
    os.replace(source, target)


def _checked(upload: Any) -> tuple[bytes, str]:
    """The upload's bytes and kind (an extension of FILE_KINDS); AttachmentRejected if none."""
    data = images.read_capped(upload, limit=MAX_BYTES, rejected=AttachmentRejected)
    if data.startswith(PDF_MAGIC):
        return data, "pdf"
    if data.startswith(ZIP_MAGIC):
        return data, _office_kind(data)
    raise AttachmentRejected(
        "not a PDF, Word, Excel or PowerPoint file (its first bytes are neither %PDF- nor those "
        f"of a .docx, .xlsx or .pptx): {NOT_A_DOCUMENT}"
    )


def _office_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise AttachmentRejected(f"a ZIP file of {len(parts)} parts: {NOT_A_DOCUMENT}")
            if sum(part.file_size for part in parts) > MAX_UNPACKED:
                raise AttachmentRejected(
                    f"it unpacks to more than {MAX_UNPACKED // 2**20} MB: {NOT_A_DOCUMENT}"
                )
            names = {part.filename for part in parts}
            if any(name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
                raise AttachmentRejected(
                    "it holds macros: save it as a plain .docx, .xlsx or .pptx, or as PDF"
                )
            declared = ""
            if CONTENT_TYPES in names and archive.getinfo(CONTENT_TYPES).file_size < 2**20:
                with archive.open(CONTENT_TYPES) as types:
                    declared = types.read(2**20).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            EOFError, OSError, ValueError) as exc:  # fmt: skip
        raise AttachmentRejected(f"a damaged or encrypted ZIP file: {NOT_A_DOCUMENT}") from exc
    for kind, (main, content_type) in OFFICE_KINDS.items():
        if main in names and content_type in declared:
            return kind
    if "macroEnabled" in declared:
        raise AttachmentRejected(
            "it holds macros: save it as a plain .docx, .xlsx or .pptx, or as PDF"
        )
    raise AttachmentRejected(
        f"a ZIP file, but not a Word, Excel or PowerPoint document: {NOT_A_DOCUMENT}"
    )


def _audit(actor: Actor, action: str, attachment: Attachment, **detail: Any) -> None:
    audit_record(actor=actor, action=action, target=attachment, **detail)
