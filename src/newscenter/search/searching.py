"""A reader's search: public articles only, filtered, ranked, highlighted, spelling corrected."""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, replace

from django.utils import timezone

from newscenter.news import languages, selectors
from newscenter.news.models import Article, Section, Tag
from newscenter.search.backends import backend
from newscenter.search.base import (
    RANKING_WINDOW,
    RECENCY_SCALE,
    Backend,
    Hit,
    Match,
    Results,
    closest_words,
)
from newscenter.search.highlight import highlighted
from newscenter.search.indexing import correctable
from newscenter.search.query import ParsedQuery, fold, parse
from newscenter.search.scripts import for_index

ZERO = dt.timedelta(0)
MAX_PER_PAGE = 50
MAX_PAGE = 100  # past 5,000 results nobody reads on: refine the query instead


@dataclass(frozen=True)
class SearchRequest:
    text: str
    section: Section | None = None
    tag: Tag | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 1
    per_page: int = 20
    by_date: bool = False
    edition: str | None = None  # one of the site's languages; None searches every one
    # The reader's language (one of the site's), when known: with no edition asked for, the
    # articles in it come first, and its stems are the query's.
    language: str | None = None

    def __post_init__(self):
        if not 1 <= self.page <= MAX_PAGE:
            raise ValueError(f"page must be between 1 and {MAX_PAGE}")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("the start date is after the end date")


def search(request: SearchRequest) -> Results:
    """Results for one page of a search. An empty query finds nothing (and costs nothing)."""
    query = parse(request.text).in_language(stems_language(request))
    if not query:
        return Results(hits=[], total=0)
    engine = backend()
    narrowed = narrows(request)
    matches = engine.matches(
        for_index(query), candidates=candidates(request), limit=RANKING_WINDOW, narrowed=narrowed
    )
    corrected = None
    if not matches:
        corrected = _corrected(engine, query)
        if corrected is None:
            return Results(hits=[], total=0)
        matches = engine.matches(
            for_index(corrected),
            candidates=candidates(request),
            limit=RANKING_WINDOW,
            narrowed=narrowed,
        )
    hits = _page(
        engine, corrected or query, _readers_first(_ranked(matches, request), request), request
    )
    return Results(
        hits=hits,
        total=len(matches),
        more=len(matches) == RANKING_WINDOW,
        corrected=corrected if matches else None,
    )


def stems_language(request: SearchRequest) -> str:
    """The language whose stems a query's bare words also match: the edition searched, else
    the reader's, else the site's default language."""
    return request.edition or request.language or languages.site_languages().default


def narrows(request: SearchRequest) -> bool:
    """Whether the request's filters keep only part of the public articles."""
    return any((request.section, request.tag, request.edition, request.date_from, request.date_to))


def candidates(request: SearchRequest):
    """The articles a search may return: the public ones, narrowed by the filters."""
    articles = selectors.public_articles(
        section=request.section, tag=request.tag, edition=request.edition
    )
    if request.date_from:
        articles = articles.filter(pub_day__gte=request.date_from)
    if request.date_to:
        articles = articles.filter(pub_day__lte=request.date_to)
    return articles


# (article id, score): what ranking orders, a Hit made only for each of the page's (making
# one for each of the window's 500 matches was a tenth of a search for a common word).
Ranked = tuple[int, float]


def _ranked(matches: list[Match], request: SearchRequest) -> list[Ranked]:
    """Relevance blended with recency, or newest first; ties go to the newer article."""
    if request.by_date:
        return [(m.article_id, m.relevance) for m in matches]  # the backends' own order
    now = timezone.now()
    scored = [
        (m.article_id, m.relevance / (1 + max(now - m.pub_date, ZERO) / RECENCY_SCALE))
        for m in matches
    ]
    return sorted(scored, key=_score, reverse=True)  # stable: newest first


_score = operator.itemgetter(1)


def _readers_first(ranked: list[Ranked], request: SearchRequest) -> list[Ranked]:
    """With every edition searched, the articles in the reader's language before the others,
    each part in its order. Sorting by date is the reader's own order: it is kept."""
    site = languages.site_languages()
    if request.edition or not request.language or request.by_date or not site.several:
        return ranked
    tags = dict(
        Article.objects.filter(pk__in=[pk for pk, _ in ranked]).values_list("pk", "language")
    )
    default = site.default
    theirs = {
        pk for pk, tag in tags.items() if languages.falls_under(tag or default, request.language)
    }
    first = [hit for hit in ranked if hit[0] in theirs]
    return first + [hit for hit in ranked if hit[0] not in theirs]


def _page(engine: Backend, query: ParsedQuery, ranked: list[Ranked], request: SearchRequest):
    offset = (request.page - 1) * request.per_page
    hits = [Hit(pk, score) for pk, score in ranked[offset : offset + request.per_page]]
    marked = highlighted(query, engine.texts([hit.article_id for hit in hits]))
    return [_marked(hit, marked.get(hit.article_id)) for hit in hits]


def _marked(hit: Hit, marks: tuple | None) -> Hit:
    if marks is None:
        return hit
    headline, snippet = marks
    return replace(hit, headline=headline, snippet=snippet)


def _corrected(engine: Backend, query: ParsedQuery) -> ParsedQuery | None:
    """The query with each unknown word replaced by the likeliest known one, if any.

    Words are looked up in the vocabulary the index keeps (words of 4 to 30 letters), not in
    the index itself: a vocabulary lookup costs the same on both databases however many
    articles there are.
    """
    corrections = {}
    for term in query.positive:
        word = fold(term.words[0])
        # Quoted words and phrases (no prefix) are taken as meant: only bare words are corrected.
        if not term.prefix or not correctable(word) or engine.knows(word, prefix=True):
            continue
        # One typing slip first (a B-tree lookup of a few hundred spellings), then likeness.
        nearest = closest_words(word, engine.known_among(one_edit_away(word)), 1)
        candidates = nearest or engine.similar_words(word, limit=1)
        if candidates:
            corrections[term.words[0]] = candidates[0]
    return query.replace(corrections) if corrections else None


def one_edit_away(word: str) -> set[str]:
    """Every spelling one slip from ``word``: a letter dropped, swapped with the next,
    changed or added (Norvig's corrector). Letters come from the word and from a to z."""
    letters = set(word) | set("abcdefghijklmnopqrstuvwxyz")
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
    edits |= {a + c + b for a, b in splits for c in letters}
    edits.discard(word)
    return {e for e in edits if correctable(e)}
