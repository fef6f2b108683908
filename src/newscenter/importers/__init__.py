"""The registry of import formats, by name, extensible with ``NEWSCENTER_IMPORT_FORMATS``.

Each entry names a module exposing ``parser``: an object following
:class:`newscenter.importers.parsers.base.Parser`.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

from newscenter.importers.parsers.base import ImportParseError, Parser

BUILTIN_FORMATS = {
    "feed": "newscenter.importers.parsers.feed",
    "html": "newscenter.importers.parsers.html",
    "markdown": "newscenter.importers.parsers.markdown",
    "text": "newscenter.importers.parsers.text",
    "wxr": "newscenter.importers.parsers.wxr",
}


def formats() -> dict[str, str]:
    return BUILTIN_FORMATS | getattr(settings, "NEWSCENTER_IMPORT_FORMATS", {})


def get_parser(name: str) -> Parser:
    try:
        module = formats()[name]
    except KeyError:
        known = ", ".join(sorted(formats()))
        raise ImportParseError(f"unknown format {name!r} (known: {known})") from None
    try:
        return import_module(module).parser
    except (ImportError, AttributeError) as exc:
        # `import` skips the system checks for speed, so a bad NEWSCENTER_IMPORT_FORMATS
        # entry must still end in a message, not a traceback (newscenter.E002 names it too).
        raise ImportParseError(f"format {name!r} is configured as {module}: {exc}") from None


def detect_parser(head: bytes, *, filename: str = "") -> Parser:
    """The first registered format that recognises ``head``; text is the fallback."""
    for name in formats():
        parser = get_parser(name)
        if name != "text" and parser.detect(head, filename=filename):
            return parser
    text = get_parser("text")
    if text.detect(head, filename=filename):
        return text
    raise ImportParseError(
        "the format could not be recognised; name it with --format", where=filename
    )
