"""The snippets an integrator pastes: an iframe, or the custom element (docs/embed.md).

Addresses come from ``NEWSCENTER_BASE_URL``, never from a request's Host header. The desk's
embed builder shows them, and its script (desk/static/desk/embed-builder.js) rewrites the
same markup as the editor changes the options.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, format_html_join

# Options that the custom element takes as attributes (the accent is a CSS variable there).
ELEMENT_OPTIONS = ("section", "tag", "author", "language", "limit", "layout", "theme", "images")


def address(name: str, query: dict[str, str] | None = None) -> str:
    url = settings.NEWSCENTER_BASE_URL + reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def iframe(query: dict[str, str], *, title: str) -> str:
    """The iframe, and the script that sizes it to its content (optional)."""
    return str(
        format_html(
            '<iframe src="{}" title="{}" data-newscenter loading="lazy" '
            'style="border:0;width:100%;height:28rem"></iframe>\n'
            '<script type="module" src="{}"></script>',
            address("embed:latest", query),
            title,
            address("embed:latest-js"),
        )
    )


def element(query: dict[str, str], *, link_text: str) -> str:
    """The custom element, with a plain link inside for when JavaScript or the request fails."""
    attributes = format_html_join(
        "", ' {}="{}"', ((name, value) for name, value in query.items() if name in ELEMENT_OPTIONS)
    )
    return str(
        format_html(
            '<script type="module" src="{}"></script>\n'
            '<news-latest{}><a href="{}">{}</a></news-latest>',
            address("embed:latest-js"),
            attributes,
            settings.NEWSCENTER_BASE_URL + reverse("news:index"),
            link_text,
        )
    )
