"""Tags that write web.seo's page metadata into a page's head.

    {% article_seo article as seo %}{{ seo|seo_head }}

A page whose context sets ``noindex`` keeps its description and link-preview tags but names
no canonical URL and carries no structured data; the staff preview (``preview``) gets none.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

from newscenter.web import seo
from newscenter.web.paths import site_path

register = template.Library()


@register.simple_tag(takes_context=True)
def article_seo(context, article) -> seo.PageMeta | None:
    if context.get("preview"):
        # The preview may show a draft: nothing that describes it to search engines or
        # link unfurlers, not even a canonical URL it does not have yet.
        return None
    return _indexable(context, seo.article_page(context["request"], article, context["site"]))


@register.simple_tag(takes_context=True)
def oembed_url(context, article) -> str:
    """The address of the article's oEmbed answer (embed/oembed.py), for its discovery link:
    consumers given the page's address find its card there. None for a preview."""
    if context.get("preview"):
        return ""
    request = context["request"]
    own = request.build_absolute_uri(article.get_absolute_url())
    query = urlencode({"url": own, "format": "json"})
    return f"{request.build_absolute_uri(site_path('oembed'))}?{query}"


@register.simple_tag(takes_context=True)
def listing_seo(context) -> seo.PageMeta:
    subject = context.get("section") or context.get("tag") or context.get("author")
    meta = seo.listing_page(
        context["request"],
        context["site"],
        title=context.get("listing_title", ""),
        subject=subject,
        description=context.get("listing_description", ""),
        articles=context.get("articles", ()),
    )
    return _indexable(context, meta)


@register.simple_tag(takes_context=True)
def page_seo(context) -> seo.PageMeta:
    return _indexable(context, seo.site_page(context["request"], context["site"]))


@register.filter
def json_ld(data: dict):
    return seo.json_ld(data)


@register.filter
def seo_head(meta: seo.PageMeta | None):
    """The head's description, canonical link, link-preview tags and JSON-LD (web.seo)."""
    return seo.head_html(meta or None)


def _indexable(context, meta: seo.PageMeta) -> seo.PageMeta:
    return seo.kept_out_of_search(context["request"], meta) if context.get("noindex") else meta
