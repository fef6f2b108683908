"""The admin's Import page: paste or upload, preview every article, fix, confirm.

The input is parsed twice, once for the preview and again on confirmation, with the
editor's corrections applied; in between it waits in a file under the data folder whose
name only this session knows.
"""

from __future__ import annotations

import dataclasses
import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from newscenter.importers import formats
from newscenter.importers.images import lead_images_fetch
from newscenter.importers.parsers.base import ImportParseError
from newscenter.importers.run import ImportOptions, Source, import_items, import_sources, parser_for

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
SESSION_KEY = "newscenter-imports"
STATUSES = [("", "As in the source (published when dated)"), ("draft", "Draft"),
            ("published", "Published")]  # fmt: skip


class ImportSettingsForm(forms.Form):
    format = forms.ChoiceField(choices=[])
    section = forms.CharField(required=False, help_text="Put every article in this section.")
    status = forms.ChoiceField(choices=STATUSES, required=False)
    fetch_images = forms.BooleanField(
        label="Fetch lead images",
        required=False,
        help_text="Download the images that items name (featured images, og:image).",
    )
    anyway = forms.BooleanField(
        label="Import anyway",
        required=False,
        help_text="Also take pasted pages the importer doubts are articles (a listing, a FAQ); "
        "each is marked with the reason it doubted.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [("auto", "Recognise it"), *_format_choices()]  # type: ignore[attr-defined]

    def options(self, *, dry_run: bool) -> ImportOptions:
        return ImportOptions(
            format=self.cleaned_data["format"],
            status=self.cleaned_data["status"],
            section=self.cleaned_data["section"],
            dry_run=dry_run,
            force=self.cleaned_data["anyway"],
        )


class ImportForm(ImportSettingsForm):
    text = forms.CharField(
        label="Paste", required=False, widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text="The text of a web page, or HTML, Markdown, a feed or a WordPress export.",
    )  # fmt: skip
    upload = forms.FileField(label="or upload a file", required=False)
    field_order = ("text", "upload", "format", "section", "status", "fetch_images", "anyway")

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


class ReviewForm(forms.Form):
    """One previewed article: what the editor may correct before saving."""

    headline = forms.CharField(max_length=300)
    pub_date = forms.DateTimeField(
        label="Publication date", required=False, help_text="Empty saves it as a draft."
    )


ReviewFormSet = forms.formset_factory(ReviewForm, extra=0)


UNSURE_BELOW = 0.6  # the importer's confidence under which the preview asks the editor to check


def _items(articles, reviews, *, strict: bool) -> list[tuple]:
    """(article, its review form, the fields the importer was unsure of) for the preview."""
    return [
        (article, review, _unsure(article))
        for article, review in zip(articles, reviews, strict=strict)
    ]


def _unsure(article) -> list[tuple[str, float]]:
    confidence = getattr(article, "confidence", {}) or {}
    return [(name, value) for name, value in confidence.items() if value < UNSURE_BELOW]


def _format_choices():
    return [(name, name) for name in sorted(formats())]


def import_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(model_admin, request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _preview(model_admin, request, form)
    return _render(model_admin, request, {"form": form})


def _preview(model_admin, request, form: ImportForm):
    source = form.source()
    report = import_sources([source], options=form.options(dry_run=True), acting_user=request.user)
    token = _keep(request, source)
    reviews = ReviewFormSet(
        initial=[{"headline": a.headline, "pub_date": a.pub_date} for a in report.articles]
    )
    context = {"form": form, "report": report, "token": token, "reviews": reviews,
               "items": _items(report.articles, reviews, strict=True),
               "refused": any("not an article" in m for _, m in report.failed)}  # fmt: skip
    return _render(model_admin, request, context)


def _confirm(model_admin, request):
    form = ImportSettingsForm(request.POST)
    source = _kept(request, request.POST.get("token", ""))
    if source is None or not form.is_valid():
        messages.error(request, "This import has expired: please start again.")
        return redirect("admin:news_article_import")
    reviews = ReviewFormSet(request.POST)
    articles = import_sources(
        [source], options=form.options(dry_run=True), acting_user=request.user
    ).articles
    if not reviews.is_valid() or len(reviews.forms) != len(articles):
        context = {"form": form, "token": request.POST["token"], "reviews": reviews,
                   "items": _items(articles, reviews, strict=False)}  # fmt: skip
        return _render(model_admin, request, context)
    return _save(model_admin, request, form, source, articles, reviews)


def _save(model_admin, request, form, source, articles, reviews):
    corrected = [
        dataclasses.replace(article, **review.cleaned_data)
        for article, review in zip(articles, reviews.forms, strict=True)
    ]
    try:
        format_name = parser_for(source, form.cleaned_data["format"]).name
    except ImportParseError as exc:
        messages.error(request, str(exc))
        return redirect("admin:news_article_import")
    report = import_items(
        corrected, source=source, format_name=format_name,
        options=form.options(dry_run=False), acting_user=request.user,
    )  # fmt: skip
    _forget(request, request.POST["token"])
    _announce(request, report)
    if report.ok and form.cleaned_data["fetch_images"]:
        _announce_images(request, lead_images_fetch(acting_user=request.user))
    return redirect("admin:news_article_changelist")


def _announce(request, report) -> None:
    for item, message in report.failed:
        messages.error(request, f"{item}: {message}")
    if report.ok:
        messages.success(
            request,
            f"Imported: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.skipped)} skipped.",
        )


def _announce_images(request, images) -> None:
    for url, message in images.failed:
        messages.warning(request, f"Lead image not fetched: {url}: {message}")
    if images.fetched:
        messages.success(request, f"Fetched {len(images.fetched)} lead image(s).")


def _render(model_admin, request, context):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import articles",
        **context,
    }
    return TemplateResponse(request, "admin/news/article/import.html", context)


# --- the input between preview and confirmation -------------------------------------------


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _keep(request, source: Source) -> str:
    token = secrets.token_hex(16)
    (_folder() / token).write_bytes(source.data or b"")
    (_folder() / f"{token}.name").write_text(source.name)
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-9:], token]
    return token


def _kept(request, token: str) -> Source | None:
    # Only tokens this session was given: never a path the browser chose.
    if token not in request.session.get(SESSION_KEY, []):
        return None
    data, name = _folder() / token, _folder() / f"{token}.name"
    if not data.exists():
        return None
    return Source(name=name.read_text(), data=data.read_bytes())


def _forget(request, token: str) -> None:
    for path in (_folder() / token, _folder() / f"{token}.name"):
        path.unlink(missing_ok=True)
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != token]
