"""Addresses derived from the URLconf, for code that must recognise a kind of page by path."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import Storage
from django.templatetags.static import static
from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import translation

from newscenter.news import languages as langs
from newscenter.news import pictures


def url_prefix(name: str, **kwargs: object) -> str:
    """The folder holding every URL of a pattern: "/news/preview/0/" gives "/news/preview/"."""
    return reverse(name, kwargs=kwargs).rstrip("/").rsplit("/", 1)[0] + "/"


def site_path(name: str, *args: Hashable, **kwargs: Hashable) -> str:
    """``reverse(name, args=args, kwargs=kwargs)``, remembered: the pages' links to the index,
    feeds, icons and search are the same on every page of a language, and reverse() cost more
    than the rest of their rendering. Remembered per URLconf (a new resolver after
    clear_url_caches), script prefix, set of site languages and language, all that reverse()
    reads."""
    return site_paths()(name, *args, **kwargs)


def site_paths() -> Callable[..., str]:
    """``site_path`` for several addresses in the same state: the state is read once (each of
    the URLconf, the script prefix and the language is a lookup in a context-local, and the
    four lookups cost more than the remembered address)."""
    found = _remembered(
        get_resolver(get_urlconf()),
        get_script_prefix(),
        langs.current(),
        translation.get_language(),
    )

    def path(name: str, *args: Hashable, **kwargs: Hashable) -> str:
        key = (name, args, tuple(sorted(kwargs.items())) if kwargs else ())
        address = found.get(key)
        if address is None:
            if len(found) >= _REMEMBERED:
                found.clear()  # a site of many tags and authors: their feeds' addresses
            # The key holds what reverse() reads from the active state; it runs in that state.
            address = found[key] = reverse(name, args=args or None, kwargs=kwargs or None)
        return address

    return path


_REMEMBERED = 1024  # addresses per state


@functools.lru_cache(maxsize=64)
def _remembered(
    resolver: URLResolver,
    script_prefix: str,
    site: langs.SiteLanguages | None,
    language: str | None,
) -> dict[tuple, str]:
    return {}


def static_path(path: str) -> str:
    """``static(path)``, remembered per storage: on every page it asked whether the static
    files app is installed and the storage for the file's address, a page's head's costliest
    line. Keyed by the storage behind the lazy ``staticfiles_storage``, which settings that
    change the static files (STATIC_URL, STORAGES) set up anew."""
    return _static(pictures.concrete_storage(staticfiles_storage), path)


@functools.lru_cache(maxsize=256)
def _static(storage: Storage, path: str) -> str:
    return static(path)
