"""The one path from parsed items to saved articles: idempotent, one transaction per source."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from newscenter.importers import detect_parser, get_parser
from newscenter.importers.base import ImportedArticle, ImportParseError, ParseOptions
from newscenter.news import services
from newscenter.news.models import Article, SiteSettings
from newscenter.news.rendering import sanitise_html

# Fields compared to decide between "updated" and "skipped: unchanged".
_COMPARED = ("headline", "standfirst", "body", "pub_date", "source_name", "source_url",
             "canonical_url", "language")  # fmt: skip


@dataclass(frozen=True)
class Source:
    name: str  # a path or URL, shown in reports
    data: bytes


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    articles: list[ImportedArticle] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class ImportOptions:
    format: str = "auto"
    status: str = ""  # "" = published when dated, else draft
    section: str = ""
    dry_run: bool = False


def import_sources(
    sources: Iterable[Source], *, options: ImportOptions, acting_user=None
) -> ImportReport:
    report = ImportReport()
    parse_options = ParseOptions(time_zone=SiteSettings.load().time_zone)
    for source in sources:
        _import_source(source, options, parse_options, acting_user, report)
    return report


def _import_source(source, options, parse_options, acting_user, report) -> None:
    try:
        items = list(_parse(source, options.format, parse_options))
    except ImportParseError as exc:
        report.failed.append((exc.where or source.name, exc.message))
        return
    report.articles.extend(items)
    if options.dry_run:
        return
    try:
        with transaction.atomic():  # the whole file or nothing
            outcomes = [_persist(item, options, acting_user) for item in items]
    except (ValidationError, IntegrityError) as exc:
        report.failed.append((source.name, _validation_message(exc)))
        return
    for item, (outcome, reason) in zip(items, outcomes, strict=True):
        _record(report, outcome, f"{source.name}: {item.headline}", reason)


def _parse(source: Source, format_name: str, options: ParseOptions) -> Iterator[ImportedArticle]:
    if not source.data.strip():
        raise ImportParseError("the file is empty", where=source.name)
    parser = (
        detect_parser(source.data, filename=source.name)
        if format_name == "auto"
        else get_parser(format_name)
    )
    return parser.parse(source.data, origin=source.name, options=options)


def _persist(item: ImportedArticle, options: ImportOptions, acting_user) -> tuple[str, str]:
    fields = _article_fields(item, options)
    existing = Article.objects.filter(import_key=item.source_key).first()
    if existing is None:
        services.article_create(acting_user=acting_user, **fields, **_relations(item, options))
        return "created", ""
    if all(getattr(existing, name) == fields[name] for name in _COMPARED if name in fields):
        return "skipped", "unchanged since the last import"
    fields.pop("import_key")
    services.article_update(article=existing, acting_user=acting_user, **fields)
    return "updated", ""


def _article_fields(item: ImportedArticle, options: ImportOptions) -> dict:
    status = options.status or item.status or "published"
    if item.pub_date is None:
        status = Article.Status.DRAFT  # never invent a publication date
    return {
        "headline": item.headline,
        "standfirst": item.standfirst,
        # Compared with what is stored, so sanitised as the service would store it.
        "body": sanitise_html(item.body_html),
        "pub_date": item.pub_date,
        "status": status,
        "source_name": item.source_name,
        "source_url": item.source_url,
        "canonical_url": item.canonical_url,
        "import_key": item.source_key,
    } | ({"language": item.language} if item.language else {})


def _relations(item: ImportedArticle, options: ImportOptions) -> dict:
    section_name = options.section or item.section
    section = services.section_get_or_create(name=section_name) if section_name else None
    return {
        "section": section,
        "tags": [services.tag_get_or_create(name=name) for name in item.tags],
        "authors": [services.author_get_or_create(name=name) for name in item.authors],
    }


def _record(report: ImportReport, outcome: str, label: str, reason: str) -> None:
    if outcome == "created":
        report.created.append(label)
    elif outcome == "updated":
        report.updated.append(label)
    else:
        report.skipped.append((label, reason))


def _validation_message(exc: ValidationError | IntegrityError) -> str:
    if isinstance(exc, IntegrityError):
        return f"the database refused the article ({exc}); nothing from this file was saved"
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def as_json(report: ImportReport) -> dict:
    """The ``--dry-run --json`` shape: articles as they would be saved, and the errors."""
    return {
        "articles": [_item_json(item) for item in report.articles],
        "errors": [{"item": item, "message": message} for item, message in report.failed],
    }


def _item_json(item: ImportedArticle) -> dict:
    data = dataclasses.asdict(item)
    data["pub_date"] = item.pub_date.isoformat() if item.pub_date else None
    return data
