"""``/api/v1/search``: the site's own search, as the search page runs it."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from ninja import Query, Router

from newscenter.api import listing
from newscenter.api.auth import OPTIONAL, TokenAuth
from newscenter.api.http import answer
from newscenter.api.problems import Problem
from newscenter.api.schemas import SearchResults
from newscenter.news import selectors
from newscenter.news.languages import site_languages
from newscenter.news.models import Section, Tag
from newscenter.news.representation import Stored
from newscenter.search.searching import MAX_PAGE, MAX_PER_PAGE, SearchRequest, search

router = Router(tags=["search"])


@router.get(
    "/search",
    response=SearchResults,
    auth=TokenAuth(optional=True),
    openapi_extra=OPTIONAL,
    exclude_unset=True,
    summary="Published articles matching words, best first",
)
def search_articles(
    request,
    response: HttpResponse,
    q: str = Query(..., min_length=1, max_length=500),
    section: str | None = Query(None, max_length=100),
    tag: str | None = Query(None, max_length=100),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    per_page: int = Query(20, ge=1, le=MAX_PER_PAGE),
    fields: str | None = Query(None, max_length=400),
    lang: str | None = Query(
        None, max_length=35, description="One of the site's languages: search its edition."
    ),
):
    subject: dict[str, Any] = {}
    for name, model, slug in (("section", Section, section), ("tag", Tag, tag)):
        if slug is not None:
            subject[name] = model._default_manager.filter(slug=slug).first()
            if subject[name] is None:
                raise Problem(
                    "validation-error",
                    f"there is no {name} {slug!r}",
                    errors=[{"field": name, "message": "unknown slug"}],
                )
    edition = listing.edition_asked(lang) if lang is not None else None
    reader = None
    if edition is None:
        # Every edition is searched: the reader's language (Accept-Language) comes first.
        reader = site_languages().preferred(request.headers.get("Accept-Language", ""))
        patch_vary_headers(response, ["Accept-Language"])
    results = search(
        SearchRequest(q, page=page, per_page=per_page, edition=edition, language=reader, **subject)
    )
    ids = [hit.article_id for hit in results.hits]
    found = selectors.public_articles(relations=False).in_bulk(ids)
    writer = Stored(selectors.public_translations_of(list(found.values())))
    wanted = listing.fields_asked(fields)
    pages = min(MAX_PAGE, math.ceil(results.total / per_page))
    next_page = None
    if page < pages:
        params = request.GET.copy()
        params["page"] = str(page + 1)
        next_page = listing.next_url(request, "").split("?")[0] + "?" + params.urlencode()
    request.api_link = next_page
    data = {
        "query": q,
        "corrected_query": results.corrected.text() if results.corrected else None,
        "total": results.total,
        "total_is_lower_bound": bool(results.more),
        "page": page,
        "pages": pages,
        "next": next_page,
        "hits": [
            {
                "article": writer.data(found[hit.article_id], wanted),
                "headline_html": str(hit.headline_html),
                "snippet_html": str(hit.snippet_html),
                "score": float(round(hit.score, 6)),  # a float, as the schema makes it
            }
            for hit in results.hits
            if hit.article_id in found
        ],
    }
    return answer(request, data, response)
