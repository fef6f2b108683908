"""The page in the site's other languages: hreflang links and the language switcher.

    {% page_languages as alternates %}

Empty on a site with one language and on a staff preview (a draft names no translation).
"""

from __future__ import annotations

from django import template

from newscenter.conf import site_url
from newscenter.news import languages, publishing
from newscenter.web.languages import Alternate, article_alternates, page_alternates, x_default

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context) -> list[Alternate]:
    request = context.get("request")
    if request is None or context.get("preview") or not languages.site_languages().several:
        return []
    page_language = context.get("page_language") or languages.site_languages().default
    article = context.get("article")
    if article is not None and article.pk and publishing.is_public(article):
        return article_alternates(article, page_language)
    return page_alternates(request, page_language)


@register.simple_tag(takes_context=True)
def hreflang_links(context, alternates: list[Alternate]) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) pairs for the page's head: only pages that exist (published
    translations), itself included, and only on an indexable page with another language."""
    if context.get("noindex") or context.get("preview"):
        return []
    same = [a for a in alternates if a.same_page]
    if len(same) < 2:
        return []
    links = [(a.language, site_url(a.url)) for a in same]
    fallback = x_default(same)
    if fallback is not None:
        links.append(("x-default", site_url(fallback.url)))
    return links
