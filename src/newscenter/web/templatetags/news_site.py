"""The site's chrome in templates: the section menu, an article's share links, and the
addresses of the site's own pages (``{% url %}``, remembered).

{% section_menu as sections %}
{% share_links article as links %}
{% path 'news:feed' format='rss' %}
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from django import template

from newscenter.conf import site_url
from newscenter.web.paths import site_path
from newscenter.web.sitecache import menu_sections

register = template.Library()


@register.simple_tag
def section_menu():
    """The sections that have public articles, in the order the desk gives them (position)."""
    return menu_sections()


@register.simple_tag
def path(name: str, *args, **kwargs) -> str:
    """What ``{% url %}`` gives, worked out once per language (web.paths.site_path)."""
    return site_path(name, *args, **kwargs)


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
    return [
        ShareLink("Copy link", url, "copy"),
        # quote, not quote_plus: a mail program shows "+" as a plus sign (RFC 6068).
        ShareLink(
            "Email",
            "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote),
            "email",
        ),
        ShareLink(
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
            "linkedin",
        ),
        ShareLink("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title}), "x"),
        ShareLink(
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
            "facebook",
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
