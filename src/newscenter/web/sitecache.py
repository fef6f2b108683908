"""What every page reads, kept in memory from one change to the next: the site settings and
the section menu (and every section, which the search form offers).

Every page shows the site's chrome (name, banner, time zone, the sections): reading the
settings row, its banner and the menu for each request was a query or four on every uncached
page. They are kept per process under the pages' generation (``pagecache.generation``), which
the change signal renews after every committed change, a change of the settings, a section or
an image included: the first request after a change reads them again, in whichever process it
runs. The menu also lapses at the next scheduled publication (a section's first article may
become public then, with no change).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connection

from newscenter.news import selectors
from newscenter.news.models import Section, SiteSettings
from newscenter.web.pagecache.generation import generation, next_publication

T = TypeVar("T")


class _Kept(Generic[T]):
    """One value read from the database, kept until the generation changes (and, with
    ``timed``, until the next scheduled publication)."""

    def __init__(self, load: Callable[[], T], *, timed: bool = False):
        self._load = load
        self._timed = timed
        self._kept: tuple[str, float, T] | None = None

    def get(self) -> T:
        if connection.in_atomic_block:
            # Read inside a transaction that may yet roll back (a write's request, a test):
            # kept for no one else.
            return self._load()
        key = generation()  # before the read: a change committed meanwhile renews it again
        kept = self._kept
        if kept is not None and kept[0] == key and (not self._timed or time.time() < kept[1]):
            return kept[2]
        until = next_publication() if self._timed else float("inf")
        found = self._load()
        self._kept = (key, until, found)
        return found

    def forget(self) -> None:
        self._kept = None


def _load_settings() -> SiteSettings:
    rows = SiteSettings.objects.select_related("banner_image").prefetch_related(
        "banner_image__renditions"
    )
    return rows.filter(pk=1).first() or SiteSettings.load()


_settings = _Kept(_load_settings)
_menu: _Kept[list[Section]] = _Kept(lambda: list(selectors.sections_for_menu()), timed=True)
_sections: _Kept[list[Section]] = _Kept(lambda: list(Section.objects.all()))


def site_settings() -> SiteSettings:
    """The site settings as of the last committed change, with the banner's renditions."""
    return _settings.get()


def menu_sections() -> list[Section]:
    """The section menu (``selectors.sections_for_menu``) as of the last committed change."""
    return _menu.get()


def all_sections() -> list[Section]:
    """Every section, in the desk's order, as of the last committed change."""
    return _sections.get()


def forget() -> None:
    """Read everything again on the next request (a test's fresh database)."""
    _settings.forget()
    _menu.forget()
    _sections.forget()
