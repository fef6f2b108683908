"""The record in DIR of what each exported file was made from: ``.newscenter-export.json``.

``pages`` maps a file's path to ``[fingerprint, content hash, size, media names]``: the
fingerprint says what the page was rendered from, the hash what was written. ``files`` maps
copied static and media files to ``[source stamp, size]``. ``related`` keeps each article's
related articles with the fingerprint of the texts they were ranked from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from newscenter.export.files import write_atomic

NAME = ".newscenter-export.json"
VERSION = 1


@dataclass
class Manifest:
    pages: dict[str, list] = field(default_factory=dict)
    files: dict[str, list] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Manifest:
        try:
            data = json.loads((root / NAME).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return cls()  # no export yet, or an unreadable one: everything is rendered again
        if data.get("version") != VERSION:
            return cls()
        return cls(
            pages=data.get("pages", {}),
            files=data.get("files", {}),
        )

    def save(self, root: Path) -> None:
        data = {
            "version": VERSION,
            "pages": self.pages,
            "files": self.files,
        }
        content = json.dumps(data, separators=(",", ":")).encode()
        try:
            if (root / NAME).read_bytes() == content:
                return  # a run that changed nothing leaves DIR exactly as it was
        except FileNotFoundError:
            pass
        write_atomic(root, NAME, content)
