"""The one path from parsed items to saved articles: idempotent, one transaction per source.

Items are persisted as the parser yields them, so a large export never sits in memory whole;
a failure anywhere in a source rolls the whole source back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from newscenter.importers import detect_parser, get_parser
from newscenter.importers.parsers.base import (
    HEAD_BYTES,
    ImportedArticle,
    ImportParseError,
    ParseOptions,
    Parser,
    SkippedItem,
    decompressed,
)
from newscenter.news import changes, publishing, services
from newscenter.news.bulk import insert_rows
from newscenter.news.changes import announce
from newscenter.news.languages import canonical_tag
from newscenter.news.models import Article, ImportRecord, SiteSettings
from newscenter.news.policy import PolicyDenied
from newscenter.news.rendering import sanitise_html

# Fields compared to decide between "updated" and "skipped: unchanged".
_COMPARED = ("headline", "standfirst", "body", "pub_date", "source_name", "source_url",
             "canonical_url", "language", "status")  # fmt: skip
UNCHANGED = "unchanged since the last import"
EDITED = "changed in newscenter since it was imported: left as the editors made it"


@dataclass(frozen=True)
class Source:
    """One input: a file on disk (read as a stream) or bytes in memory (a paste, a download)."""

    name: str  # a path or URL, shown in reports
    data: bytes | None = None
    path: Path | None = None

    def open(self) -> BinaryIO:
        """The input's bytes; decompressed when it is gzipped (``.html.gz``, a gzip magic)."""
        raw = self.path.open("rb") if self.path is not None else io.BytesIO(self.data or b"")
        try:
            return decompressed(raw, origin=self.name)
        except BaseException:
            raw.close()
            raise

    def head(self) -> bytes:
        with self.open() as stream:
            return stream.read(HEAD_BYTES)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    articles: list[ImportedArticle] = field(default_factory=list)  # kept on dry runs only
    # The sources' translation groups (Polylang, Hugo's translationKey): key -> import keys.
    groups: dict[str, list[str]] = field(default_factory=dict)
    # The language of a group's original, where the source names it (WPML): key -> language.
    group_sources: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed

    def merge(self, other: ImportReport) -> None:
        for name in ("created", "updated", "skipped", "failed", "notes", "articles"):
            getattr(self, name).extend(getattr(other, name))
        if other.ok:  # a failed source saved nothing to group
            for key, import_keys in other.groups.items():
                self.groups.setdefault(key, []).extend(import_keys)
            for key, language in other.group_sources.items():
                self.group_sources.setdefault(key, language)


@dataclass(frozen=True)
class ImportOptions:
    format: str = "auto"
    status: str = ""  # "" = the source's status, else published when dated, else draft
    section: str = ""
    dry_run: bool = False
    author: str = ""  # every new article by this author (by name) instead of the source's
    source_name: str = ""  # the "Source:" line of every new article, when the items name none
    # The status applies to new articles only: one already imported keeps the status the
    # editors gave it (the CLI's default: drafts, without unpublishing on a re-import).
    keep_status: bool = False
    force: bool = False  # import text pages refused as not articles, noting why


def planned_status(item: ImportedArticle, options: ImportOptions) -> str:
    """What a new article made of ``item`` will be: draft, scheduled or published (stored)."""
    return str(_article_fields(item, options)["status"])


Progress = Callable[[str], None]  # called once per item with its label


def import_sources(
    sources: Iterable[Source],
    *,
    options: ImportOptions,
    acting_user: Any,
    progress: Progress | None = None,
) -> ImportReport:
    report = ImportReport()
    parse_options = ParseOptions(time_zone=SiteSettings.load().time_zone, force=options.force)
    names = []
    # Each source commits on its own; what follows the changes (the related lists, the
    # search index, the pages) runs once for them all at the end.
    with changes.held():
        for source in sources:
            names.append(source.name)
            report.merge(_import_source(source, options, parse_options, acting_user, progress))
        if not options.dry_run:
            _link_translations(report, acting_user)
            announce_finished(report, sources=names, acting_user=acting_user)
    return report


def _link_translations(report: ImportReport, acting_user: Any) -> None:
    """The translation groups the sources named, once every source is saved: a Hugo site's
    languages come in files of their own. A group that cannot be made is a note."""
    for key, import_keys in report.groups.items():
        members = list(Article.objects.filter(import_key__in=set(import_keys)))
        where = f"translations {key[-60:]}"
        try:
            notes = services.translation_group_link(
                acting_user=acting_user,
                articles=members,
                source_language=report.group_sources.get(key, ""),
            )
        except PolicyDenied as exc:
            notes = [f"not grouped: {exc}"]
        report.notes.extend((where, note) for note in notes)


NOTICE_ITEMS = 100  # labels and errors a notice lists; the counts are always whole


