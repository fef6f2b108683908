"""What renews the pages: the domain's one change signal, after the search index has followed."""

from __future__ import annotations

from newscenter.news.changes import Change, Stage, content_changed
from newscenter.web.pagecache import generation, purge


def connect() -> None:
    content_changed.connect(_renew, stage=Stage.PAGES, uid="newscenter.web.pagecache.renew")
    content_changed.connect(_purge, stage=Stage.NOTIFY, uid="newscenter.web.pagecache.purge")


def _renew(change: Change) -> None:
    generation.renew()


def _purge(change: Change) -> None:
    purge.purge(reason=", ".join(sorted(change.kinds)) or "change")
