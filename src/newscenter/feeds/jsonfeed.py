"""JSON Feed 1.1 as one more Django feed generator, so that one ``Feed`` class serves all formats.

Besides Django's item fields the generator reads ``content_html``, ``summary`` (plain text; the
``description`` is HTML for RSS and Atom), ``authors`` (``{"name", "url"}`` dicts),
``language`` and ``source`` (a ``syndication.Source`` or None) from each item, and ``logo``
from the feed.
"""

from __future__ import annotations

import json

from django.utils.feedgenerator import SyndicationFeed, rfc3339_date

VERSION = "https://jsonfeed.org/version/1.1"


class JsonFeed(SyndicationFeed):
    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        # One write: json.dump would hand the response each token, encoded one by one.
        outfile.write(json.dumps(self.document(), ensure_ascii=False, indent=2))

    def document(self) -> dict:
        feed = self.feed
        document = {
            "version": VERSION,
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
            "language": feed["language"],
            "authors": self.feed_authors(),
            "items": [self.item_document(item) for item in self.items],
        }
        if feed.get("logo"):
            document["icon"] = feed["logo"]
        return _without_empty(document, keep={"items"})

    def feed_authors(self) -> list[dict]:
        author = {"name": self.feed["author_name"], "url": self.feed["author_link"]}
        return [_without_empty(author)] if self.feed["author_name"] else []

    def item_document(self, item: dict) -> dict:
        document = {
            "id": item["unique_id"],
            "url": item["link"],
            # A republished item links to the original it came from (JSON Feed 1.1).
            "external_url": item["source"].url if item.get("source") else "",
            "title": item["title"],
            "content_html": item["content_html"],
            "summary": item["summary"],
            "date_published": item["pubdate"] and rfc3339_date(item["pubdate"]),
            "date_modified": item["updateddate"] and rfc3339_date(item["updateddate"]),
            # Every item names its authors; the publisher stands in where nobody signed it.
            "authors": item["authors"] or self.feed_authors(),
            "tags": list(item["categories"]),
            "language": item["language"],
        }
        enclosures = list(item["enclosures"])
        if enclosures:
            document["image"] = enclosures[0].url
            document["attachments"] = [_attachment(enclosure) for enclosure in enclosures]
        return _without_empty(document, keep={"tags"})


def _attachment(enclosure) -> dict:
    return {
        "url": enclosure.url,
        "mime_type": enclosure.mime_type,
        "size_in_bytes": int(enclosure.length),
    }


def _without_empty(document: dict, keep: frozenset | set = frozenset()) -> dict:
    """JSON Feed leaves out what is unknown rather than sending null."""
    return {key: value for key, value in document.items() if value or key in keep}
