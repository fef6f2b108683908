"""One article as an XLIFF 2.0 file for a translator, and a translated file read back.

The file's units are the headline, the standfirst and each top-level block of the body
(``body-1``, ``body-2`` ...), the body's blocks as their HTML: a translator's tool keeps the
markup it is shown and translates the words. ``<file id>`` names the source article and the
revision exported (``a12-r3``), ``trgLang`` the language translated into. Reading back is
the reverse: the targets become the translation's headline, standfirst and body, and the body
passes the one allow-list (``rendering.sanitise_html``) like every other HTML input.

Writing and reading go through translate-toolkit's XLIFF 2 storage; a file is first read by
defusedxml, which refuses DTDs and entities (billion laughs, external entities) before any
other parser sees it.
"""

from __future__ import annotations

import dataclasses
import re

from defusedxml import ElementTree as SafeTree
from django.core.exceptions import ValidationError
from lxml import html as lxml_html
from translate.storage.xliff2 import Xliff2File

from newscenter.news.models import Article

MAX_BYTES = 5_000_000
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
