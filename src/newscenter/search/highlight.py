"""Highlighting in Python, the same for every backend: the headline with its matches marked,
and a snippet of the body around the first match.

Both databases can highlight, but each needs the query again per row (FTS5 reads the positions
of every word a prefix stands for, ts_headline parses the whole text): over a page of results
that cost more than finding them. Here a page costs one read of its stored texts and a regular
expression over a folded copy of each, so "muller" marks "Müller" as the indexes match it.
"""

from __future__ import annotations

import functools
import re

from newscenter.search.base import MARK_END, MARK_START, SNIPPET_WORDS
from newscenter.search.query import ParsedQuery, fold
from newscenter.search.stemming import stem

_WORD = re.compile(r"[^\W_]+")
_LEAD_WORDS = 8  # words shown before the first match, for context
_LEAD_CHARS = 120  # how far back to look for them
_BOUNDARY_BEFORE, _WORD_REST = r"(?<![^\W_])", r"[^\W_]*"
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_ARABIC = re.compile("[\u0600-\u06ff]")
# Arabic short vowels and the tatweel, which a folded query leaves out, may stand between
# the letters it names ("المصنع" marks "المَصْنَع").
_ARABIC_MARKS = "[\u0640\u064b-\u065f\u0670]*"


def _spelled(word: str) -> str:
    if not _ARABIC.search(word):
        return re.escape(word)
    return _ARABIC_MARKS.join(re.escape(c) for c in word)


class Marker:
    """Finds the words of a text that a query matched, as the indexes would."""

    def __init__(self, query: ParsedQuery):
        exact: set[str] = set()
        prefixes: set[str] = set()
        for term in query.positive:
            exact.update(fold(word) for word in term.words[:-1])
            (prefixes if term.prefix else exact).add(fold(term.words[-1]))
            stemmed = stem(term.words[0], query.language) if query.stemmed(term) else None
            if stemmed is not None:
                prefixes.add(stemmed)  # "pumpen" marks "Pumpe", which it found by its stem
        # Chinese and Japanese have no spaces: a run matches wherever it stands, as written.
        anywhere = sorted({w for w in exact | prefixes if _CJK.search(w)}, key=len, reverse=True)
        exact -= set(anywhere)
        prefixes -= set(anywhere)
        parts = [f"{_spelled(w)}(?![^\\W_])" for w in sorted(exact, key=len, reverse=True)]
        parts += [f"{_spelled(p)}{_WORD_REST}" for p in sorted(prefixes, key=len, reverse=True)]
        alternatives = [f"{_BOUNDARY_BEFORE}(?:{'|'.join(parts)})"] if parts else []
        alternatives += [re.escape(w) for w in anywhere]
        self.pattern = re.compile("|".join(alternatives)) if alternatives else None

    def mark(self, text: str, folded: str | None = None) -> str:
        if self.pattern is None:
            return text
        folded = folded if folded is not None else _folded(text)
        pieces, last = [], 0
        for match in self.pattern.finditer(folded):
            start, end = match.span()
            pieces += [text[last:start], MARK_START, text[start:end], MARK_END]
            last = end
        return "".join([*pieces, text[last:]])

    def snippet(self, text: str) -> str:
        """About SNIPPET_WORDS words of ``text`` from a little before its first match; "" if
        nothing matches (the page then shows the standfirst)."""
        folded = _folded(text)
        first = self.pattern.search(folded) if self.pattern else None
        if first is None:
            return ""
        lead = list(_WORD.finditer(text, max(0, first.start() - _LEAD_CHARS), first.start()))
        start = (
            lead[-_LEAD_WORDS].start()
            if len(lead) >= _LEAD_WORDS
            else (lead[0].start() if lead and first.start() > _LEAD_CHARS else 0)
        )
        end = len(text)  # to the end, unless the words run past the snippet
        for count, word in enumerate(_WORD.finditer(text, start), start=1):
            if count == SNIPPET_WORDS:
                end = word.end()
                break
        piece = self.mark(text[start:end], folded[start:end])
        return ("… " if start > 0 else "") + piece + (" …" if end < len(text) else "")


def highlighted(query: ParsedQuery, texts: dict[int, tuple[str, str]]) -> dict[int, tuple]:
    """(headline, snippet) with matches marked, for each article id in ``texts``."""
    marker = Marker(query)
    return {pk: (marker.mark(head), marker.snippet(body)) for pk, (head, body) in texts.items()}


def _folded(text: str) -> str:
    """``text`` folded character by character, so that positions in it are positions in text."""
    return text.lower() if text.isascii() else "".join(map(_fold_character, text))


@functools.lru_cache(maxsize=4096)
def _fold_character(character: str) -> str:
    folded = fold(character)
    return folded[0] if len(folded) == 1 else character.lower()[:1] or character
