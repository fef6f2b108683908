"""What every embed shows: the latest public articles that match the options, as plain items.

The iframe page, the fragment, the JSON (and so the custom element) and the oEmbed card all
start here, from ``selectors.public_articles`` (the one definition of public). Addresses are
absolute: the items are shown on other sites.
"""

from __future__ import annotations

import dataclasses

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.text import Truncator

from newscenter.embed.options import Options
from newscenter.news import selectors
from newscenter.news.models import Article, Image, Rendition, SiteSettings

# The width of the picture each layout shows, in CSS pixels; the rendition picked is the
# smallest at least twice as wide, for sharp pictures on high-density screens.
PICTURE_WIDTHS = {"list": 96, "cards": 320, "compact": 0}
MODERN = Rendition.Format.WEBP
STANDFIRST_WORDS = 30  # a widget beside other content: the gist, not the whole standfirst


@dataclasses.dataclass(frozen=True)
class Picture:
    src: str
    width: int
    height: int


@dataclasses.dataclass(frozen=True)
class Item:
    url: str
    headline: str
    standfirst: str
    published: str  # ISO 8601, for <time datetime> and the JSON
    date: str  # as a reader of the site reads it, in the site's time zone
    section: str
    picture: Picture | None

    def as_json(self) -> dict:
        document = dataclasses.asdict(self)
        if self.picture is None:
            document["picture"] = None
        return document


def latest(options: Options, *, absolute) -> list[Item]:
    """The ``options.limit`` newest public articles matching ``options``; ``absolute`` turns a
    path into an address (``request.build_absolute_uri``)."""
    articles = selectors.public_articles(
        section=options.section,
        tag=options.tag,
        author=options.author,
        edition=options.lang or None,
    ).defer("body")
    if options.language:
        articles = articles.filter(_language(options.language))
    width = PICTURE_WIDTHS[options.layout] if options.images else 0
    # In an edition's language, that language's date format ("2. März 2026", the views
    # activate it); without one, as always.
    date_format = "DATE_FORMAT" if options.lang else "N j, Y"
    return [
        item(article, absolute=absolute, width=width, date_format=date_format)
        for article in articles[: options.limit]
    ]


def _language(language: str) -> Q:
    # An article without a language of its own is in the site's (news.models.Article.language);
    # "de" also finds "de-CH".
    match = Q(language__iexact=language) | Q(language__istartswith=f"{language}-")
    site = SiteSettings.load().language.lower()
    if site == language or site.startswith(f"{language}-"):
        match |= Q(language="")
    return match


def item(article: Article, *, absolute, width: int, date_format: str = "N j, Y") -> Item:
    assert article.pub_date is not None  # public articles are dated
    published = timezone.localtime(article.pub_date)
    return Item(
        url=absolute(article.get_absolute_url()),
        headline=article.headline,
        standfirst=Truncator(article.standfirst).words(STANDFIRST_WORDS),
        published=published.isoformat(timespec="seconds"),
        date=formats.date_format(published, date_format),
        section=article.section.name if article.section else "",
        picture=_picture(article.lead_image, width, absolute) if article.lead_image else None,
    )


def _picture(image: Image, width: int, absolute) -> Picture | None:
    """One rendition (WebP, which every browser we serve reads), or the original."""
    if not width:
        return None
    renditions = sorted(
        (r for r in image.renditions.all() if r.format == MODERN), key=lambda r: r.width
    )
    wanted = [r for r in renditions if r.width >= 2 * width] or renditions[-1:]
    if wanted:
        chosen = wanted[0]
        return Picture(absolute(chosen.file.url), chosen.width, chosen.height)
    return Picture(absolute(image.file.url), image.width, image.height)
