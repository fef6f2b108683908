"""One article as an XLIFF 2.0 file for a translator, and a translated file read back.

The file's units are the headline, the standfirst and each top-level block of the body
(``body-1``, ``body-2`` ...), the body's blocks as their HTML: a translator's tool keeps the
markup it is shown and translates the words. ``<file id>`` names the source article and the
revision exported (``a12-r3``), ``trgLang`` the language translated into. Reading back is
the reverse: the targets become the translation's headline, standfirst and body, and the body
passes the one allow-list (``rendering.sanitise_html``) like every other HTML input.

Several articles travel as a zip of such files, one per article (``pack``, ``unpack``), as
translation agencies and WPML exchange them.

Writing and reading go through translate-toolkit's XLIFF 2 storage; a file is first read by
defusedxml, which refuses DTDs and entities (billion laughs, external entities) before any
other parser sees it.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile

from defusedxml import ElementTree as SafeTree
from django.core.exceptions import ValidationError
from lxml import html as lxml_html
from translate.storage.xliff2 import Xliff2File

from newscenter.news.models import Article

MAX_BYTES = 5_000_000
BATCH_FILES = 500  # articles in one zip
BATCH_BYTES = 50_000_000  # a zip's files unpacked, all together
_XLIFF_NAME = re.compile(r"[^/]+\.(xlf|xliff)\Z", re.IGNORECASE)
_FILE_ID = re.compile(r"a(\d{1,12})-r(\d{1,9})")


@dataclasses.dataclass(frozen=True)
class Translated:
    """What a translated file holds: whose translation, into what, and the texts."""

    source_id: int
    revision: int
    language: str
    headline: str
    standfirst: str
    body: str  # HTML, not yet sanitised


def body_blocks(body: str) -> list[str]:
    """The body's top-level blocks as HTML, each with the space after it (a text before the
    first block is a block of its own)."""
    if not body.strip():
        return []
    fragments = lxml_html.fragments_fromstring(body)
    blocks = []
    for fragment in fragments:
        # Each block keeps the space after it, so that the blocks joined are the body.
        if isinstance(fragment, str):
            blocks.append(fragment)
        else:
            blocks.append(lxml_html.tostring(fragment, encoding="unicode", with_tail=True))
    return [block for block in blocks if block.strip()]


def export(article: Article, *, revision: int, language: str) -> bytes:
    """``article``'s text as an XLIFF 2.0 file to translate into ``language``."""
    store = Xliff2File(sourcelanguage=article.language or "en")
    store.settargetlanguage(language)
    texts = [("headline", article.headline), ("standfirst", article.standfirst)]
    texts += [(f"body-{n}", block) for n, block in enumerate(body_blocks(article.body), 1)]
    for unit_id, text in texts:
        if text:
            unit = store.addsourceunit(text)  # type: ignore[no-untyped-call]
            unit.setid(unit_id)
    # translate-toolkit names the file "f1"; ours says which article and revision it is.
    store.body.set("id", f"a{article.pk}-r{revision}")
    return bytes(store)


def read(data: bytes) -> Translated:
    """The translation a file holds; ValidationError naming what is wrong, and where."""
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The file is larger than {MAX_BYTES // 1_000_000} MB.")
    try:
        SafeTree.fromstring(data, forbid_dtd=True)
        store = Xliff2File.parsestring(data)  # type: ignore[no-untyped-call]
    except Exception as error:  # defusedxml's refusals, expat's and lxml's syntax errors
        raise ValidationError(f"This is not an XLIFF 2.0 file we can read: {error}") from error
    found = _FILE_ID.fullmatch(store.body.get("id", "") if store.body is not None else "")
    if found is None:
        raise ValidationError(
            "The file does not say which article it is (<file id> like a12-r3): export it "
            "from newscenter and translate that file."
        )
    language = store.gettargetlanguage()
    if not language:
        raise ValidationError("The file names no language translated into (trgLang).")
    targets: dict[str, str] = {}
    for unit in store.units:
        unit_id = unit.getid() or ""
        if not unit.target:
            raise ValidationError(f"Unit {unit_id!r} has no translation (<target>).")
        targets[unit_id] = str(unit.target)
    blocks = sorted(
        (int(key.removeprefix("body-")), text)
        for key, text in targets.items()
        if re.fullmatch(r"body-\d{1,6}", key)
    )
    return Translated(
        source_id=int(found.group(1)),
        revision=int(found.group(2)),
        language=language,
        headline=targets.get("headline", ""),
        standfirst=targets.get("standfirst", ""),
        body="".join(text for _, text in blocks),
    )


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def pack(files: list[tuple[str, bytes]]) -> bytes:
    """A zip of XLIFF files, by name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def unpack(data: bytes) -> list[tuple[str, bytes]]:
    """The XLIFF files of a zip (``.xlf`` or ``.xliff``, in any folder), by name; others, such
    as a tool's notes, are left out. Sizes are checked before anything is unpacked, so a small
    zip cannot unpack into a huge one; ValidationError naming what is wrong."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and _XLIFF_NAME.search(info.filename)
            and not info.filename.startswith("__MACOSX/")
        ]
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValidationError(f"This is not a zip file we can read: {error}") from error
    if not members:
        raise ValidationError("The zip holds no XLIFF file (.xlf or .xliff).")
    if len(members) > BATCH_FILES:
        raise ValidationError(
            f"The zip holds {len(members)} XLIFF files: at most {BATCH_FILES} at a time."
        )
    for info in members:
        if info.file_size > MAX_BYTES:
            raise ValidationError(
                f"{info.filename} is larger than {MAX_BYTES // 1_000_000} MB unpacked."
            )
    if sum(info.file_size for info in members) > BATCH_BYTES:
        raise ValidationError(f"The zip's files come to more than {BATCH_BYTES // 10**6} MB.")
    files = []
    for info in members:
        try:
            with archive.open(info) as member:
                content = member.read(MAX_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as error:
            raise ValidationError(f"{info.filename} cannot be unpacked: {error}") from error
        if len(content) > MAX_BYTES:  # the size the zip declared was not the truth
            raise ValidationError(f"{info.filename} is larger than {MAX_BYTES // 10**6} MB.")
        files.append((info.filename, content))
    return files
