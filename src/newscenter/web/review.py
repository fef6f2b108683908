"""The review copy: an unpublished article shown to whoever holds a review link.

The token is a secret carried in the address, so every answer here (the article, the
410 and 404 pages, the redirect) is kept out of caches, search engines and Referer headers.
"""

from __future__ import annotations

from django.shortcuts import redirect, render

from newscenter.news import selectors
from newscenter.news.services import review_links
from newscenter.web.views import with_players

PRIVATE_HEADERS = {
    # A shared cache would serve the draft to others, or keep it after the link is revoked.
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex, nofollow",
    # Following a link out of the review copy must not hand the token to another site.
    "Referrer-Policy": "no-referrer",
}


def review_article(request, token: str):
    try:
        link = review_links.review_link_resolve(token)
    except review_links.ReviewLinkGone as exc:
        gone = {"message": str(exc)}
        return _private(render(request, "web/review_gone.html", gone, status=410))
    except review_links.ReviewLinkInvalid:
        return _private(render(request, "404.html", status=404))
    article = selectors.article_for_preview(pk=link.article_id)
    if article.is_public:
        # Once public, everyone reads the one public page (a temporary redirect: the link
        # may outlive a later unpublishing).
        return _private(redirect(article.get_absolute_url()))
    context: dict[str, object] = {"article": article, "review": link, "noindex": True}
    return _private(with_players(render(request, "web/review.html", context), article))


def _private(response):
    for name, value in PRIVATE_HEADERS.items():
        response.headers[name] = value
    return response
