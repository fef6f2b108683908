"""Revisions compared for the desk: body HTML as text, word-level ``<ins>``/``<del>``, and
each field of two revisions side by side (the presentation half of revisions; the domain's
``news.revisions`` says what a revision holds).

Everything an editor typed is escaped here: the output is built with ``format_html`` and
``format_html_join`` only, so a ``<script>`` in a headline shows as text on the comparison page.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from newscenter.news.models import Article, Revision
from newscenter.news.revisions import LABELS, META_FIELDS, TEXT_FIELDS

# Elements that start a new line in the text form of a body: one paragraph, heading, list
# item or table row per line, so that a diff shows where blocks were added or removed.
BLOCKS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre",
        "figure", "figcaption", "table", "caption", "tr", "ul", "ol", "dl", "hr", "div",
    }
)  # fmt: skip
CELLS = frozenset({"td", "th"})
_TOKEN = re.compile(r"\S+\s*|\s+")
_SPACES = re.compile(r"[^\S\n]+")
_MARKUP = {"equal": "{}", "insert": "<ins>{}</ins>", "delete": "<del>{}</del>"}
# difflib's time grows with the product of the lengths: past this many words on either side
# of a changed run, or this many words diffed in all, a run is shown as removed and added
# whole, so that a 1 MB paste compares in well under a second.
MAX_TOKENS = 4_000
WORD_BUDGET = 24_000
# Constant markup, never editor text: the line break between lines of a diff.
_BR = SafeString("<br>")
_NOTHING = SafeString()


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in BLOCKS or tag == "br":
            self.parts.append("\n")
        elif tag in CELLS:
            self.parts.append(" | ")
        elif tag == "img":
            # An image changes what readers see: show it by its alternative text and address.
            self.parts.append(f" [image: {values.get('alt') or ''} {values.get('src') or ''}] ")
        if tag == "a":
            self.links.append(values.get("href") or "")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self.links:
            # A changed link target is a real change even when its words stay the same.
            href = self.links.pop()
            if href:
                self.parts.append(f" [{href}]")

    def handle_data(self, data):
        self.parts.append(data)


def body_text(markup: str) -> str:
    """``markup`` as plain text, one block per line, spaces collapsed (nothing escaped yet)."""
    parser = _TextOfHtml()
    parser.feed(markup or "")
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def word_diff(old: str, new: str) -> SafeString:
    """``new`` against ``old``: words removed in ``<del>``, words added in ``<ins>``, lines
    separated by ``<br>``.

    Lines are matched first (cheap, and an untouched paragraph stays whole), then the words
    of each changed run of lines, line breaks included, so that an added paragraph shows as
    one insertion instead of shifting every line after it.
    """
    old_lines, new_lines = (old or "").split("\n"), (new or "").split("\n")
    budget = [WORD_BUDGET]
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_lines, new_lines).get_opcodes():
        if runs:
            runs.append(("equal", "\n"))
        if op == "equal":
            runs.append(("equal", "\n".join(old_lines[i1:i2])))
        else:
            old_run, new_run = "\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2])
            runs.extend(_words(old_run, new_run, budget))
    return _render(runs)


def _words(old: str, new: str, budget: list[int]) -> list[tuple[str, str]]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    budget[0] -= len(a) + len(b)
    if max(len(a), len(b)) > MAX_TOKENS or budget[0] < 0:
        return [("delete", old), ("insert", new)]
    # Words are compared without the spaces after them ("opens" at the end of a sentence is
    # the same word as "opens " before another), but a line break after a word counts.
    matcher = difflib.SequenceMatcher(None, _keys(a), _keys(b))
    runs = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("equal", "".join(b[j1:j2])))
            continue
        runs.append(("delete", "".join(a[i1:i2])))
        runs.append(("insert", "".join(b[j1:j2])))
    return runs


def _keys(tokens: list[str]) -> list[str]:
    return [t.strip() + ("\n" if "\n" in t else "") for t in tokens]


def _render(runs: list[tuple[str, str]]) -> SafeString:
    """The new text's line breaks as ``<br>``; a removed break shows as a deleted ``¶``."""
    parts: list[SafeString] = []
    for kind, text in runs:
        if kind == "delete":
            text = text.replace("\n", " ¶ ")
        for n, segment in enumerate(text.split("\n")):
            if n:
                parts.append(_BR)
            if segment:
                parts.append(format_html(_MARKUP[kind], segment))
    return _join(parts)


def _join(parts: list[SafeString]) -> SafeString:
    # The one place the diff's safe HTML is assembled: every part comes from format_html
    # (editor text escaped) or is the constant _BR.
    return format_html_join(_NOTHING, "{}", ((part,) for part in parts))


# --- Comparing two revisions ------------------------------------------------------------

NONE = "(none)"


@dataclass(frozen=True)
class FieldDiff:
    """One field that differs between two revisions, readable and as escaped HTML."""

    name: str
    label: str
    old: str
    new: str
    html: SafeString  # <ins>/<del> markup; every value in it escaped


def revision_diff(older: Revision, newer: Revision) -> list[FieldDiff]:
    """The fields that differ from ``older`` to ``newer`` (any two revisions, either order),
    text fields word by word, metadata as old -> new with names resolved."""
    diffs = []
    for name in (*TEXT_FIELDS, *META_FIELDS):
        before, after = older.content.get(name), newer.content.get(name)
        if _same(before, after):
            continue
        if name in TEXT_FIELDS:
            old, new = _text(name, before), _text(name, after)
            html = word_diff(old, new)
        else:
            old, new = display_value(name, before), display_value(name, after)
            html = format_html("<del>{}</del> → <ins>{}</ins>", old, new)
        diffs.append(FieldDiff(name, LABELS.get(name, name), old, new, html))
    return diffs


def display_value(name: str, value: Any) -> str:
    """A stored value as an editor reads it: names for ids, labels for states, local dates."""
    if value in (None, "", []):
        return NONE
    if name == "status":
        # Revisions saved before snapshot() stored plain values may hold the name ("DRAFT").
        status = str(value).lower()
        return Article.Status(status).label if status in Article.Status.values else str(value)
    if name == "pub_date":
        moment = parse_datetime(str(value))
        return date_format(timezone.localtime(moment), "Y-m-d H:i T") if moment else str(value)
    field = Article._meta.get_field(name)
    if field.is_relation:
        ids = value if isinstance(value, list) else [value]
        return ", ".join(_names(field.related_model, ids))
    return str(value)


def _names(model, ids: list) -> list[str]:
    keys = [i for i in ids if isinstance(i, int)]
    found = {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=keys)}
    noun = model._meta.verbose_name
    # A value kept from before the field was a relation (a file name) is shown as it was.
    return [found.get(i, f"(deleted {noun} {i})") if isinstance(i, int) else str(i) for i in ids]


def _text(name: str, value: Any) -> str:
    return body_text(value or "") if name == "body" else str(value or "")


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, list) and isinstance(after, list):
        return sorted(before) == sorted(after)
    return (before or None) == (after or None)
