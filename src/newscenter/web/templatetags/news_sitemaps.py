"""A sitemap's ``<url>`` entries, written in Python: a page of a thousand entries cost
tens of milliseconds through template tags, one node per field, and still milliseconds
through a loop of the template calling a filter for each.

{{ urlset|sitemap_urls }}
"""

from __future__ import annotations

import datetime as dt
import html

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def sitemap_urls(urls: list[dict]) -> SafeString:
    """What web/sitemaps/sitemap.xml wrote for each of ``urls`` (escaped as templates escape,
    the lastmod in the active time zone as ``|date:"c"`` gives it), without the spaces
    between tags that ``{% spaceless %}`` took out. ``html.escape`` is what Django's
    ``escape`` calls, without its lazy-string wrapper."""
    iso = _iso_in(timezone.get_current_timezone() if settings.USE_TZ else None)
    parts: list[str] = []
    add = parts.append
    for url in urls:
        add(f"<url><loc>{html.escape(url['location'])}</loc>")
        lastmod = url.get("lastmod")
        if lastmod:
            add(f"<lastmod>{iso(lastmod)}</lastmod>")
        image = url.get("image")
        if image:
            add(f"<image:image><image:loc>{html.escape(image)}</image:loc></image:image>")
        for alternate in url.get("alternates") or ():
            add(
                f'<xhtml:link rel="alternate" hreflang="{html.escape(alternate["lang_code"])}" '
                f'href="{html.escape(alternate["location"])}"/>'
            )
        add("</url>")
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)


@register.filter
def news_urls(urls: list[dict]) -> SafeString:
    """What web/sitemaps/news.xml wrote for each of ``urls``, one template node per field
    before, without the spaces between tags that ``{% spaceless %}`` took out."""
    iso = _iso_in(timezone.get_current_timezone() if settings.USE_TZ else None)
    esc = html.escape
    return mark_safe(  # noqa: S308  (every value is escaped)
        "".join(
            f"<url><loc>{esc(url['location'])}</loc><news:news><news:publication>"
            f"<news:name>{esc(url['publication'])}</news:name>"
            f"<news:language>{esc(url['language'])}</news:language></news:publication>"
            f"<news:publication_date>{iso(url['pub_date'])}</news:publication_date>"
            f"<news:title>{esc(url['title'])}</news:title></news:news></url>"
            for url in urls
        )
    )


@register.filter
def sitemap_index_entries(items: list) -> SafeString:
    """What web/sitemaps/index.xml wrote for each sitemap of the index (the pages of the
    articles' sitemap among them: a thousand at a million articles, all of one lastmod,
    written once)."""
    iso = _iso_in(timezone.get_current_timezone() if settings.USE_TZ else None)
    written: dict[dt.date, str] = {}
    parts: list[str] = []
    for item in items:
        parts.append(f"<sitemap><loc>{html.escape(item.location)}</loc>")
        if item.last_mod:
            lastmod = written.get(item.last_mod)
            if lastmod is None:
                lastmod = written[item.last_mod] = f"<lastmod>{iso(item.last_mod)}</lastmod>"
            parts.append(lastmod)
        parts.append("</sitemap>")
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)


def _iso_in(zone: dt.tzinfo | None):
    """:func:`_iso` with the active time zone looked up once, for a page of dates."""

    def iso(moment: dt.date) -> str:
        if zone is not None and isinstance(moment, dt.datetime) and moment.utcoffset() is not None:
            moment = moment.astimezone(zone)
        return html.escape(moment.isoformat())

    return iso
