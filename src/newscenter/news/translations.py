"""Translations as rules and reads: where each article stands in each of the site's languages.

A translation group holds one article per language (``Article.translation_group``). A
translation names the article it was made from (``translated_from``) and the number of that
article's revision it follows (``translated_from_revision``). Its status in a language:

- **missing**: the group has no article in that language;
- **draft**: it has one, not public yet (a draft, in review, scheduled or embargoed ahead);
- **current**: public, and its source's text (headline, standfirst, body) is what it was at
  the revision the translation follows;
- **outdated**: public, and the source's text has changed since: the translator has work.

The writes (creating a translation, marking one caught up) are in ``services.translations``.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Sequence

from django.db.models import Max, Q, QuerySet

from newscenter.news import publishing
from newscenter.news.languages import site_languages
from newscenter.news.models import Article, Revision
from newscenter.news.revisions import TEXT_FIELDS


class Status(enum.StrEnum):
    MISSING = "missing"
    DRAFT = "draft"
    CURRENT = "current"
    OUTDATED = "outdated"

    @property
    def label(self) -> str:
        return {"missing": "Missing", "draft": "Draft", "current": "Current",
                "outdated": "Outdated"}[self.value]  # fmt: skip


def status_of(article: Article | None, *, public: bool, source_changed: bool) -> Status:
    """The truth table: no article is missing; not public is a draft; public is current
    unless its source's text changed since the revision it follows."""
    if article is None:
        return Status.MISSING
    if not public:
        return Status.DRAFT
    return Status.OUTDATED if source_changed else Status.CURRENT


def text_of(content: dict[str, object]) -> tuple[str, ...]:
    return tuple(str(content.get(name) or "") for name in TEXT_FIELDS)


def article_text(article: Article) -> tuple[str, ...]:
    return tuple(str(getattr(article, name) or "") for name in TEXT_FIELDS)


def latest_revision_number(article: Article) -> int:
    return article.revisions.aggregate(latest=Max("number"))["latest"] or 0


def translated_revision(translation: Article) -> Revision | None:
    """The source's revision the translation follows (None when it names none)."""
    if translation.translated_from_id is None or translation.translated_from_revision is None:
        return None
    return Revision.objects.filter(
        article_id=translation.translated_from_id, number=translation.translated_from_revision
    ).first()


def source_changed(translation: Article) -> bool:
    """Whether the source's text moved on since the revision the translation follows."""
    source = translation.translated_from
    if source is None:
        return False
    revision = translated_revision(translation)
    return revision is None or text_of(revision.content) != article_text(source)


def status(translation: Article | None) -> Status:
    if translation is None:
        return Status.MISSING
    return status_of(
        translation,
        public=publishing.is_public(translation),
        source_changed=source_changed(translation),
    )


def group_members(article: Article) -> list[Article]:
    """Every article of the article's group, itself included."""
    if article.translation_group is None:
        return [article]
    return list(Article.objects.filter(translation_group=article.translation_group))


def member_in(members: Iterable[Article], edition: str) -> Article | None:
    return next((m for m in members if m.edition == edition), None)


# --- the desk's matrix ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Cell:
    language: str
    status: Status
    article: Article | None
    source: Article | None = None  # what it was translated from, for an outdated one


@dataclasses.dataclass(frozen=True)
class Row:
    article: Article  # the group's original (the article no other was translated from)
    cells: tuple[Cell, ...]

    def has(self, wanted: Status) -> bool:
        return any(cell.status == wanted for cell in self.cells)


def matrix(articles: Sequence[Article]) -> list[Row]:
    """Each original article against each of the site's languages, in three queries."""
    site = site_languages()
    groups = {a.translation_group for a in articles if a.translation_group}
    members: dict[object, list[Article]] = {}
    for member in Article.objects.filter(translation_group__in=groups).select_related(
        "translated_from"
    ):
        members.setdefault(member.translation_group, []).append(member)
    texts = _revision_texts([m for group in members.values() for m in group])
    rows = []
    for article in articles:
        group = members.get(article.translation_group, [article])
        cells = tuple(_cell(member_in(group, language), language, texts) for language in site.all)
        rows.append(Row(article, cells))
    return rows


Texts = dict[tuple[int | None, int | None], tuple[str, ...]]


def _cell(member: Article | None, language: str, texts: Texts) -> Cell:
    if member is None:
        return Cell(language, Status.MISSING, None)
    changed = False
    source = member.translated_from
    if source is not None:
        old = texts.get((member.translated_from_id, member.translated_from_revision))
        changed = old is None or old != article_text(source)
    state = status_of(member, public=publishing.is_public(member), source_changed=changed)
    return Cell(language, state, member, source)


def _revision_texts(members: list[Article]) -> Texts:
    wanted = {
        (m.translated_from_id, m.translated_from_revision)
        for m in members
        if m.translated_from_id and m.translated_from_revision
    }
    if not wanted:
        return {}
    query = Q()
    for article_id, number in wanted:
        query |= Q(article_id=article_id, number=number)
    return {
        (r.article_id, r.number): text_of(r.content)
        for r in Revision.objects.filter(query).only("article_id", "number", "content")
    }


def originals() -> QuerySet[Article]:
    """The articles listed down the matrix: every article not made as a translation."""
    return Article.objects.filter(translated_from__isnull=True)