def announce_finished(report: ImportReport, *, sources: list[str], acting_user: Any) -> None:
    """Tell the outbox's consumers (webhooks: "import.finished") what a run did."""
    user = getattr(acting_user, "get_username", lambda: "system")()
    announce(
        notices=[
            {
                "event": "import.finished",
                "sources": sources[:NOTICE_ITEMS],
                "user": user,
                "counts": {
                    "created": len(report.created),
                    "updated": len(report.updated),
                    "skipped": len(report.skipped),
                    "failed": len(report.failed),
                },
                "created": report.created[:NOTICE_ITEMS],
                "updated": report.updated[:NOTICE_ITEMS],
                "errors": [
                    {"item": item, "message": message}
                    for item, message in report.failed[:NOTICE_ITEMS]
                ],
            }
        ]
    )


def _import_source(source, options, parse_options, acting_user, progress) -> ImportReport:
    try:
        parser = parser_for(source, options.format)
    except ImportParseError as exc:
        return ImportReport(failed=[(exc.where or source.name, exc.message)])
    with source.open() as stream:
        items = _parsed(parser, stream, source.name, parse_options)
        return import_items(
            items, source=source, format_name=parser.name, options=options,
            acting_user=acting_user, progress=progress,
        )  # fmt: skip


def _parsed(parser: Parser, stream, origin: str, options: ParseOptions):
    # A generator, so that a parser refusing its input in parse() itself (not while
    # iterating) is still caught, and rolled back, by import_items.
    yield from parser.parse(stream, origin=origin, options=options)


def import_items(
    items: Iterable[ImportedArticle | SkippedItem],
    *,
    source: Source,
    format_name: str,
    options: ImportOptions,
    acting_user: Any,
    progress: Progress | None = None,
) -> ImportReport:
    """Save one source's items, all or nothing: the report only counts what was committed.

    ``items`` may be a parser's generator (streamed) or items a person has reviewed.
    """
    report, item = ImportReport(), None
    try:
        with transaction.atomic():
            batch = _Batch(format_name, options, acting_user, report)
            for item in items:
                _take(item, source, options, batch, report)
                if progress is not None:
                    progress(item.where)
            batch.flush()
    except ImportParseError as exc:
        return ImportReport(failed=[(exc.where or source.name, exc.message)])
    except (ValidationError, IntegrityError) as exc:
        where = _where(source, item if isinstance(item, ImportedArticle) else None)
        return ImportReport(failed=[(where, _validation_message(exc))])
    except PolicyDenied as exc:
        return ImportReport(failed=[(source.name, f"refused: {exc}; nothing from it was saved")])
    return report


def parser_for(source: Source, format_name: str) -> Parser:
    head = source.head()
    if not head.strip():
        raise ImportParseError("the file is empty", where=source.name)
    if format_name == "auto":  # "page.html.gz" is read decompressed, so named "page.html"
        return detect_parser(head, filename=source.name.removesuffix(".gz"))
    return get_parser(format_name)


def _take(item, source, options, batch: _Batch, report: ImportReport) -> None:
    if isinstance(item, SkippedItem):
        report.skipped.append((f"{source.name}: {item.where}", item.reason))
        return
    label = f"{_where(source, item)}: {item.headline}"
    report.notes.extend((label, note) for note in item.notes)
    if options.dry_run:
        report.articles.append(item)  # only previews keep items: a real run streams them
        return
    batch.add(item, label)


def _where(source: Source, item: ImportedArticle | None) -> str:
    return f"{source.name} ({item.where})" if item is not None and item.where else source.name


class _Batch:
    """Items waiting to be saved: new ones in bulk, known ones one by one (update or skip)."""

    size = 500

    def __init__(self, format_name: str, options: ImportOptions, acting_user, report) -> None:
        self.format_name, self.options, self.acting_user = format_name, options, acting_user
        self.report = report
        self.pending: dict[str, tuple[ImportedArticle, str]] = {}
        self.names = _Names(acting_user)

    def add(self, item: ImportedArticle, label: str) -> None:
        if item.translation_key:
            self.report.groups.setdefault(item.translation_key, []).append(item.source_key)
            if item.translation_source:
                self.report.group_sources.setdefault(item.translation_key, item.translation_source)
        if item.source_key in self.pending:  # the same item twice in one source
            self.flush()
        self.pending[item.source_key] = (item, label)
        if len(self.pending) >= self.size:
            self.flush()

    def flush(self) -> None:
        known = Article.objects.select_related("import_record")
        existing = known.in_bulk(list(self.pending), field_name="import_key")
        new = [(item, label) for key, (item, label) in self.pending.items() if key not in existing]
        for key, (item, label) in self.pending.items():
            if key in existing:
                self._update(existing[key], item, label)
        self._create(new)
        self.pending = {}

    def _create(self, new: list[tuple[ImportedArticle, str]]) -> None:
        rows = [self._new_article(item) for item, _ in new]
        articles = services.article_bulk_create(acting_user=self.acting_user, new=rows)
        insert_rows(
            ImportRecord,
            [
                _provenance(article, item, self.format_name)
                for article, (item, _) in zip(articles, new, strict=True)
            ],
        )
        self.report.created.extend(label for _, label in new)

    def _new_article(self, item: ImportedArticle) -> services.NewArticle:
        section_name = self.options.section or item.section
        fields = _article_fields(item, self.options)
        fields["section"] = self.names.section(section_name) if section_name else None
        return services.NewArticle(
            fields=fields,
            tags=[self.names.tag(name) for name in item.tags],
            authors=[
                self.names.author(name)
                for name in ([self.options.author] if self.options.author else item.authors)
            ],
        )

    def _update(self, article: Article, item: ImportedArticle, label: str) -> None:
        if _edited_since_import(article):
            self.report.skipped.append((label, EDITED))
            return
        fields = _article_fields(item, self.options)
        # Compared with what is stored, so sanitised as the service would store it (only here:
        # nh3 costs ~0.4 ms for a 5 KB body, and new articles are sanitised by the service).
        fields["body"] = sanitise_html(fields["body"])
        if not self.options.status or self.options.keep_status:
            # Editors may have published, unpublished or scheduled it since: their call stands.
            fields.pop("status")
        if all(getattr(article, name) == fields[name] for name in _COMPARED if name in fields):
            self.report.skipped.append((label, UNCHANGED))
            return
        fields.pop("import_key")
        services.article_update(article=article, acting_user=self.acting_user, **fields)
        ImportRecord.objects.filter(article=article).delete()
        ImportRecord(**_provenance(article, item, self.format_name)).save()
        self.report.updated.append(label)


