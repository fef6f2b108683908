"""RSS 2.0 written as one string: the document Django's ``Rss201rev2Feed`` writes through its
XML writer (``SimplerXMLGenerator``), byte for byte, with the full body (``content:encoded``),
every author and the site's logo added.

Through the XML writer each tag, text and attribute of a feed was a call or three, some 1,400
for twenty items, and they cost a third of the feed. Here each element is one f-string, its
text escaped as the writer escapes text (``&``, ``<``, ``>``) and its attributes quoted as it
quotes them (``quoteattr``, in the order of their names). tests/test_feeds.py compares the two
on awkward text.

Only the generator's fields that ``syndication.ArticleFeed.get_feed`` gives are written: no
feed categories, copyright, ttl or stylesheets, no author e-mail or comments on items.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from xml.sax.saxutils import quoteattr

from django.utils import feedgenerator
from django.utils.feedgenerator import rfc2822_date

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"


class RssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the full body (``content:encoded``), every author and the site's logo."""

    def rss_attributes(self) -> dict[str, str]:
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS, "xmlns:dc": DC_NS}

    def write(self, outfile: Any, encoding: str) -> None:
        # Encoded once, as the writer's text wrapper encoded each piece.
        outfile.write(self.document(encoding).encode(encoding, errors="xmlcharrefreplace"))

    def document(self, encoding: str) -> str:
        parts = [
            f'<?xml version="1.0" encoding="{encoding}"?>\n',
            f"<rss{_attributes(self.rss_attributes())}><channel>",
            *self.root_elements(),
        ]
        for item in self.items:
            parts += ("<item>", *self.item_elements(item), "</item>")
        parts.append("</channel></rss>")
        return "".join(parts)

    def root_elements(self) -> list[str]:
        feed = self.feed
        parts = [
            _element("title", feed["title"]),
            _element("link", feed["link"]),
            _element("description", feed["description"]),
        ]
        if feed["feed_url"] is not None:
            parts.append(_element("atom:link", None, {"rel": "self", "href": feed["feed_url"]}))
        if feed["language"] is not None:
            parts.append(_element("language", feed["language"]))
        parts.append(_element("lastBuildDate", _rfc2822(self.latest_post_date())))
        if feed["logo"]:
            parts += (
                "<image>",
                _element("url", feed["logo"]),
                _element("title", feed["title"]),
                _element("link", feed["link"]),
                "</image>",
            )
        return parts

    def item_elements(self, item: dict[str, Any]) -> list[str]:
        parts = [_element("title", item["title"]), _element("link", item["link"])]
        if item["description"] is not None:
            parts.append(_element("description", item["description"]))
        if item["pubdate"] is not None:
            parts.append(_element("pubDate", _rfc2822(item["pubdate"])))
        if item["unique_id"] is not None:
            permalink = item.get("unique_id_is_permalink")
            guid = {"isPermaLink": str(permalink).lower()} if isinstance(permalink, bool) else {}
            parts.append(_element("guid", item["unique_id"], guid))
        enclosures = list(item["enclosures"])
        if len(enclosures) > 1:
            raise ValueError("RSS feed items may only have one enclosure")
        for enclosure in enclosures:
            attributes = {
                "url": enclosure.url,
                "length": enclosure.length,
                "type": enclosure.mime_type,
            }
            parts.append(_element("enclosure", "", attributes))
        parts += (_element("category", category) for category in item["categories"])
        parts += (_element("dc:creator", author["name"]) for author in item["authors"])
        source = item["source"]
        if source and source.url:  # RSS 2.0's <source> needs the address
            parts.append(_element("source", source.name, {"url": source.url}))
        parts.append(_element("content:encoded", item["content_html"]))
        return parts


def _rfc2822(moment: dt.datetime) -> str:
    return _rfc2822_at(moment, moment.utcoffset())


@functools.lru_cache(maxsize=1024)
def _rfc2822_at(moment: dt.datetime, offset: dt.timedelta | None) -> str:
    # rfc2822_date's text for the moment, written once: an article's date appears in every
    # request for the feed. The offset is part of the key, as equal moments in other time
    # zones are equal keys but are written with their own offset.
    return rfc2822_date(moment)


def _element(name: str, text: str | None, attributes: dict[str, str] | None = None) -> str:
    """What SimplerXMLGenerator.addQuickElement writes: an empty element as ``<name/>``."""
    start = f"<{name}{_attributes(attributes)}" if attributes else f"<{name}"
    return f"{start}>{_escape(text)}</{name}>" if text else f"{start}/>"


def _attributes(attributes: dict[str, str]) -> str:
    return "".join(f" {name}={quoteattr(value)}" for name, value in sorted(attributes.items()))


def _escape(text: str) -> str:
    # xml.sax.saxutils.escape, in its order: "&" first.
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
