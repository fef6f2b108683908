"""Stemming per language: "Pumpen" finds "Pumpe", "factories" finds "factory".

An article is indexed under its words as written (folded) and, for a language with a
stemmer, under the stems of its words that differ from the words themselves. A bare word of
a query (not a quoted one, not a phrase) matches its own form or its stem in the query's
language: the edition searched (``lang=``, an edition's search page), else the reader's.

PostgreSQL stems with its own text search configurations (``newscenter_german`` ... : the
snowball stemmer of the language behind ``unaccent``), made by the backend's schema; SQLite's
FTS5 has only an English stemmer (``porter``) that would stem every language's words as
English, so its stems come from the same Snowball algorithms in Python (snowballstemmer) and
are indexed beside the text as extra words (``search.scripts``). Languages without a stemmer
here (Chinese, Japanese, Arabic, ...) are indexed as words only, as before.
"""

from __future__ import annotations

import functools
import threading

import snowballstemmer  # type: ignore[import-untyped]

from newscenter.search.query import fold

# Primary language subtag -> Snowball algorithm, which is also the name of PostgreSQL's
# configuration and dictionary (``german``, ``german_stem``); both ship these languages.
ALGORITHMS = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "it": "italian",
    "nb": "norwegian",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ru": "russian",
    "sv": "swedish",
}
# Words this short are their own stems, or too short to stem safely.
MIN_CHARS = 4

_local = threading.local()  # a Snowball stemmer keeps state while it works: one per thread


def algorithm(language: str | None) -> str | None:
    """The stemmer for a language tag ("de-AT" -> "german"), or None."""
    if not language:
        return None
    return ALGORITHMS.get(language.replace("_", "-").split("-")[0].lower())


def config(language: str | None) -> str:
    """PostgreSQL's text search configuration for a language tag, or "" for none."""
    name = algorithm(language)
    return f"newscenter_{name}" if name else ""


def stem(word: str, language: str | None) -> str | None:
    """``word``'s stem in ``language``, folded as the index folds words, when it is not the
    folded word itself; else None."""
    name = algorithm(language)
    if name is None or len(word) < MIN_CHARS or not word.isalpha():
        return None
    return _stem(word, name)


# A text's words repeat, and so do an import's: each is stemmed once per algorithm (Snowball
# in Python costs about 0.2 ms a word, most of an import's time before this cache).
@functools.lru_cache(maxsize=100_000)
def _stem(word: str, name: str) -> str | None:
    stemmed = fold(_stemmer(name).stemWord(word.casefold()))
    return stemmed if stemmed and stemmed != fold(word) else None


# Each word's stem or None, per algorithm, kept across texts: a text's words are looked up in
# C, and only the words no earlier text had are judged in Python (an import's index asks this
# for every word of every article, half a million for 2,000 posts, of a few thousand distinct).
_judged: dict[str, dict[str, str | None]] = {}
JUDGED_WORDS = 100_000  # per algorithm; then judged afresh (a vocabulary of a few MB)


def stems(words: list[str], language: str | None) -> list[str]:
    """The stems of ``words`` that differ from the words, in order (what SQLite indexes)."""
    name = algorithm(language)
    if name is None:
        return []
    judged = _judged.setdefault(name, {})
    new = set(words).difference(judged)
    if len(judged) + len(new) > JUDGED_WORDS:
        # A new dict, not the old one emptied: a thread still mapping its words through the
        # old one finds each word it put there.
        judged = _judged[name] = {}
        new = set(words)
    for w in new:
        judged[w] = _stem(w, name) if len(w) >= MIN_CHARS and w.isalpha() else None
    return list(filter(None, map(judged.__getitem__, words)))


def _stemmer(name: str):
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if name not in stemmers:
        stemmers[name] = snowballstemmer.stemmer(name)
    return stemmers[name]
