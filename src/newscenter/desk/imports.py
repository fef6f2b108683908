"""The desk's Import page: paste or upload, preview every article, correct, confirm.

The input is parsed twice, once for the preview and again on confirmation, with the
editor's corrections applied. In between it waits in the person's own folder under the data
folder, with the settings chosen for it, under a name only this session knows: one waiting
input per person (a new preview deletes the last), none older than an hour, none at all when
the preview found nothing to import. The confirmation posts that name and the corrections
only (static/desk/imports.js leaves unchanged fields out), so an import of thousands of items
stays a small request. New articles are drafts unless the person asks, and may ask, otherwise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
import shutil
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import TooManyFieldsSent, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from newscenter.importers import formats
from newscenter.importers.parsers.base import ImportedArticle, ImportParseError
from newscenter.importers.run import (
    ImportOptions,
    Source,
    import_items,
    import_sources,
    parser_for,
    planned_status,
)
from newscenter.importers.tasks import import_run_images
from newscenter.news import policy
from newscenter.news.models import Article, Author, ImportRun, Section
from newscenter.news.policy import PolicyDenied
from newscenter.news.services import desk

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
KEPT_FOR = 60 * 60  # seconds an input waits for its confirmation
SESSION_KEY = "newscenter-imports"
BODIES_SHOWN = 50  # a long preview shows the first bodies; headlines and dates of all
DRAFT, SOURCE, PUBLISHED = "draft", "source", "published"
# What ImportOptions.status takes for each choice.
STATUS_OPTION = {DRAFT: "draft", SOURCE: "", PUBLISHED: "published"}


def status_choices(user) -> list[tuple[str, str]]:
    """The choices of what new articles become, as far as the person's role allows."""
    choices = [(DRAFT, "Drafts: nothing goes live (you publish each one later)")]
    if policy.can(user, "article.publish") and policy.can(user, "article.schedule"):
        choices += [
            (
                SOURCE,
                "As in the source: dated items go live at their date, undated ones are drafts",
            ),
            (PUBLISHED, "Published: every dated item goes live at its date"),
        ]
    return choices


class ImportSettingsForm(forms.Form):
    format = forms.ChoiceField(choices=[])
    status = forms.ChoiceField(label="New articles become", choices=[], initial=DRAFT)
    section = forms.ChoiceField(label="Section", choices=[], required=False)
    author = forms.ChoiceField(label="Author", choices=[], required=False)
    source_name = forms.CharField(
        label="Source name",
        required=False,
        max_length=200,
        help_text="Shown as “Source:” on items that name no source of their own.",
    )
    fetch_images = forms.BooleanField(
        label="Fetch lead images",
        required=False,
        help_text="Download the images that items name (featured images, og:image) after the "
        "import, in the background; the import's page reports how it went.",
    )
    anyway = forms.BooleanField(
        label="Import anyway",
        required=False,
        help_text="Also take pasted pages the importer doubts are articles (a listing, a FAQ); "
        "each is marked with the reason it doubted.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [("auto", "Recognise it"), *_format_choices()]  # type: ignore[attr-defined]
        self.fields["status"].choices = status_choices(user)  # type: ignore[attr-defined]
        self.fields["section"].choices = [  # type: ignore[attr-defined]
            ("", "As in the source"),
            *((s.name, s.name) for s in Section.objects.order_by("name")),
        ]
        self.fields["author"].choices = [  # type: ignore[attr-defined]
            ("", "As in the source"),
            *((a.name, a.name) for a in Author.objects.order_by("name")),
        ]
        if not policy.can(user, "image.upload"):
            del self.fields["fetch_images"]

    def options(self, *, dry_run: bool) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            format=data["format"],
            status=STATUS_OPTION[data["status"]],
            section=data["section"],
            author=data["author"],
            source_name=data["source_name"].strip(),
            force=bool(data.get("anyway")),
            dry_run=dry_run,
        )

    def kept(self) -> dict:
        """The settings, as the confirmation reads them back (never the input itself)."""
        names = ImportSettingsForm.base_fields
        return {name: self.cleaned_data[name] for name in names if name in self.fields}


class ImportForm(ImportSettingsForm):
    text = forms.CharField(
        label="Paste", required=False, widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text="The text of a web page, or HTML, Markdown, a feed or a WordPress export.",
    )  # fmt: skip
    upload = forms.FileField(label="or upload a file", required=False)
    field_order = ("text", "upload", "format", "status", "section", "author", "source_name",
                   "fetch_images", "anyway")  # fmt: skip

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // 2**20} MB: "
                "use `newscenter import` on the server."
            )
        return upload

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("upload") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Paste some text or choose a file.")
        return data

    def source(self) -> Source:
        upload = self.cleaned_data["upload"]
        if upload:
            return Source(name=Path(upload.name).name, data=upload.read())
        return Source(name="pasted text", data=self.cleaned_data["text"].encode())


