"""Whole public pages kept in Django's cache, renewed at once by any change that shows.

- ``middleware``: answers readers from the cache, stores what may be shared, and sets the
  validators and CDN headers;
- ``generation``: the part of every key that a change moves on, and the next scheduled
  publication, which no entry outlives;
- ``invalidation``: follows the domain's change signal (``news.changes``): renew the pages,
  then tell the CDN;
- ``purge``: the call to ``NEWSCENTER_PURGE_URL``.

Every change to what public pages show moves the generation on after its transaction
commits, so all pages are renewed at once: an index, a feed or a search never shows an
article its own page no longer does. docs/caching.md tells operators the same.
"""
