"""Refusing unsafe or non-feed input before feedparser sees it.

defusedxml checks the bytes with DTDs, entities and external references refused, counting
elements and character references on the way, so that feedparser (20-100 us per element)
is only ever handed feeds of bounded cost.
"""

from __future__ import annotations

import re
from typing import Any

import defusedxml
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from feedparser.encodings import convert_to_utf8

from newscenter.importers.parsers.base import ImportParseError

CHECK_CHUNK = 64 * 1024
# feedparser spends tens of microseconds on each element and each "&lt;": these bound a feed
# to seconds. A 50-entry feed has about 1,000 elements.
MAX_ELEMENTS = 50_000
MAX_REFERENCES = 250_000

# The one DOCTYPE old RSS 0.91 feeds carry: a public identifier, no internal subset. It declares
# no entities and nobody fetches it, so it is left out of the safety check (feedparser drops it).
_NETSCAPE_DOCTYPE = re.compile(
    rb'<!DOCTYPE\s+rss\s+PUBLIC\s+"-//Netscape Communications//DTD RSS 0\.91//EN"'
    rb'\s+"[^"<>\[\]]*"\s*>',
    re.IGNORECASE,
)
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def check_xml(data: bytes, *, origin: str) -> bool:
    """Refuse DTDs, entities, external references and cut-off documents; return whether the
    XML is well-formed.

    Input expat cannot read (not well-formed, or a multi-byte legacy encoding) goes to
    feedparser's lenient parser, so it is refused when it declares a DOCTYPE or ENTITY anywhere.
    """
    checked = _NETSCAPE_DOCTYPE.sub(b"", data, count=1)
    if checked.count(b"&") > MAX_REFERENCES:
        raise _too_much(f"{MAX_REFERENCES:,} character references", origin)
    parser = DefusedXMLParser(target=_ElementCounter(), forbid_dtd=True)
    try:
        for start in range(0, len(checked), CHECK_CHUNK):
            parser.feed(checked[start : start + CHECK_CHUNK])
    except defusedxml.DefusedXmlException as exc:
        raise _refused(exc, origin) from None
    except _TooManyElements:
        raise _too_much(f"{MAX_ELEMENTS:,} elements", origin) from None
    except (ParseError, ValueError, LookupError):
        if _DECLARATION.search(_as_utf8(checked)):
            raise _refused(None, origin) from None
        if checked.count(b"<") > MAX_ELEMENTS:
            raise _too_much(f"{MAX_ELEMENTS:,} elements", origin) from None
        return False
    try:
        parser.close()
    except defusedxml.DefusedXmlException as exc:
        raise _refused(exc, origin) from None
    except ParseError as exc:
        # Well-formed up to its end, but elements are left open: a partial download, whose
        # last entry would be imported cut short.
        raise ImportParseError(
            f"the feed is cut off: it ends before its elements are closed ({exc})", where=origin
        ) from None
    return True


class _TooManyElements(Exception):
    pass


class _ElementCounter:
    """An ElementTree target that only counts: the check needs no tree in memory."""

    def __init__(self) -> None:
        self.count = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise _TooManyElements


def _too_much(what: str, origin: str) -> ImportParseError:
    return ImportParseError(f"the feed has more than {what}; import it in parts", where=origin)


def _refused(exc: Exception | None, origin: str) -> ImportParseError:
    what = {
        defusedxml.DTDForbidden: "a document type declaration (DTD)",
        defusedxml.EntitiesForbidden: "an entity declaration",
        defusedxml.ExternalReferenceForbidden: "a reference to an external file",
    }.get(type(exc), "a DTD or entity declaration")
    return ImportParseError(
        f"the feed contains {what}; feeds with DTDs or entities are refused for safety "
        "(they can expand to gigabytes or read local files)",
        where=origin,
    )


def _as_utf8(data: bytes) -> bytes:
    """The bytes as feedparser will read them: UTF-16, EBCDIC and the rest converted."""
    try:
        converted: bytes = convert_to_utf8({"content-type": "application/xml"}, data, {})
        return converted
    except Exception:  # e.g. a non-ASCII encoding name; feedparser.parse then fails as well
        return data.replace(b"\x00", b"")


def refuse_non_feed(result: Any, origin: str) -> None:
    if result.entries:
        return
    if result.bozo:
        problem = result.get("bozo_exception") or "not well-formed XML"
        raise ImportParseError(f"the feed cannot be read: {problem}", where=origin)
    if not result.get("version"):
        raise ImportParseError(
            "no RSS or Atom feed found (the document's root is not rss, rdf:RDF or feed)",
            where=origin,
        )
