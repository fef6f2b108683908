"""Article addresses for thousands of articles without one URL resolver walk each."""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

_SLUG = "newscenter-export-slug"
_DAY = dt.date(1999, 12, 31)


@functools.cache
def _pattern() -> tuple[str, str]:
    url = reverse("news:article", kwargs={"year": _DAY.year, "month": 12, "day": 31, "slug": _SLUG})
    head, tail = url.split("1999/12/31/" + _SLUG)
    return head, tail


def article_url(day: dt.date, slug: str) -> str:
    """What ``reverse("news:article", ...)`` gives, quoted as the resolver quotes it."""
    head, tail = _pattern()
    path = f"{head}{day.year:04d}/{day.month:02d}/{day.day:02d}/{slug}{tail}"
    return quote(path, safe=RFC3986_SUBDELIMS + "/~:@")
