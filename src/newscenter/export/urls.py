"""Article addresses for thousands of articles without one URL resolver walk each."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterator
from urllib.parse import quote

from django.urls import reverse
from django.utils import translation
from django.utils.http import RFC3986_SUBDELIMS

from newscenter.news import languages
from newscenter.news.languages import SiteLanguages

_SLUG = "newscenter-export-slug"
_DAY = dt.date(1999, 12, 31)


def _pattern() -> tuple[str, str]:
    # By the active language and the site's: the edition's prefix (/de/) is in the address.
    site = languages.current()
    return _pattern_in(translation.get_language() or "", site.all if site else ())


@functools.cache
def _pattern_in(language: str, site: tuple[str, ...]) -> tuple[str, str]:
    url = reverse("news:article", kwargs={"year": _DAY.year, "month": 12, "day": 31, "slug": _SLUG})
    head, tail = url.split("1999/12/31/" + _SLUG)
    return head, tail


def article_url(day: dt.date, slug: str) -> str:
    """What ``reverse("news:article", ...)`` gives in the active language, quoted as the
    resolver quotes it."""
    return article_addresses()(day, slug)


def article_addresses() -> Callable[[dt.date, str], str]:
    """``article_url`` for many articles of the active edition: the edition is looked up once
    (reading the active language through asgiref's Local, once per address, was most of what
    planning 10,000 articles cost)."""
    head, tail = _pattern()

    def address(day: dt.date, slug: str) -> str:
        path = f"{head}{day.year:04d}/{day.month:02d}/{day.day:02d}/{slug}{tail}"
        return quote(path, safe=_SAFE)

    return address


_SAFE = RFC3986_SUBDELIMS + "/~:@"


@contextlib.contextmanager
def in_edition(site: SiteLanguages, tag: str) -> Iterator[None]:
    """Addresses and interface in the edition ``tag`` (its prefix, its gettext catalogue), as
    the site's middleware answers a request under that edition's address."""
    with languages.using(site), translation.override(languages.url_code(tag)):
        yield
