"""The search index of a static export: one JSON file that web/static/web/search.js loads.

Per article only what a result shows and what is searched: address, headline, standfirst
(cut at STANDFIRST_CHARS), day and section, as arrays rather than objects so that key names
are not repeated 10,000 times. The body is not searched: it would make the file ten times
larger (docs/export.md gives the sizes).
"""

from __future__ import annotations

from django.utils import timezone

from newscenter.export.snapshot import Snapshot
from newscenter.export.urls import article_addresses
from newscenter.web.seo import shortened

VERSION = 1
STANDFIRST_CHARS = 200


def search_index(snapshot: Snapshot, edition: str) -> dict:
    """The index of one edition's articles, rendered in that edition's language."""
    mine = snapshot.listing("index", None, edition)
    in_use = sorted(
        {snapshot.rows[pk]["section_id"] for pk in mine} - {None},
        key=lambda pk: (snapshot.sections[pk].position, snapshot.sections[pk].name),
    )
    number = {pk: n for n, pk in enumerate(in_use)}
    sections = [
        [
            snapshot.sections[pk].name,
            snapshot.sections[pk].slug,
            snapshot.sections[pk].get_absolute_url(),
        ]
        for pk in in_use
    ]
    articles = []
    article_url = article_addresses()
    for pk in mine:  # newest first: the order of results that match equally well
        row = snapshot.rows[pk]
        articles.append(
            [
                article_url(row["pub_day"], row["slug"]),
                row["headline"],
                shortened(row["standfirst"], STANDFIRST_CHARS),
                timezone.localtime(row["pub_date"]).date().isoformat(),
                number.get(row["section_id"], -1),
            ]
        )
    return {"version": VERSION, "sections": sections, "articles": articles}
