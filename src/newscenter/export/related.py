"""Related articles for every public article at once, as ``search.related`` ranks them.

``related_articles`` costs about fifteen queries per article (15 ms at 10,000 articles): fine
for one page, two and a half minutes for an export. Here the same ranking runs over data read
once: the public articles' order, sections and tags from the snapshot, and on SQLite each
query word's matches (one FTS5 query per distinct word). On other databases the word half
asks the search backend per article, exactly as the page does. The ranking constants are
search.related's own; tests/export compares every exported article page with the live one,
so a change there that this module does not follow fails loudly.
"""

from __future__ import annotations

import collections
import itertools
import operator
import re

from django.db import connection

from newscenter.news.models import Article
from newscenter.search import related as live
from newscenter.search.backends import backend
from newscenter.search.query import words


def query_words(headline: str, standfirst: str) -> list[str]:
    """The words search.related looks for: the first few long ones of headline and standfirst."""
    seen: dict[str, None] = {}
    for word in words(f"{headline} {standfirst}"):
        if len(word) >= live._MIN_WORD_CHARS and not word.isdigit():
            seen.setdefault(word)
    return list(seen)[: live._QUERY_WORDS]


class RelatedIndex:
    """Ranks related articles from in-memory lists: ``ids(article_id)`` is what the page shows.

    ``order`` holds the public article ids newest first (-pub_date, -id), ``sections`` and
    ``tags`` each article's section id and tag ids, ``texts`` its headline and standfirst.
    """

    def __init__(self, order: list[int], sections: dict, tags: dict, texts: dict):
        self.order = order
        self.position = {pk: n for n, pk in enumerate(order)}
        self.sections = sections
        self.tags = tags
        self.query = {pk: query_words(*texts[pk]) for pk in order}
        self.by_section: dict[int, list[int]] = {}
        self.by_tag: dict[int, list[int]] = {}
        for n, pk in enumerate(order):  # positions, ascending: newest first
            if sections.get(pk) is not None:
                self.by_section.setdefault(sections[pk], []).append(n)
            for tag in tags.get(pk, ()):
                self.by_tag.setdefault(tag, []).append(n)
        self.postings = None
        if connection.vendor == "sqlite":
            wanted = {w for query in self.query.values() for w in query}
            self.postings = _Postings(wanted, self.position)

    def ids(self, pk: int, limit: int = live.RELATED_COUNT) -> list[int]:
        scores: dict[int, float] = {}
        for other, points in self._shared_metadata(pk):
            scores[other] = float(points)
        for other, similarity in self._shared_words(pk):
            scores[other] = scores.get(other, 0.0) + similarity
        return sorted(scores, key=scores.__getitem__, reverse=True)[:limit]

    def _shared_metadata(self, pk: int) -> list[tuple[int, int]]:
        own_tags = set(self.tags.get(pk, ()))
        section = self.sections.get(pk)
        lists = [self.by_tag[t] for t in own_tags if t in self.by_tag]
        if section is not None and section in self.by_section:
            lists.append(self.by_section[section])
        me = self.position[pk]
        # The newest _WINDOW articles that share a tag or the section, as the page's query.
        depth = live._WINDOW + 1
        newest = sorted(set().union(*(n[:depth] for n in lists)))[:depth]
        window = [self.order[n] for n in newest if n != me][: live._WINDOW]
        if not own_tags:  # all of them share the section and nothing else: newest first
            return [(other, live._SECTION_POINTS) for other in window[: live._POOL]]
        rows = []
        for other in window:
            shared_tags = len(own_tags.intersection(self.tags.get(other, ())))
            same = 1 if section is not None and self.sections.get(other) == section else 0
            rows.append((-shared_tags, -same, self.position[other], other, shared_tags, same))
        rows.sort()
        return [
            (other, tags * live._TAG_POINTS + same * live._SECTION_POINTS)
            for *_, other, tags, same in rows[: live._POOL]
        ]

    def _shared_words(self, pk: int) -> list[tuple[int, float]]:
        wanted = self.query[pk]
        if self.postings is None:
            others = Article.objects.published().exclude(pk=pk).order_by()
            found = backend().related(wanted, candidates=others, limit=live._WINDOW)
            matches = [(m.article_id, m.relevance) for m in found]
        else:
            matches = self.postings.window(wanted, pk, self.position)
        matches = sorted(matches, key=operator.itemgetter(1), reverse=True)[: live._POOL]
        best = max((relevance for _, relevance in matches), default=0.0)
        return [(other, r / best) for other, r in matches] if best > 0 else []


class _Postings:
    """Each word's matches in the SQLite index (headline or standfirst), newest first.

    Read from the index's own text in one query and split with search.query.words, which
    folds words as the FTS5 tokeniser does (the premise of the search package's spelling
    vocabulary): one query instead of one FTS5 query per distinct word.
    """

    def __init__(self, wanted: set[str], public: dict):
        from newscenter.search.sqlite import ID_MASK

        self.keys: dict[str, list[int]] = {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, headline, standfirst FROM search_document ORDER BY rowid DESC"
            )
            rows = cursor.fetchall()
        for key, headline, standfirst in rows:
            if key & ID_MASK not in public:
                continue  # not a candidate: scheduled, or no longer public
            for word in set(_words(headline)).union(_words(standfirst)) & wanted:
                self.keys.setdefault(word, []).append(key)
        self.mask = ID_MASK

    def window(self, wanted: list[str], pk: int, public: dict) -> list[tuple[int, float]]:
        """The newest _WINDOW public articles but ``pk`` that hold any of the words, each with
        the number of them it holds: what SqliteBackend.related returns.

        An article among the newest _WINDOW of the union is among the newest _WINDOW + 1 of
        each word it holds (``pk`` may come first), so counting those prefixes counts exactly.
        """
        depth = live._WINDOW + 1
        counts = collections.Counter(
            itertools.chain.from_iterable(self.keys[w][:depth] for w in wanted if w in self.keys)
        )
        newest = sorted(counts, reverse=True)[:depth]
        return [(key & self.mask, float(counts[key])) for key in newest if key & self.mask != pk][
            : live._WINDOW
        ]


def _words(text: str) -> list[str]:
    # ASCII text needs no Unicode folding: lower case is what fold() would give.
    if text.isascii():
        return _ASCII_WORD.findall(text.lower())
    return words(text)


_ASCII_WORD = re.compile(r"[a-z0-9]+")