def _format_choices():
    return [(name, name) for name in sorted(formats())]


# --- the views -------------------------------------------------------------------------------


def import_view(model_admin, request):
    _sweep()
    if not model_admin.has_add_permission(request):
        return _refused(model_admin, request, policy.POLICY["article.create"].does)
    try:
        confirming = request.method == "POST" and "confirm" in request.POST
    except TooManyFieldsSent:
        messages.error(
            request,
            "The browser sent every field of the preview instead of the corrections only "
            "(is JavaScript off?). Please preview again with JavaScript on, or use "
            "`newscenter import` on the server.",
        )
        return redirect("admin:news_article_import")
    if confirming:
        return _confirm(model_admin, request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        return _preview(model_admin, request, form)
    status = 400 if request.method == "POST" else 200
    return _render(model_admin, request, {"form": form}, status=status)


def run_view(model_admin, request, run_id: int):
    """One desk import's report: what it made, what failed, how its lead images went."""
    run = get_object_or_404(ImportRun, pk=run_id)
    if not (run.user_id == request.user.pk or policy.can(request.user, "article.publish")):
        return _refused(model_admin, request, "see other people's imports")
    context = {"run": run, "title": f"Import of {run.source_name}"}
    return _render(model_admin, request, context, template="import_run.html")


def _refused(model_admin, request, what: str):
    role = policy.role_of(request.user)
    who = f"a {role.name.lower()}" if role else "an account without a newsroom role"
    context = {"refusal": f"You cannot {what} here: {who} may not."}
    return _render(model_admin, request, context, status=403)


def _preview(model_admin, request, form: ImportForm):
    source = form.source()
    _forget_all(request)  # the next preview replaces the last one
    report = import_sources([source], options=form.options(dry_run=True), acting_user=request.user)
    if not report.articles:
        # Nothing to confirm: the input is not kept.
        for item, message in report.failed:
            messages.error(request, f"{item}: {message}")
        if not report.failed:
            messages.warning(request, "Nothing to import was found in this input.")
        refused = any("not an article" in m for _, m in report.failed)
        return _render(model_admin, request, {"form": form, "refused": refused}, status=400)
    token = _keep(request, source, form.kept())
    context = _preview_context(form, report.articles, token=token, report=report)
    return _render(model_admin, request, context)


def _confirm(model_admin, request):
    token = request.POST.get("token", "")
    kept = _kept(request, token)
    if kept is None:
        messages.error(
            request, "This import has expired (previews wait for an hour): please preview it again."
        )
        return redirect("admin:news_article_import")
    source, chosen = kept
    form = ImportSettingsForm(chosen, user=request.user)
    if not form.is_valid():  # the role changed since the preview, say
        problems = "; ".join(
            f"{form.fields[n].label}: {' '.join(str(m) for m in e)}" for n, e in form.errors.items()
        )
        messages.error(request, f"These settings are no longer possible: {problems}")
        return redirect("admin:news_article_import")
    articles = import_sources(
        [source], options=form.options(dry_run=True), acting_user=request.user
    ).articles
    corrected, errors = _corrections(request.POST, articles)
    if errors:
        context = _preview_context(form, articles, token=token, errors=errors, typed=request.POST)
        return _render(model_admin, request, context, status=400)
    return _save(model_admin, request, form, source, corrected, token)


def _save(model_admin, request, form, source, articles, token):
    try:
        format_name = parser_for(source, form.cleaned_data["format"]).name
    except ImportParseError as exc:
        messages.error(request, str(exc))
        return redirect("admin:news_article_import")
    try:
        report = import_items(
            articles, source=source, format_name=format_name,
            options=form.options(dry_run=False), acting_user=request.user,
        )  # fmt: skip
    except PolicyDenied as exc:
        messages.error(request, f"Not imported: {exc}.")
        return redirect("admin:news_article_import")
    for item, message in report.failed:
        messages.error(request, f"{item}: {message}")
    if not report.ok:
        return redirect("admin:news_article_import")
    _forget(request, token)
    keys = [a.source_key for a in articles if a.source_key]
    made = Article.objects.filter(import_key__in=keys).values_list("pk", flat=True)
    fetch = bool(form.cleaned_data.get("fetch_images"))
    run = desk.import_run_record(
        acting_user=request.user, source_name=source.name, format_name=format_name,
        created=report.created, updated=report.updated, skipped=report.skipped,
        failed=report.failed, articles=made, fetch_images=fetch,
    )  # fmt: skip
    if fetch:
        transaction.on_commit(lambda: import_run_images.enqueue(run.pk))
    messages.success(
        request,
        f"Imported: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.skipped)} skipped.",
    )
    return redirect(reverse("admin:news_article_import_run", args=[run.pk]))


# --- preview and corrections -----------------------------------------------------------------


def _corrections(data, articles: list[ImportedArticle]):
    """The articles with the corrections posted (``headline-N``, ``pub_date-N``; a field left
    out is unchanged), and the errors by item number."""
    errors: dict[int, list[str]] = {}
    corrected = []
    date_field = forms.DateTimeField(required=False)
    for number, article in enumerate(articles):
        changes = {}
        if f"headline-{number}" in data:
            headline = data[f"headline-{number}"].strip()
            if not headline:
                errors.setdefault(number, []).append("The headline cannot be empty.")
            elif len(headline) > 300:
                errors.setdefault(number, []).append("The headline is longer than 300 characters.")
            else:
                changes["headline"] = headline
        if f"pub_date-{number}" in data:
            try:
                changes["pub_date"] = date_field.clean(data[f"pub_date-{number}"])
            except ValidationError:
                errors.setdefault(number, []).append(
                    f"“{data[f'pub_date-{number}']}” is not a date and time: "
                    "write it as 2026-03-02 09:30, or leave it empty for a draft."
                )
        corrected.append(dataclasses.replace(article, **changes) if changes else article)
    return corrected, errors


def _preview_context(form, articles, *, token, report=None, errors=None, typed=None) -> dict:
    options = form.options(dry_run=True)
    zone = timezone.get_current_timezone_name()
    rows, counts = [], {"draft": 0, "scheduled": 0, "published": 0}
    for number, article in enumerate(articles):
        status = planned_status(article, options)
        counts[status] = counts.get(status, 0) + 1
        rows.append({
            "number": number,
            "article": article,
            "headline": (typed or {}).get(f"headline-{number}", article.headline),
            "pub_date": (typed or {}).get(f"pub_date-{number}", _local_input(article.pub_date)),
            "pub_date_initial": _local_input(article.pub_date),
            "will_be": _will_be(status, article.pub_date, zone),
            "status": status,
            "errors": (errors or {}).get(number, []),
            "show_body": number < BODIES_SHOWN,
            "unsure": _unsure(article),
        })  # fmt: skip
    return {
        "token": token,
        "rows": rows,
        "counts": counts,
        "total": len(rows),
        "zone": zone,
        "settings": form,
        "status_label": dict(form.fields["status"].choices)[form.cleaned_data["status"]],
        "report": report,
        "has_errors": bool(errors),
        "bodies_shown": BODIES_SHOWN,
    }


UNSURE_BELOW = 0.6  # the importer's confidence under which the preview asks the editor to check


def _unsure(article) -> list[tuple[str, float]]:
    """The fields the importer was unsure of, with its confidence, for the editor to check."""
    confidence = getattr(article, "confidence", {}) or {}
    return [(name, value) for name, value in confidence.items() if value < UNSURE_BELOW]


def _local_input(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _will_be(status: str, pub_date: dt.datetime | None, zone: str) -> str:
    if status == "scheduled" and pub_date is not None:
        return (
            f"Scheduled: goes public on {timezone.localtime(pub_date):%Y-%m-%d at %H:%M} ({zone})"
        )
    if status == "published":
        return "Published: public as soon as you import"
    return "Draft: not public"


def _render(model_admin, request, context, *, status=200, template="import.html"):
    recent = ImportRun.objects.select_related("user")
    if not policy.can(request.user, "article.publish"):
        recent = recent.filter(user=request.user)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import articles",
        "recent": recent[:10],
        **context,
    }
    return TemplateResponse(request, f"admin/news/article/{template}", context, status=status)


# --- the input between preview and confirmation ----------------------------------------------


def _root() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _folder(request) -> Path:
    folder = _root() / f"user-{int(request.user.pk)}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _sweep() -> None:
    """Inputs waiting for longer than an hour are deleted (whoever left them)."""
    limit = time.time() - KEPT_FOR
    for path in _root().glob("*/*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
    for path in _root().iterdir():  # the earlier layout's files, before folders per user
        if path.is_file():
            path.unlink(missing_ok=True)


def _keep(request, source: Source, chosen: dict) -> str:
    token = secrets.token_hex(16)
    folder = _folder(request)
    (folder / token).write_bytes(source.data or b"")
    (folder / f"{token}.json").write_text(json.dumps({"name": source.name, "settings": chosen}))
    request.session[SESSION_KEY] = [token]
    return token


def _kept(request, token: str) -> tuple[Source, dict] | None:
    # Only tokens this session was given: never a path the browser chose.
    if not token or token not in request.session.get(SESSION_KEY, []):
        return None
    data, about = _folder(request) / token, _folder(request) / f"{token}.json"
    if not data.exists() or not about.exists():
        return None
    kept = json.loads(about.read_text())
    return Source(name=kept["name"], data=data.read_bytes()), kept["settings"]


def _forget(request, token: str) -> None:
    folder = _folder(request)
    for path in (folder / token, folder / f"{token}.json"):
        path.unlink(missing_ok=True)
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != token]


def _forget_all(request) -> None:
    shutil.rmtree(_folder(request), ignore_errors=True)
    request.session[SESSION_KEY] = []
