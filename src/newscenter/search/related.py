"""Articles to read next: those sharing tags and the section first, then the most alike in text."""

from __future__ import annotations

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When

from newscenter.news import selectors
from newscenter.news.models import Article
from newscenter.search.backends import backend
from newscenter.search.query import words

RELATED_COUNT = 4
_POOL = 20  # candidates taken from each signal before they are merged
_QUERY_WORDS = 12
# Related articles are ranked among the newest matches of their words: an article page must
# stay cheap, and a recent related article serves a reader better than an old one.
_WINDOW = 200
_MIN_WORD_CHARS = 4
# A shared tag says more than a shared section; either says more than shared words, whose
# score is scaled to at most 1.
_TAG_POINTS, _SECTION_POINTS = 2, 1


def related_articles(article: Article, *, limit: int = RELATED_COUNT) -> list[Article]:
    others = Article.objects.published().exclude(pk=article.pk)
    scores: dict[int, float] = {}
    for pk, points in _shared_metadata(article, others):
        scores[pk] = float(points)
    for pk, similarity in _shared_words(article, others):
        scores[pk] = scores.get(pk, 0.0) + similarity
    ranked = sorted(scores, key=lambda pk: scores[pk], reverse=True)[:limit]
    found = {a.pk: a for a in selectors.public_articles().filter(pk__in=ranked)}
    return [found[pk] for pk in ranked if pk in found]


def _shared_metadata(article: Article, others) -> list[tuple[int, int]]:
    tag_ids = [tag.pk for tag in article.tags.all()]
    shared = Q(Exists(_tagged(tag_ids))) if tag_ids else Q(pk__in=[])
    if article.section_id is not None:
        shared |= Q(section_id=article.section_id)
    # Scored among the newest _WINDOW articles that share anything, like the words below: a
    # section of a million articles must not be counted through on every article page.
    window = others.filter(shared).order_by("-pub_date", "-pk").values("pk")[:_WINDOW]
    rows = (
        others.filter(pk__in=window)
        .annotate(
            shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True),
            same_section=Case(
                When(section_id=article.section_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-shared_tags", "-same_section", "-pub_date", "-pk")
        .values_list("pk", "shared_tags", "same_section")[:_POOL]
    )
    return [(pk, tags * _TAG_POINTS + section * _SECTION_POINTS) for pk, tags, section in rows]


def _tagged(tag_ids: list[int]):
    # EXISTS rather than a join: no duplicate rows, so the window walks the newest-first
    # index and stops, with no DISTINCT to sort.
    return Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag_id__in=tag_ids)


def _shared_words(article: Article, others) -> list[tuple[int, float]]:
    seen: dict[str, None] = {}
    for word in words(f"{article.headline} {article.standfirst}"):
        if len(word) >= _MIN_WORD_CHARS and not word.isdigit():
            seen.setdefault(word)
    words_ = list(seen)[:_QUERY_WORDS]
    found = backend().related(words_, candidates=others.order_by(), limit=_WINDOW)
    found = sorted(found, key=lambda m: m.relevance, reverse=True)[:_POOL]
    best = max((m.relevance for m in found), default=0.0)
    return [(m.article_id, m.relevance / best) for m in found] if best > 0 else []
