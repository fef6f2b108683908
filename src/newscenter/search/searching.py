"""A reader's search: public articles only, filtered, ranked, highlighted, spelling corrected."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from newscenter.news import selectors
from newscenter.news.models import Section, Tag
from newscenter.search.backends import backend
from newscenter.search.base import Backend, Hit, Results
from newscenter.search.query import ParsedQuery, fold, parse

MAX_PER_PAGE = 50
MAX_PAGE = 100  # past 5,000 results nobody reads on: refine the query instead
SUGGESTIONS_PER_WORD = 3


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

    def __post_init__(self):
        if not 1 <= self.page <= MAX_PAGE:
            raise ValueError(f"page must be between 1 and {MAX_PAGE}")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("the start date is after the end date")


def search(request: SearchRequest) -> Results:
    """Results for one page of a search. An empty query finds nothing (and costs nothing)."""
    query = parse(request.text)
    if not query:
        return Results(hits=[], total=0)
    engine = backend()
    hits, total = _page(engine, query, request)
    if total == 0:
        corrected = _corrected(engine, query)
        if corrected is not None:
            hits, total = _page(engine, corrected, request)
            if total:
                return Results(hits=hits, total=total, corrected=corrected)
    return Results(hits=hits, total=total)


def candidates(request: SearchRequest):
    """The articles a search may return: the public ones, narrowed by the filters."""
    articles = selectors.public_articles(section=request.section, tag=request.tag)
    if request.date_from:
        articles = articles.filter(pub_day__gte=request.date_from)
    if request.date_to:
        articles = articles.filter(pub_day__lte=request.date_to)
    return articles


def _page(engine: Backend, query: ParsedQuery, request: SearchRequest) -> tuple[list[Hit], int]:
    offset = (request.page - 1) * request.per_page
    hits, total = engine.search(
        query,
        candidates=candidates(request),
        limit=request.per_page,
        offset=offset,
        by_date=request.by_date,
    )
    marked = engine.highlight(query, [hit.article_id for hit in hits])
    return [_marked(hit, marked.get(hit.article_id)) for hit in hits], total


def _marked(hit: Hit, marks: tuple | None) -> Hit:
    if marks is None:
        return hit
    headline, snippet = marks
    return replace(hit, headline=headline, snippet=snippet)


def _corrected(engine: Backend, query: ParsedQuery) -> ParsedQuery | None:
    """The query with each word that matches nothing replaced by the likeliest word that does."""
    corrections = {}
    for term in query.positive:
        # Quoted words and phrases (no prefix) are taken as meant: only bare words are corrected.
        if not term.prefix or engine.matches_any(ParsedQuery((term,))):
            continue
        word = term.words[0]
        for candidate in engine.similar_words(fold(word), limit=SUGGESTIONS_PER_WORD):
            if engine.matches_any(parse(f'"{candidate}"')):
                corrections[word] = candidate
                break
    return query.replace(corrections) if corrections else None
