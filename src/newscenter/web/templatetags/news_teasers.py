"""A listing's teasers and a search page's results, written here rather than by a template
loop: twenty a page, each a dozen lookups through the template engine, cost more than the rest
of the listing's markup.

    <ol class="article-list" role="list">{% teasers articles %}</ol>

The markup, whitespace included, is what web/article_list.html's loop wrote (and
web/search.html's, for ``search_hits``).
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from newscenter.news.models import article_urls
from newscenter.news.pictures import picture_html
from newscenter.news.rendering import escape
from newscenter.web.templatetags.news_dates import Datelines

register = template.Library()

TEASER_IMAGE_SIZES = "8rem"


@register.simple_tag
def teasers(articles) -> SafeString:
    """Each article's teaser: its thumbnail, linked headline, dateline and standfirst."""
    parts, dateline, url = [], Datelines(), article_urls()
    for article in articles:
        image = article.lead_image
        thumbnail = ""
        if image:
            shown = picture_html(image, sizes=TEASER_IMAGE_SIZES, alt=article.lead_image_alt_text)
            thumbnail = f'<div class="teaser-image">{shown}</div>'
        standfirst = article.standfirst
        if standfirst:
            standfirst = f'<p class="standfirst">{escape(standfirst)}</p>'
        parts.append(
            '\n  <li>\n    <article class="teaser">\n'
            f"      {thumbnail}\n"
            f'      <h2><a href="{escape(url(article))}">'
            f"{escape(article.headline)}</a></h2>\n"
            f'      <p class="meta">{dateline(article)}</p>\n'
            f"      {standfirst}\n"
            "    </article>\n  </li>\n  "
        )
    # Built from escaped values and our own markup (picture_html escapes its own).
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag
def search_hits(hits) -> SafeString:
    """A search page's results, each ``(hit, article)``: the linked headline with its matches
    marked, the dateline, the snippet (or else the standfirst). web/search.html's loop wrote
    the same markup, whitespace included."""
    parts, dateline, url = [], Datelines(), article_urls()
    for hit, article in hits:
        headline = hit.headline_html if hit.headline else escape(article.headline)
        if hit.snippet:
            shown = f'<p class="snippet">{hit.snippet_html}</p>'
        elif article.standfirst:
            shown = f'<p class="standfirst">{escape(article.standfirst)}</p>'
        else:
            shown = ""
        parts.append(
            '\n  <li>\n    <article class="teaser">\n'
            f'      <h2><a href="{escape(url(article))}">{headline}</a></h2>\n'
            f'      <p class="meta">{dateline(article)}</p>\n'
            "      \n"
            f"      {shown}\n"
            "    </article>\n  </li>\n  "
        )
    # Escaped values and our own markup; the marked texts are escaped by search.base.marked_html.
    return mark_safe("".join(parts))  # noqa: S308