class _Names:
    """Sections, tags and authors by name, each looked up or created once per run."""

    def __init__(self, acting_user: Any) -> None:
        self.acting_user = acting_user
        self.cache: dict[tuple[str, str], object] = {}

    def _get(self, kind: str, name: str, create):
        key = (kind, name.strip().lower())
        if key not in self.cache:
            self.cache[key] = create(name=name, acting_user=self.acting_user)
        return self.cache[key]

    def section(self, name: str):
        return self._get("section", name, services.section_get_or_create)

    def tag(self, name: str):
        return self._get("tag", name, services.tag_get_or_create)

    def author(self, name: str):
        return self._get("author", name, services.author_get_or_create)


def _edited_since_import(article: Article) -> bool:
    record = getattr(article, "import_record", None)
    return record is not None and article.updated > record.imported_at


def _article_fields(item: ImportedArticle, options: ImportOptions) -> dict:
    status = options.status or item.status or Article.Status.PUBLISHED
    if item.pub_date is None:
        status = Article.Status.DRAFT  # never invent a publication date
    # "Published" tomorrow is scheduled: stored so (as the services would), and so compared
    # on the next run without looking like a change.
    status = publishing.stored_status(status, item.pub_date)
    fields = {
        "headline": item.headline,
        "standfirst": item.standfirst,
        "body": item.body_html,
        "pub_date": item.pub_date,
        # What readers are told of its last change: the source's own, else its publication;
        # never the moment of the import (services.article_update stamps editors' saves).
        "modified": last_change(item.pub_date, item.modified),
        "status": status,
        "source_name": item.source_name or options.source_name,
        "source_url": item.source_url,
        "canonical_url": item.canonical_url,
        "import_key": item.source_key,
    }
    # BCP 47's casing ("en-gb" -> "en-GB", "zh-hans" -> "zh-Hans"): the tag a site language
    # is written with, so that the API and the desk show one spelling of each.
    return fields | ({"language": canonical_tag(item.language)} if item.language else {})


def last_change(pub_date: dt.datetime | None, modified: dt.datetime | None) -> dt.datetime | None:
    """The later of the two dates the source gives (a modified date before the publication
    date is a source's slip)."""
    return max(filter(None, (pub_date, modified)), default=None)


def _provenance(article: Article, item: ImportedArticle, format_name: str) -> dict[str, Any]:
    """The article's ImportRecord, by field."""
    return {
        "article_id": article.pk,
        "format": format_name,
        "origin": item.origin[:1000],
        "where": item.where[:300],
        "original": item.original,
        "lead_image_url": item.lead_image_url[:1000],
        "lead_image_alt": item.lead_image_alt[:300],
        "notes": item.notes,
    }


def _validation_message(exc: ValidationError | IntegrityError) -> str:
    if isinstance(exc, IntegrityError):
        return f"the database refused the article ({exc}); nothing from this file was saved"
    if hasattr(exc, "message_dict"):
        fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return f"{fields}; nothing from this file was saved"
    return " ".join(exc.messages)


def as_json(report: ImportReport) -> dict:
    """The ``--dry-run --json`` shape: articles as they would be saved, and the errors."""
    return {
        "articles": [_item_json(item) for item in report.articles],
        "created": report.created,
        "updated": report.updated,
        "skipped": [{"item": item, "reason": reason} for item, reason in report.skipped],
        "notes": [{"item": item, "note": note} for item, note in report.notes],
        "errors": [{"item": item, "message": message} for item, message in report.failed],
    }


def _item_json(item: ImportedArticle) -> dict:
    data = dataclasses.asdict(item)
    data["pub_date"] = item.pub_date.isoformat() if item.pub_date else None
    data["modified"] = item.modified.isoformat() if item.modified else None
    data.pop("original")  # the whole source again: too much for a preview
    return data
