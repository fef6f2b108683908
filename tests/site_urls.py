"""Every named URL of the site with arguments that exist: for tests that walk them all."""

from __future__ import annotations

import datetime as dt

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from newscenter.news import services
from newscenter.news.policy import SYSTEM
from newscenter.news.services.review_links import review_link_create
from tests.builders import make_article

# Walked by tests of their own: the admin (tests/news), the API (tests/api), the embeds and
# oEmbed (tests/embed: pages for other sites' frames, with their own framing rule and no <h1>).
NOT_WALKED = ("admin", "api", "embed", "oembed")


def named_patterns(resolver=None, namespace: str = ""):
    """(name, pattern) of every named URL of the site's pages, feeds and sign-in."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace not in NOT_WALKED:
                yield from named_patterns(entry, inner)
        elif (
            isinstance(entry, URLPattern)
            and entry.name
            and entry.name != "media"
            and not entry.name.startswith(NOT_WALKED)
        ):
            yield f"{namespace}{entry.name}", entry


def sample_urls() -> dict[str, str]:
    """A URL for every named pattern, with a section, tag, author, articles (each listing has
    an older page) and a review link made for it."""
    section = services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    tag = services.tag_get_or_create(name="Plants", acting_user=SYSTEM)
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    article = make_article(section=section, tags=[tag], authors=[author])
    make_article(
        section=section,
        tags=[tag],
        authors=[author],
        pub_date=article.pub_date - dt.timedelta(hours=1),
    )
    day = article.pub_day
    review_draft = make_article(status="draft", pub_date=None)
    _, review_token = review_link_create(
        article=review_draft, acting_user=SYSTEM, expires=dt.timedelta(hours=1)
    )
    kwargs = {
        "news:article": {"year": day.year, "month": day.month, "day": day.day,
                         "slug": article.slug},
        "news:section": {"slug": section.slug},
        "news:tag": {"slug": tag.slug},
        "news:author": {"slug": author.slug},
        "news:index-older": {"after": article.pk},
        "news:section-older": {"slug": section.slug, "after": article.pk},
        "news:tag-older": {"slug": tag.slug, "after": article.pk},
        "news:author-older": {"slug": author.slug, "after": article.pk},
        "news:preview": {"pk": article.pk},
        "news:feed": {"format": "rss"},
        "news:section-feed": {"slug": section.slug, "format": "atom"},
        "news:tag-feed": {"slug": tag.slug, "format": "json"},
        "news:author-feed": {"slug": author.slug, "format": "rss"},
        "news:sitemap-section": {"section": "articles"},
        "news:icon": {"size": 192},
        "accounts:password-reset-confirm": {"uidb64": "MQ", "token": "expired-token"},
        "news:review": {"token": review_token},
    }  # fmt: skip
    return {name: reverse(name, kwargs=kwargs.get(name, {})) for name, _ in named_patterns()}
