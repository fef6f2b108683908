"""Keeping the index in step with the articles: after each commit, and all at once on demand."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from newscenter.news import languages
from newscenter.news.changes import Change
from newscenter.news.models import Article, SiteSettings
from newscenter.search.backends import backend
from newscenter.search.base import Document
from newscenter.search.query import words
from newscenter.search.scripts import is_cjk

log = logging.getLogger(__name__)

BATCH_SIZE = 500
_FIELDS = Document.FIELDS
# Shorter words are not worth correcting: too many others lie one letter away.
SPELLING_MIN_CHARS = 4
SPELLING_MAX_CHARS = 30


def follow_change(change: Change) -> None:
    """Listener of the domain's ``content_changed``: runs after the change has committed.

    A failure here must not turn a saved edit into an error page: it is logged, and
    ``newscenter reindex`` rebuilds the index from the articles.
    """
    if not change.articles:
        return
    try:
        index_articles(change.articles)
    except Exception:
        log.exception("search index not updated for articles %s", sorted(change.articles)[:20])


@transaction.atomic
def index_articles(article_ids: Iterable[int]) -> int:
    """Index the published ones among ``article_ids`` and drop the others from the index.

    Scheduled and embargoed articles are indexed too: a search joins the index with the
    public articles, so they appear in results at their time with no further work, and
    not a moment before.
    """
    article_ids = set(article_ids)
    rows = Article.objects.filter(pk__in=article_ids, status__in=Article.TIMED)
    default = default_language()
    documents = [Document.from_values(row, default) for row in rows.values(*_FIELDS)]
    engine = backend()
    engine.remove(article_ids - {d.article_id for d in documents})
    _index(engine, documents)
    return len(documents)


@transaction.atomic
def reindex(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index in one transaction: readers see the old index until it commits."""
    engine = backend()
    engine.clear()
    published = Article.objects.filter(status__in=Article.TIMED).order_by("pk")
    total, batch = 0, []
    default = default_language()
    for row in published.values(*_FIELDS).iterator(chunk_size=BATCH_SIZE):
        batch.append(Document.from_values(row, default))
        if len(batch) == BATCH_SIZE:
            total += _flush(engine, batch, progress)
    total += _flush(engine, batch, progress)
    engine.optimize()
    return total


@dataclass(frozen=True)
class Differences:
    """What ``reindex`` would change: articles to add, to drop, and to index again."""

    missing: list[int]  # public (or timed) articles the index lacks
    extra: list[int]  # indexed articles that are no longer timed, or no longer exist
    stale: list[int]  # indexed with other text than the article has now

    @property
    def count(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.stale)


def differences() -> Differences:
    """Compare the index with the articles, text included, batch by batch."""
    engine = backend()
    indexed = engine.indexed_ids()
    timed = Article.objects.filter(status__in=Article.TIMED).order_by("pk")
    wanted: set[int] = set()
    stale: list[int] = []
    batch: list[Document] = []
    default = default_language()
    for row in timed.values(*_FIELDS).iterator(chunk_size=BATCH_SIZE):
        wanted.add(row["id"])
        if row["id"] in indexed:
            batch.append(Document.from_values(row, default))
        if len(batch) == BATCH_SIZE:
            stale += _stale(engine, batch)
            batch = []
    stale += _stale(engine, batch)
    return Differences(sorted(wanted - indexed), sorted(indexed - wanted), stale)


def _stale(engine, documents: list[Document]) -> list[int]:
    texts = engine.texts([d.article_id for d in documents])
    return [d.article_id for d in documents if texts.get(d.article_id) != (d.headline, d.body)]


def default_language() -> str:
    """The site's default language: the stems of an article that names no language.

    Read by its one column, not through the site settings' model, so that a migration that
    reindexes works before later migrations have added the model's other columns.
    """
    current = languages.current()
    if current is not None:
        return current.default
    found = SiteSettings.objects.values_list("language", flat=True).first()
    return languages.canonical_tag(found or "en")


def published_count() -> int:
    return Article.objects.filter(status__in=Article.TIMED).count()


def documents_index(engine, rows: Iterable[dict]) -> int:
    """Index rows of article values (``Document.FIELDS``): used by the migration."""
    total, batch = 0, []
    for row in rows:
        batch.append(Document.from_values(row))
        if len(batch) == BATCH_SIZE:
            total += _flush(engine, batch, None)
    return total + _flush(engine, batch, None)


def _flush(engine, batch: list[Document], progress) -> int:
    _index(engine, batch)
    if progress is not None:
        progress(len(batch))
    done = len(batch)
    batch.clear()
    return done


def _index(engine, documents: list[Document]) -> None:
    if not documents:
        return
    engine.index(documents)
    # Each distinct word is judged once: a batch's texts repeat most of their words.
    found: set[str] = set()
    for document in documents:
        found.update(words(document.text()))
    engine.add_words({word for word in found if correctable(word)})


def correctable(word: str) -> bool:
    """Whether the vocabulary keeps ``word`` (folded): the words a misspelling is fixed to.

    Not a run of Chinese or Japanese characters: written without spaces, a "word" is a whole
    clause, unique to its article, that no reader misspells; keeping them made the vocabulary
    grow by millions of rows at 100,000 Chinese articles (bench/search.py --corpus cjk)."""
    return (
        SPELLING_MIN_CHARS <= len(word) <= SPELLING_MAX_CHARS
        and not word.isdigit()
        and not is_cjk(word)
    )
