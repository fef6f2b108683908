"""The admin's pages for the review links of one article."""

from __future__ import annotations


def urls(model_admin) -> list:
    """URL patterns added to ArticleAdmin's own."""
    return []
