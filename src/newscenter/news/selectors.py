"""Reads shared by the public pages, the admin preview and (later) feeds, API and export."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from newscenter.news.models import Article, Author, Section, Tag


def public_articles(
    *, section: Section | None = None, tag: Tag | None = None, author: Author | None = None
):
    """Public articles, newest first, with what a listing shows in a fixed number of queries."""
    articles = (
        Article.objects.published()
        .select_related("section", "lead_image")
        .prefetch_related(
            Prefetch("authors", queryset=Author.objects.only("name", "slug")),
            "lead_image__renditions",
        )
    )
    if section is not None:
        articles = articles.filter(section=section)
    if tag is not None:
        articles = articles.filter(tags=tag)
    if author is not None:
        articles = articles.filter(authors=author)
    return articles.order_by("-pub_date", "-id")


def public_article(*, day: dt.date, slug: str) -> Article:
    articles = public_articles().prefetch_related("tags")
    return get_object_or_404(articles, pub_day=day, slug=slug)


def article_for_preview(*, pk: int) -> Article:
    """Any article, public or not: the caller has checked that the reader may see drafts."""
    return get_object_or_404(
        Article.objects.select_related("section", "lead_image").prefetch_related(
            "tags", "authors", "lead_image__renditions"
        ),
        pk=pk,
    )


def sections_in_use():
    return Section.objects.filter(articles__in=Article.objects.published()).distinct()
