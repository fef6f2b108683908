"""Front matter of Markdown files: YAML (---), TOML (+++), Hugo's JSON ({...}) and Pelican's
metadata lines, read safely.

YAML goes through a SafeLoader that refuses aliases outright (a few lines of anchors and
aliases can expand into gigabytes), and front matter is capped in size.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

from newscenter.importers.parsers.base import ImportParseError

FRONT_MATTER_CHARS = 64 * 1024
_OPENING = re.compile(r"(---|\+\+\+)[ \t]*\n")
_CLOSING = {"---": r"^(?:---|\.\.\.)[ \t]*$", "+++": r"^\+\+\+[ \t]*$"}
_PELICAN_LINE = re.compile(r"([A-Za-z][\w-]*)[ \t]*:[ \t]*(.*)")


def error(message: str, origin: str, line: int | None = None) -> ImportParseError:
    return ImportParseError(message, where=f"{origin}:{line}" if line else origin)


# --- the file: text, front matter and body --------------------------------------------------


@dataclass
class FrontMatter:
    meta: dict[str, Any]  # keys lower-cased: publishDate and publishdate are one key
    body: str
    lines: list[str]  # the front matter as written, to name the line of a bad value
    first_line: int  # the file's line number of lines[0]

    def line_of(self, key: str) -> int:
        pattern = re.compile(rf"""\s*["']?{re.escape(key)}["']?\s*[:=]""", re.I)
        return self.first_line + next(
            (n for n, line in enumerate(self.lines) if pattern.match(line)), 0
        )


def decode(data: bytes, origin: str) -> str:
    if b"\x00" in data:
        raise error("the file contains NUL bytes: binary data, not Markdown", origin)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error("the file is not UTF-8 text", origin, line) from None
    if not text.strip():
        raise error("the file is empty", origin)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, origin: str) -> FrontMatter:
    opening = _OPENING.match(text)
    if opening is not None:
        return _fenced(text, opening, origin)
    if text.startswith("{") and not text.startswith("{{"):  # "{{<" opens a shortcode instead
        return _json_front_matter(text, origin)
    return _pelican(text) or FrontMatter({}, text, [], 1)


def _fenced(text: str, opening: re.Match[str], origin: str) -> FrontMatter:
    fence = opening[1]
    closing = re.compile(_CLOSING[fence], re.M).search(text, opening.end())
    if closing is None:
        raise error(f"the front matter opened by {fence} is never closed", origin, 1)
    source = text[opening.end() : closing.start()]
    _check_size(len(source), origin)
    meta = _load_yaml(source, origin) if fence == "---" else _load_toml(source, origin)
    return FrontMatter(_mapping(meta, origin), text[closing.end() :], source.split("\n"), 2)


def _check_size(chars: int, origin: str) -> None:
    if chars > FRONT_MATTER_CHARS:
        limit = f"the limit is {FRONT_MATTER_CHARS:,}"
        raise error(f"the front matter is {chars:,} characters; {limit}", origin)


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader without aliases (the billion-laughs vector) and without implicit timestamps."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        return super().compose_node(parent, index)


def _load_yaml(source: str, origin: str) -> Any:
    loader = None
    try:
        loader = _FrontMatterLoader(source)  # what yaml.safe_load does, with a stricter loader
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark, opened = exc.problem_mark or exc.context_mark, exc.context_mark
        context = f" ({exc.context} on line {2 + opened.line})" if opened and exc.context else ""
        line = 2 + mark.line if mark else None
        raise error(f"malformed YAML front matter: {exc.problem}{context}", origin, line) from None
    except Exception as exc:  # PyYAML's constructors raise assorted errors on odd tags (!!float x)
        detail = exc if isinstance(exc, ValueError) else "a value tagged !!... cannot be read"
        raise error(f"malformed YAML front matter: {detail}", origin) from None
    finally:
        if loader is not None:
            loader.dispose()


def _load_toml(source: str, origin: str) -> Any:
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+)", str(exc))
        message = f"malformed TOML front matter: {str(exc).split(' (at ')[0]}"
        raise error(message, origin, 1 + int(at[1]) if at else None) from None
    except (ValueError, RecursionError) as exc:  # integers past 4,300 digits; deep nesting
        raise error(f"malformed TOML front matter: {exc}", origin) from None


def _json_front_matter(text: str, origin: str) -> FrontMatter:
    try:
        meta, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        raise error(f"malformed JSON front matter: {exc.msg}", origin, exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        raise error(f"malformed JSON front matter: {exc}", origin) from None
    _check_size(end, origin)
    return FrontMatter(_mapping(meta, origin), text[end:], text[:end].split("\n"), 1)


def _pelican(text: str) -> FrontMatter | None:
    """Pelican's ``Title: ...`` lines up to the first blank line, if the file starts so."""
    head, *rest = re.split(r"\n[ \t]*\n", text, maxsplit=1)
    meta: dict[str, Any] = {}
    key = ""
    for line in head.split("\n"):
        match = _PELICAN_LINE.fullmatch(line)
        if match:
            key = match[1].lower()
            meta[key] = match[2].strip()
        elif key and line.startswith(("    ", "\t")):  # a continued value
            meta[key] += " " + line.strip()
        else:
            return None
    if not {"title", "date"} & meta.keys():
        return None  # "Note: ..." opening a plain Markdown file is text, not metadata
    return FrontMatter(meta, rest[0] if rest else "", head.split("\n"), 1)


def _mapping(meta: Any, origin: str) -> dict[str, Any]:
    if meta is not None and not isinstance(meta, dict):
        raise error("the front matter is not a set of key: value pairs", origin)
    return lower(meta or {})


def lower(mapping: dict[Any, Any]) -> dict[str, Any]:
    return {str(key).strip().lower(): value for key, value in mapping.items()}
