"""What an article's page shows of its tags and authors, kept on the article (``labels``).

The page reads the article's row alone instead of its tags and authors in two more queries.
Every write that changes what the labels hold refreshes them in its own transaction: an
article's tags or authors set (one article or a batch), a tag or author renamed, translated
or deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from newscenter.news.bulk import update_field
from newscenter.news.models import Article

BATCH = 500  # articles a query takes
# {"tags": [[slug, name, names, id]], "authors": [[slug, name, id]]}: the ids for the API.
Labels = dict[str, list[list[Any]]]


def labels_of(article_ids: Iterable[int]) -> dict[int, Labels]:
    """The labels of each article, its tags and authors in the order of their names (as a
    query ordered by name gives them on this database)."""
    ids = sorted(set(article_ids))
    found: dict[int, Labels] = {pk: {"tags": [], "authors": []} for pk in ids}
    tag_rows, author_rows = Article.tags.through.objects, Article.authors.through.objects
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        tags = (
            tag_rows.filter(article_id__in=chunk)
            .order_by("tag__name", "tag_id")
            .values_list("article_id", "tag__slug", "tag__name", "tag__translations", "tag_id")
        )
        for pk, *label in tags:
            found[pk]["tags"].append(label)
        authors = (
            author_rows.filter(article_id__in=chunk)
            .order_by("author__name", "author_id")
            .values_list("article_id", "author__slug", "author__name", "author_id")
        )
        for pk, *label in authors:
            found[pk]["authors"].append(label)
    return found


def labels_refresh(article_ids: Iterable[int]) -> dict[int, Labels]:
    """Store each article's labels as its tags and authors now are, and return them. The
    caller holds the transaction of the change; ``updated`` stays: the article's own text
    has not changed."""
    found = labels_of(article_ids)
    update_field(Article._meta.get_field("labels"), list(found.items()))
    return found


def labels_keep(article: Article) -> None:
    """Store one saved article's labels, and show them on the instance in hand."""
    article.labels = labels_of([article.pk])[article.pk]
    Article.objects.filter(pk=article.pk).update(labels=article.labels)
    for cached in ("shown_tags", "shown_authors"):
        article.__dict__.pop(cached, None)


def labels_refresh_for(obj: object) -> None:
    """After a tag or author changed: the labels of every article that has it."""
    labels_refresh(obj.articles.values_list("pk", flat=True))  # type: ignore[attr-defined]
