"""The purge hook: a CDN (or whatever NEWSCENTER_PURGE_URL names) told that every page changed."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request

from django.conf import settings

from newscenter.web.pagecache.generation import generation

logger = logging.getLogger(__name__)

# A change is announced once per transaction, but an import commits source after source and
# an editor may save twice in a second: the CDN hears of such a burst once, since a call waits
# this long for the rest of it.
PURGE_DELAY = 0.3
_purge_pending = threading.Lock()


def purge(reason: str) -> None:
    """Tell a CDN (or whatever NEWSCENTER_PURGE_URL names) that every page changed.

    Sent from a thread with a short timeout: an editor's save never waits on a CDN, and a
    failed call only means the CDN serves the old page until s-maxage runs out.
    """
    url = settings.NEWSCENTER_PURGE_URL
    if not url or not _purge_pending.acquire(blocking=False):
        return  # not configured, or a call is already waiting and will carry this change
    threading.Thread(target=_purge_later, args=(url, reason), daemon=True).start()


def _purge_later(url: str, reason: str) -> None:
    time.sleep(PURGE_DELAY)
    _purge_pending.release()  # a change from here on gets a call of its own
    payload = json.dumps({"paths": None, "reason": reason, "generation": generation()})
    _post(url, payload.encode())


def _post(url: str, payload: bytes) -> None:
    request = urllib.request.Request(  # noqa: S310 (the operator's own URL, http(s) only)
        url, data=payload, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            response.read()
    except OSError as error:
        logger.warning("Page cache purge hook %s failed: %s", url, error)
