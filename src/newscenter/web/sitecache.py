"""The site settings every page reads, kept in memory from one change to the next.

Every page shows the site's chrome (name, banner, time zone): reading the settings row and
its banner for each request was a query or three on every uncached page. They are kept per
process under the pages' generation (``pagecache.generation``), which the change signal
renews after every committed change, a change of the settings or of an image included: the
first request after a change reads them again, in whichever process it runs.
"""

from __future__ import annotations

from django.db import connection

from newscenter.news.models import SiteSettings
from newscenter.web.pagecache.generation import generation

_kept: tuple[str, SiteSettings] | None = None


def site_settings() -> SiteSettings:
    """The site settings as of the last committed change, with the banner's renditions."""
    global _kept
    if connection.in_atomic_block:
        # Read inside a transaction that may yet roll back (a write's request, a test): kept
        # for no one else.
        return _load()
    key = generation()  # before the read: a change committed meanwhile renews it again
    kept = _kept
    if kept is not None and kept[0] == key:
        return kept[1]
    found = _load()
    _kept = (key, found)
    return found


def _load() -> SiteSettings:
    rows = SiteSettings.objects.select_related("banner_image").prefetch_related(
        "banner_image__renditions"
    )
    return rows.filter(pk=1).first() or SiteSettings.load()


def forget() -> None:
    """Read the settings again on the next request (a test's fresh database)."""
    global _kept
    _kept = None
