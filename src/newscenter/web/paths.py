"""Addresses derived from the URLconf, for code that must recognise a kind of page by path."""

from __future__ import annotations

from django.urls import reverse


def url_prefix(name: str, **kwargs: object) -> str:
    """The folder holding every URL of a pattern: "/news/preview/0/" gives "/news/preview/"."""
    return reverse(name, kwargs=kwargs).rstrip("/").rsplit("/", 1)[0] + "/"
