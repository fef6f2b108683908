"""JSON-LD in a saved web page: the article node (also inside ``@graph``) and what it declares.

Malformed JSON-LD is ignored with a note; the size of all scripts and the number of nodes
walked are capped, so a hostile page cannot make this loop for long.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from newscenter.importers.parsers.html_values import (
    LANGUAGE,
    LANGUAGE_CHARS,
    TAG_CHARS,
    Dates,
    Layer,
    http_url,
    json_text,
    names_from,
)

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "pressrelease",
        "techarticle", "report", "scholarlyarticle", "liveblogposting", "socialmediaposting",
        "satiricalarticle", "advertisercontentarticle",
    }
)  # fmt: skip
MAX_JSONLD_CHARS = 1_000_000  # all JSON-LD scripts of a page together
MAX_JSONLD_NODES = 500


def jsonld_article(
    doc: HtmlElement, notes: list[str]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The page's article object and an index of the graph's nodes by @id."""
    nodes = list(_jsonld_nodes(doc, notes))
    graph = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    for node in nodes:
        for candidate in (node, node.get("mainEntity")):
            if isinstance(candidate, dict) and _types(candidate) & ARTICLE_TYPES:
                return candidate, graph
    return {}, graph


def _jsonld_nodes(doc: HtmlElement, notes: list[str]) -> Iterator[dict[str, Any]]:
    budget, count = MAX_JSONLD_CHARS, 0
    for number, script in enumerate(doc.iter("script"), 1):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        text = _unwrap_script(script.text or "")
        budget -= len(text)
        if budget < 0:
            notes.append("JSON-LD beyond the first 1,000,000 characters was ignored")
            return
        try:
            data = json.loads(text, strict=False)  # raw newlines inside strings are common
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            notes.append(f"malformed JSON-LD ignored (script {number} of the page)")
            continue
        for node in _flatten(data):
            count += 1
            if count > MAX_JSONLD_NODES:
                return
            yield node


def _unwrap_script(text: str) -> str:
    text = text.strip()
    for start, end in (("<!--", "-->"), ("//<![CDATA[", "//]]>"), ("<![CDATA[", "]]>")):
        if text.startswith(start) and text.endswith(end):
            text = text[len(start) : -len(end)].strip()
    return text


def _flatten(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Top-level objects, arrays of them and @graph members; nested objects hang off these."""
    if depth > 3:
        return
    if isinstance(data, list):
        for item in data[:MAX_JSONLD_NODES]:
            yield from _flatten(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _flatten(data.get("@graph"), depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    # "NewsArticle", "schema:NewsArticle" and "https://schema.org/NewsArticle" alike
    return {kind.rsplit("/")[-1].rsplit(":")[-1].lower() for kind in kinds if isinstance(kind, str)}


def _items(value: Any, graph: dict[str, dict[str, Any]]) -> list[Any]:
    """A value that may be one thing or a list, with {"@id": ...} references resolved."""
    values = value if isinstance(value, list) else [value]
    return [graph.get(item["@id"], item) if _is_reference(item) else item for item in values[:50]]


def _is_reference(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("@id"), str) and "name" not in item


def jsonld_layer(article: dict[str, Any], graph: dict[str, dict[str, Any]], dates: Dates) -> Layer:
    if not article:
        return {}
    return {
        "headline": json_text(article.get("headline")) or json_text(article.get("name")),
        "published": dates.read(article.get("datePublished")),
        "modified": dates.read(article.get("dateModified")),
        "description": json_text(article.get("description")),
        "authors": names_from([_json_name(item) for item in _items(article.get("author"), graph)]),
        "tags": _keywords(article.get("keywords")),
        "section": next(iter(_strings(article.get("articleSection"))), ""),
        "image": _jsonld_image(_items(article.get("image"), graph)),
        "site": next((_json_name(p) for p in _items(article.get("publisher"), graph)), ""),
    }


def _json_name(item: Any) -> str:
    return json_text(item.get("name") if isinstance(item, dict) else item)


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [text for item in values[:100] if (text := json_text(item))]


def _keywords(value: Any) -> list[str]:
    words = _strings(value)
    if len(words) == 1:
        words = words[0].split(",")
    return names_from([word[:TAG_CHARS] for word in words])


def _jsonld_image(items: list[Any]) -> tuple[str, str] | None:
    for item in items:
        if isinstance(item, dict):
            url = http_url(item.get("url")) or http_url(item.get("contentUrl"))
            if url:
                return url, json_text(item.get("caption"))
        elif url := http_url(item):
            return url, ""
    return None


def page_language(article: dict[str, Any], doc: HtmlElement, metas: dict[str, list[str]]) -> str:
    og_locale = (metas.get("og:locale") or [""])[0]
    for value in (article.get("inLanguage"), doc.get("lang"), doc.get("xml:lang"), og_locale):
        tag = value.strip().replace("_", "-") if isinstance(value, str) else ""
        if len(tag) <= LANGUAGE_CHARS and LANGUAGE.fullmatch(tag):
            return tag
    return ""
