"""What a page leaves for analytics: held in memory only, until the buffer is written; which
pages count; the settings a page's path reads."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import NamedTuple

from django.conf import settings
from django.dispatch import receiver
from django.test.signals import setting_changed
from django.urls import reverse

from newscenter.addresses import client_ip_in

PREFETCH = ("prefetch", "prerender", "preview")


class Hit(NamedTuple):
    """One public response as it left: held in memory until the buffer writes its event.

    A named tuple, not a frozen dataclass: it is made on every page's path, and a frozen
    dataclass sets each of its ten fields through ``object.__setattr__`` (bench/analytics.py).
    """

    at: float
    host: str
    path: str
    query: str
    ip: str | None
    user_agent: str
    referrer: str
    language: str
    results: int | None = None
    beacon: bool = False


class Conf(NamedTuple):
    """The settings a page's path reads, read once: ``settings.X`` costs a few hundred
    nanoseconds a time, a noticeable part of counting's cost (bench/analytics.py)."""

    flush_seconds: float
    batch: int
    mode: str
    honour_dnt: bool


_conf: list[Conf] = []


def conf() -> Conf:
    if not _conf:
        _conf.append(Conf(settings.NEWSCENTER_ANALYTICS_FLUSH_SECONDS,
                          settings.NEWSCENTER_ANALYTICS_BATCH, settings.NEWSCENTER_ANALYTICS_MODE,
                          settings.NEWSCENTER_ANALYTICS_HONOUR_DNT))  # fmt: skip
    return _conf[0]


@receiver(setting_changed)
def _setting_changed(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("NEWSCENTER_ANALYTICS_"):
        _conf.clear()


def public(path: str, purpose: str | None, moz: str | None) -> bool:
    """Whether an answered GET is a view of a public page: on the public site but not a
    preview or a review link, not a prefetch (``purpose``: Sec-Purpose or Purpose, ``moz``:
    X-Moz). Bots are dropped by the writer."""
    prefix, private = paths()
    if not path.startswith(prefix) or path.startswith(private):
        return False
    if purpose and any(word in purpose.lower() for word in PREFETCH):
        return False
    return moz is None


def hit_of(raw: tuple[float, str, Mapping[str, str], int | None]) -> Hit | None:
    """What a hit keeps of a request the middleware let through; None when the page is not a
    public one or the request a prefetch."""
    at, path, meta, results = raw
    get = meta.get
    if not public(path, get("HTTP_SEC_PURPOSE") or get("HTTP_PURPOSE"), get("HTTP_X_MOZ")):
        return None
    return _new_hit(Hit, (at, get("HTTP_HOST", ""), path, get("QUERY_STRING", ""),
                          client_ip_in(meta), get("HTTP_USER_AGENT", ""),
                          get("HTTP_REFERER", ""), get("HTTP_ACCEPT_LANGUAGE", ""), results,
                          False))  # fmt: skip


# A Hit made from all its fields at once, without the named tuple's own __new__ (a Python
# function: a third of what making a hit of a request costs); as Hit._make does it.
_new_hit = tuple.__new__


@functools.cache
def paths() -> tuple[str, tuple[str, ...]]:
    """The public site's prefix, and those of pages for one reader only (previews, review
    links), from the URLconf."""

    def folder(name: str, **kwargs: object) -> str:
        return reverse(name, kwargs=kwargs).rstrip("/").rsplit("/", 1)[0] + "/"

    private = (folder("news:preview", pk=1), folder("news:review", token="example"))  # noqa: S106
    return reverse("news:index"), private


@functools.cache
def search_path() -> str:
    """The one page that says how many results it found (:data:`RESULTS_HEADER`)."""
    return reverse("news:search")
