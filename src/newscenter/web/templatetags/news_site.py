"""The site's chrome in templates: the section menu, the feeds' links, an article's share
links, and the addresses of the site's own pages (``{% url %}``, remembered).

{% section_menu as sections %}{% section_items sections section %}
{% feed_links %}
{% chrome section %}...{% endchrome %}
{% share_links article as links %}
{% path 'news:feed' format='rss' %}

The menu's items and the feeds' links are written here rather than by template loops and
``{% with %}`` blocks, as news_article writes an article's lists: through the template engine
they cost more than the rest of the page's head (web/base.html). The markup, whitespace
included, is what the template wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, urlsplit

from django import template
from django.conf import settings
from django.template.loader_tags import BlockNode
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from newscenter.conf import site_url
from newscenter.news import languages as langs
from newscenter.news.models import slug_paths
from newscenter.news.rendering import escape
from newscenter.web.paths import site_paths, static_path
from newscenter.web.sitecache import menu_sections

register = template.Library()


@register.tag
def chrome(parser, token) -> ChromeNode:
    """``{% chrome value ... %}...{% endchrome %}``: markup that is the same on every page of
    an edition for the same values (the header, the footer; the menu for a page's section).

    A request that carries a dict as ``edition_chrome`` (the static export's: one for the
    run, whose settings, code and clock do not change) has the markup rendered once per
    edition and values and reused, rather than rendered again for each of 11,000 pages; any
    other request renders it as if the tag were not there. What is inside may depend on the
    site, the language and the values, never on anything else a page has: the export's
    tests compare every exported page with the page the site serves.
    """
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        # A block's override would be kept for every page after the first.
        raise template.TemplateSyntaxError("{% chrome %} cannot hold a {% block %}.")
    return ChromeNode(nodelist, values)


class ChromeNode(template.Node):
    # Not searched for blocks: {% extends %} searches its parent's whole tree for them on
    # every page it renders, and the chrome is a good part of that tree (and holds none).
    child_nodelists = ()

    def __init__(self, nodelist, values):
        self.nodelist = nodelist
        self.values = values

    def render(self, context) -> SafeString:
        kept = getattr(context.get("request"), "edition_chrome", None)
        if kept is None:
            return self.nodelist.render(context)
        key = (
            self,
            translation.get_language(),
            langs.current(),
            *(value.resolve(context) for value in self.values),
        )
        markup = kept.get(key)
        if markup is None:
            markup = kept[key] = self.nodelist.render(context)
        return markup


@register.filter
def equals(value, other) -> bool:
    """``value == other``, as a value (``{% chrome %}``'s, say) rather than a condition."""
    return value == other


@register.simple_tag
def section_menu():
    """The sections that have public articles, in the order the desk gives them (position)."""
    return menu_sections()


@register.simple_tag
def section_items(sections, current) -> SafeString:
    """The menu's sections as list items, the page's own section (``current``) marked."""
    mine = getattr(current, "pk", None)
    # Each section's get_absolute_url and local_name, with the page's language and the
    # path's head looked up once for the menu rather than twice for each section.
    path, language = slug_paths("news:section"), langs.page_language()
    items = "".join(
        f'<li><a href="{escape(path(item.slug))}"'
        f"{_CURRENT if mine is not None and item.pk == mine else ''}>"
        f"{escape(item.name_in(language))}</a></li>\n        "
        for item in sections
    )
    return mark_safe(items)  # noqa: S308 (only escaped values and our own markup)


_CURRENT = ' aria-current="page"'

# The feeds a page links in its head: (format, type, what the title says of it).
_FEEDS = (
    ("rss", "application/rss+xml", "RSS"),
    ("atom", "application/atom+xml", "Atom"),
    ("json", "application/feed+json", "JSON Feed"),
)


@register.simple_tag(takes_context=True)
def feed_links(context) -> SafeString:
    """Feed autodiscovery: the site's feeds on every page, and the feeds of what the page is
    about (its section, tag or author; an article's section). Titles match the feeds' own."""
    site = context.get("site")
    if not site:
        return mark_safe("")
    article = context.get("article")
    section = context.get("section") or getattr(article, "section", None)
    tag, author = context.get("tag"), context.get("author")
    path = site_paths()
    parts = [
        "\n",
        _feeds(path, f"{site.section_title} · {site.site_name}", "news:feed", {}),
        "\n\n",
    ]
    if section:
        parts.append(
            _feeds(
                path,
                f"{section.local_name} · {site.site_name}",
                "news:section-feed",
                {"slug": section.slug},
            )
        )
    parts.append("\n")
    if tag:
        parts.append(
            _feeds(
                path, f"{tag.local_name} · {site.site_name}", "news:tag-feed", {"slug": tag.slug}
            )
        )
    parts.append("\n")
    if author:
        parts.append(
            _feeds(
                path, f"{author.name} · {site.site_name}", "news:author-feed", {"slug": author.slug}
            )
        )
    parts.append("\n")
    return mark_safe("".join(parts))  # noqa: S308 (only escaped values and our own markup)


def _feeds(path: Callable[..., str], title: str, name: str, kwargs: dict[str, str]) -> str:
    """Three <link>s, one a line, between two line ends."""
    shown = escape(title)
    links = "".join(
        f'\n<link rel="alternate" type="{kind}" title="{shown} ({label})" '
        f'href="{escape(path(name, format=form, **kwargs))}">'
        for form, kind, label in _FEEDS
    )
    return f"{links}\n"


@register.simple_tag(name="static_path")
def static_file(path: str) -> str:
    """``{% static %}``, its address remembered per storage (web.paths.static_path)."""
    return static_path(path)


@register.simple_tag
def this_year() -> str:
    """``{% now "Y" %}``: the year in the current time zone, without the date filter."""
    tzinfo = timezone.get_current_timezone() if settings.USE_TZ else None
    return f"{dt.datetime.now(tz=tzinfo).year:04d}"  # DateFormat.Y()


@register.simple_tag(takes_context=True)
def path(context, name: str, *args, **kwargs) -> str:
    """What ``{% url %}`` gives, worked out once per language (web.paths.site_path). The
    state it depends on is read once for a page's dozen addresses: kept while the page
    renders, and read again when the language differs (a ``{% language %}`` block)."""
    language = translation.get_language()
    kept = context.render_context.get(_PATHS)
    if kept is None or kept[0] != language or kept[1] is not langs.current():
        kept = context.render_context[_PATHS] = (language, langs.current(), site_paths())
    return kept[2](name, *args, **kwargs)


_PATHS = object()  # the key of a page's site_paths() in its render context


@dataclass(frozen=True)
class ShareLink:
    label: str
    href: str
    kind: str  # names the link for the stylesheet and the copy script


@register.simple_tag
def share_links(article) -> list[ShareLink]:
    """Plain links to share the article: no script of a third party on the page, nothing sent
    anywhere until the reader follows one. "Copy link" is the article's own address; the site's
    script (share.js) copies it instead of following it."""
    url = site_url(article.get_absolute_url())
    title = article.headline
    # What urlencode() gives for these one- and two-item queries, each value quoted once.
    url_plus, title_plus = quote_plus(url, safe=""), quote_plus(title, safe="")
    return [
        ShareLink("Copy link", url, "copy"),
        # quote, not quote_plus: a mail program shows "+" as a plus sign (RFC 6068).
        ShareLink(
            "Email",
            f"mailto:?subject={quote(title, safe='')}&body={quote(url, safe='')}",
            "email",
        ),
        ShareLink(
            "LinkedIn",
            f"https://www.linkedin.com/sharing/share-offsite/?url={url_plus}",
            "linkedin",
        ),
        ShareLink("X", f"https://x.com/intent/post?url={url_plus}&text={title_plus}", "x"),
        ShareLink(
            "Facebook", f"https://www.facebook.com/sharer/sharer.php?u={url_plus}", "facebook"
        ),
    ]


# What a reader knows the big networks by; any other profile is named by its host.
_NETWORKS = {
    "linkedin.com": "LinkedIn",
    "x.com": "X",
    "twitter.com": "X",
    "facebook.com": "Facebook",
    "instagram.com": "Instagram",
    "youtube.com": "YouTube",
    "xing.com": "XING",
    "github.com": "GitHub",
    "bsky.app": "Bluesky",
    "threads.net": "Threads",
    "tiktok.com": "TikTok",
}


@register.filter
def social_name(url: str) -> str:
    host = (urlsplit(str(url)).hostname or str(url)).removeprefix("www.")
    return _NETWORKS.get(host, host)
