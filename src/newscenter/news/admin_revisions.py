"""The admin's pages for the revision history, comparison and restore."""

from __future__ import annotations


def urls(model_admin) -> list:
    """URL patterns added to ArticleAdmin's own."""
    return []
