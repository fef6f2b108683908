"""The lists of an article's page written here rather than by template loops (byline, tags,
share links, related news): each link through the template engine cost a dozen lookups. The
markup, whitespace included, is what web/article_detail.html's loops wrote.

    {% byline article %}  {% tag_items article %}
    {% share_items links %}  {% related_items related %}
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from newscenter.news.rendering import escape
from newscenter.web.templatetags.news_dates import Datelines

register = template.Library()

# Share links that stay on the page (the copy script, the mail program) open no new tab.
_SAME_TAB = frozenset({"copy", "email"})
_NEW_TAB = ' rel="noopener" target="_blank"'


def _safe(markup: str) -> SafeString:
    # Only escaped values and our own markup go into each of these.
    return mark_safe(markup)  # noqa: S308


@register.simple_tag
def byline(article) -> SafeString:
    """ "By A, B and C", each name linked to the author's page; nothing without authors."""
    authors = article.shown_authors
    if not authors:
        return _safe("")
    names = [f'<a href="{escape(a.get_absolute_url())}">{escape(a.name)}</a>' for a in authors]
    joined = names[0]
    for n, name in enumerate(names[1:], start=2):
        joined += f" {escape(gettext('and'))} " if n == len(names) else ", "
        joined += name
    return _safe(f'<p class="byline">{escape(pgettext("byline", "By"))} {joined}</p>')


@register.simple_tag
def tag_items(article) -> SafeString:
    """The article's tags as a list of links, in the page's language."""
    items = "".join(
        f'<li><a href="{escape(t.get_absolute_url())}">{escape(t.local_name)}</a></li>'
        for t in article.shown_tags
    )
    return _safe(f'<ul class="tags" aria-label="{escape(gettext("Tags"))}">{items}</ul>')


@register.simple_tag
def share_items(links) -> SafeString:
    """The share links' list items (templatetags.news_site.share_links)."""
    return _safe(
        "".join(
            f'<li><a href="{escape(link.href)}" data-share="{escape(link.kind)}"'
            f"{'' if link.kind in _SAME_TAB else _NEW_TAB}>"
            f"{escape(link.label)}</a></li>"
            for link in links
        )
    )


@register.simple_tag
def related_items(related) -> SafeString:
    """Each related article: its linked headline and its date."""
    datelines, items = Datelines(), []
    for item in related:
        items.append(
            f'\n    <li><a href="{escape(item.get_absolute_url())}">{escape(item.headline)}</a> '
            f'<span class="meta">{datelines.time(item.pub_date)}</span></li>\n    '
        )
    return _safe("".join(items))
