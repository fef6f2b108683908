"""What a reader types, reduced to terms that no backend can misread.

Any string is a valid query: words are runs of letters and digits, ``"..."`` marks a phrase,
``-word`` excludes a word, ``word*`` asks for a prefix. Everything else (operators, brackets,
unbalanced quotes, control characters) is ignored rather than passed to a query parser, so a
backend builds its query only from these terms and never sees raw input.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 1_000  # longer input is cut: nobody types more, and parsing stays cheap
MAX_TERMS = 12
MAX_WORD_CHARS = 60
# Bare words this long or longer also match words they begin: "valve" finds "valves". With no
# stemming in either backend this is what lets singular and plural find each other.
AUTO_PREFIX_MIN_CHARS = 3

# Letters and digits only: the underscore, like every other symbol, separates words in both
# backends' tokenisers, so it must here too.
_WORD_PATTERN = r"[^\W_]+"
# A minus excludes only at the start of a token: "e-mail" is two words, not "e" without "mail".
_TOKEN = re.compile(rf'((?<!\S)-)?"([^"]*)"|((?<!\S)-)?({_WORD_PATTERN})(\*?)')
_WORD = re.compile(_WORD_PATTERN)
# What _WORD matches in ASCII text (Unicode's letters and digits are these there), found in
# half the time: an import's index reads every word of every article.
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or the words of a phrase in order
    prefix: bool = False  # the last word also matches longer words it begins
    exclude: bool = False
    # Set by a backend that spells a prefix out: the indexed words the prefix stands for.
    alternatives: tuple[str, ...] = ()

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def text(self) -> str:
        inner = " ".join(self.words)
        shown = f'"{inner}"' if self.is_phrase else inner
        return (
            ("-" if self.exclude else "") + shown + ("*" if self.prefix and self.is_phrase else "")
        )


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]
    # The language whose stems bare words also match (search.stemming): "" for none.
    language: str = ""

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.exclude)

    def __bool__(self) -> bool:
        # A query of exclusions alone would match nearly everything: it is treated as empty.
        return bool(self.positive)

    def text(self) -> str:
        return " ".join(term.text() for term in self.terms)

    def replace(self, corrections: dict[str, str]) -> ParsedQuery:
        """The same query with some single words swapped (a spelling correction)."""
        terms = tuple(
            Term((corrections[t.words[0]],), prefix=t.prefix, exclude=t.exclude)
            if not t.is_phrase and t.words[0] in corrections
            else t
            for t in self.terms
        )
        return ParsedQuery(terms, self.language)

    def in_language(self, language: str | None) -> ParsedQuery:
        return ParsedQuery(self.terms, language or "")

    def stemmed(self, term: Term) -> bool:
        """Whether ``term`` also matches its stem: a bare word, not a quoted one or a phrase."""
        return bool(self.language) and term.prefix and not term.is_phrase


def parse(text: str) -> ParsedQuery:
    text = _clean((text or "")[:MAX_QUERY_CHARS])
    terms: list[Term] = []
    for match in _TOKEN.finditer(text):
        term = _term(match)
        if term is not None and term not in terms:
            terms.append(term)
        if len(terms) == MAX_TERMS:
            break
    return ParsedQuery(tuple(terms))


# Arabic letters a reader does not tell apart when searching (as Lucene's Arabic normaliser):
# alef wasla as alef, alef maksura as yeh, teh marbuta as heh; the tatweel (a stretch of the
# line, not a letter) goes. NFKD already takes hamza and madda off alef, waw and yeh.
_ARABIC_FOLDS = str.maketrans({"\u0671": "\u0627", "\u0649": "\u064a", "\u0629": "\u0647",
                               "\u0640": None})  # fmt: skip


def fold(word: str) -> str:
    """Lower case without diacritics ("Müller" -> "muller", "المَصْنَع" -> "المصنع"), as both
    indexes compare words."""
    if word.isascii():  # nothing to decompose: the common case, at a fraction of the cost
        return word.lower()
    return _fold_unicode(word)


@functools.lru_cache(maxsize=65_536)  # a text's words repeat: each is decomposed once
def _fold_unicode(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_ARABIC_FOLDS)


def words(text: str) -> list[str]:
    """The folded words of a text, in order: what the spelling vocabulary is built from."""
    if text.isascii():  # lower case keeps ASCII words where they are: fold the text once
        return _ASCII_WORD.findall(text.lower())
    return [fold(w) for w in _WORD.findall(text)]


def words_as_written(text: str) -> list[str]:
    """The words of a text as written (not folded), in order."""
    return (_ASCII_WORD if text.isascii() else _WORD).findall(text)


def _term(match: re.Match) -> Term | None:
    phrase_minus, phrase, word_minus, word, star = match.groups()
    if phrase is not None:
        parts = tuple(w[:MAX_WORD_CHARS] for w in _WORD.findall(phrase))
        if not parts:
            return None
        # A quoted single word is exact: no automatic prefix.
        return Term(parts, exclude=bool(phrase_minus))
    word = word[:MAX_WORD_CHARS]
    prefix = bool(star) or len(word) >= AUTO_PREFIX_MIN_CHARS
    return Term((word,), prefix=prefix and not word_minus, exclude=bool(word_minus))


def _clean(text: str) -> str:
    # Control and format characters (NUL, bidi overrides) are not part of any word.
    cleaned = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    return without_arabic_marks(cleaned)


# Arabic short vowels (harakat), the superscript alef and the tatweel: written or not, the
# word is the same, and a regular expression's \w would cut the word at each vowel.
_ARABIC_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")


def without_arabic_marks(text: str) -> str:
    return _ARABIC_MARKS.sub("", text)
