"""Words in scripts the databases' tokenisers do not cut well: Chinese, Japanese, Korean and
Arabic, made searchable the same way on SQLite and PostgreSQL.

Chinese and Japanese write no spaces: both tokenisers take a whole run of Han or kana as one
"word", so "工厂" would never find "苏州新工厂开业". Each run is indexed again as its
overlapping pairs of characters (bigrams, as Lucene's CJK analyser does: 苏州 州新 新工 工厂
厂开 开业) and a query's run becomes the phrase of its pairs ("新工厂" is "新工 工厂" in a
row). The last character of each run is indexed alone too, so that any single character,
searched as a prefix, finds the pairs it starts and the run it ends. Hangul is paired the same
way: Korean attaches particles to words ("공장이", "공장에서").

Arabic is written with optional short vowels (harakat), the tatweel that stretches a line,
and several forms of alef: "المَصْنَع", "المصـــنع" and "المصنع" are one word to a reader.
Harakat are not letters to FTS5's tokeniser (it would cut the word at each), so each Arabic
word is indexed again folded (``query.fold``) and a query's Arabic words are folded alike.

Only these extra words are added: the text itself is stored and shown as written.
"""

from __future__ import annotations

import re

from newscenter.search.query import ParsedQuery, Term, fold, without_arabic_marks, words_as_written
from newscenter.search.stemming import stems

# Han (with extensions and compatibility ideographs), kana, Hangul syllables.
_CJK = (
    "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002fa1f"
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
_HAS_CJK = re.compile(f"[{_CJK}]")
_HAS_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_WORD = re.compile(r"[^\W_]+")
# The separator between stored text and its extra words: not a word character to either
# tokeniser, and never in stored text (base._indexable removes it).
SEPARATOR = "\x1f"


def is_cjk(word: str) -> bool:
    return bool(_HAS_CJK.search(word))


def needs_words(word: str) -> bool:
    return bool(_HAS_CJK.search(word) or _HAS_ARABIC.search(word))


def extra_words(text: str) -> str:
    """The words ``text`` is indexed under besides its own: "" for most text."""
    if text.isascii():  # no Chinese, Japanese or Arabic: no word to test one by one
        return ""
    stream: list[str] = []
    ends: list[str] = []
    for word in _WORD.findall(without_arabic_marks(text)):
        if _HAS_CJK.search(word):
            stream += _segments(word, ends)
        elif _HAS_ARABIC.search(word):
            stream.append(fold(word))
    return " ".join(stream + ends)


def indexed(text: str, stems_in: str = "") -> str:
    """``text`` as a tokeniser is given it: the text, then its extra words if any, and with
    ``stems_in`` a language, the stems of its words in that language (search.stemming)."""
    extra = extra_words(text)
    if stems_in:
        extra = " ".join(filter(None, (extra, *stems(words_as_written(text), stems_in))))
    return f"{text} {SEPARATOR} {extra}" if extra else text


def stored(text: str) -> str:
    """The text of an :func:`indexed` column, without its extra words."""
    head, found, _extra = text.partition(f" {SEPARATOR} ")
    return head if found else text


def _segments(word: str, ends: list[str]) -> list[str]:
    """A word's runs in order: CJK runs as their pairs, anything between as itself."""
    parts: list[str] = []
    last = 0
    for run in _CJK_RUN.finditer(word):
        if run.start() > last:
            parts.append(fold(word[last : run.start()]))
        characters = run.group()
        if len(characters) == 1:
            parts.append(characters)
        else:
            parts += [characters[i : i + 2] for i in range(len(characters) - 1)]
            ends.append(characters[-1])
        last = run.end()
    if last < len(word):
        parts.append(fold(word[last:]))
    return parts


def for_index(query: ParsedQuery) -> ParsedQuery:
    """The query in the index's words: CJK runs as phrases of pairs, Arabic folded. Other
    terms are left as they are (the backends fold them as their tokenisers do)."""
    if not any(needs_words(word) for term in query.terms for word in term.words):
        return query
    return ParsedQuery(tuple(_term(term) for term in query.terms), query.language)


def _term(term: Term) -> Term:
    if not any(needs_words(word) for word in term.words):
        return term
    words: list[str] = []
    for word in term.words:
        if _HAS_CJK.search(word):
            words += _segments(word, [])
        else:
            words.append(fold(word))
    last = term.words[-1]
    # A lone character finds the pairs it begins and the runs it ends (indexed alone); a
    # longer run is its pairs exactly. Other words keep the reader's prefix.
    if _CJK_RUN.fullmatch(last):
        prefix = len(words) == 1 and len(last) == 1
    else:
        prefix = term.prefix and len(words) == 1  # a phrase is matched as written
    return Term(tuple(words), prefix=prefix, exclude=term.exclude)
