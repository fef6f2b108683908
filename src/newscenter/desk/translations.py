"""The desk's translation pages: the matrix of articles x languages, "translate", the word
diff of a source since the revision a translation follows, "mark as current", and XLIFF 2.0
files out to translators and back."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header

from newscenter.desk.diff import FieldDiff, body_text, word_diff
from newscenter.desk.revisions import article_for_admin
from newscenter.news import languages, machine, policy, translations
from newscenter.news.languages import site_languages
from newscenter.news.revisions import LABELS, TEXT_FIELDS
from newscenter.news.services import (
    translation_create,
    translation_export_xliff,
    translation_export_xliff_batch,
    translation_import_xliff,
    translation_import_xliff_batch,
    translation_machine_draft,
    translation_mark_current,
)
from newscenter.news.translations import Status
from newscenter.news.xliff import BATCH_BYTES, MAX_BYTES, is_zip

MATRIX_ROWS = 200  # the newest originals the matrix reads; filters apply within them


def urls(model_admin) -> list:
    """URL patterns added to ArticleAdmin's own."""

    def view(function):
        return model_admin.admin_site.admin_view(
            lambda request, *args, **kwargs: function(model_admin, request, *args, **kwargs)
        )

    return [
        path("translations/", view(matrix_view), name="news_article_translations"),
        path(
            "<path:object_id>/translate/<str:language>/",
            view(translate_view),
            name="news_article_translate",
        ),
        path(
            "<path:object_id>/translation/changes/",
            view(source_changes_view),
            name="news_article_source_changes",
        ),
        path("translations/xliff/", view(xliff_import_view), name="news_article_xliff_import"),
        path(
            "translations/xliff/<str:language>/",
            view(xliff_batch_view),
            name="news_article_xliff_batch",
        ),
        path(
            "<path:object_id>/machine/<str:language>/",
            view(machine_draft_view),
            name="news_article_machine_draft",
        ),
        path(
            "<path:object_id>/xliff/<str:language>/",
            view(xliff_export_view),
            name="news_article_xliff",
        ),
        path(
            "<path:object_id>/translation/current/",
            view(mark_current_view),
            name="news_article_translation_current",
        ),
    ]


def matrix_view(model_admin, request):
    """Every original article against the site's languages, each cell with its status;
    ``?status=outdated`` or ``?status=missing`` keeps the rows that have one."""
    wanted = request.GET.get("status", "")
    statuses = {s.value for s in Status}
    if wanted and wanted not in statuses:
        messages.error(request, f"No status “{wanted}”: choose {', '.join(sorted(statuses))}.")
        wanted = ""
    rows = _rows(wanted)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Translations",
        "languages": site_languages().all,
        "rows": rows,
        "status": wanted,
        "statuses": [(s.value, s.label) for s in Status],
        "can_translate": policy.can(request.user, "article.create"),
        "machine": machine.configured(),
        "limit": MATRIX_ROWS,
    }
    return TemplateResponse(request, "admin/news/article/translations.html", context)


def _rows(wanted: str) -> list[translations.Row]:
    originals = translations.originals().order_by("-created", "-id")[:MATRIX_ROWS]
    rows = translations.matrix(list(originals))
    return [row for row in rows if row.has(Status(wanted))] if wanted else rows


BATCH_STATUSES = (Status.MISSING, Status.OUTDATED)


def xliff_batch_view(model_admin, request, language: str):
    """A zip of XLIFF files for ``language``: the articles the matrix shows (with its status
    filter) whose translation there is missing or outdated, one file each."""
    wanted = request.GET.get("status", "")
    if wanted not in {s.value for s in Status}:
        wanted = ""
    code = languages.url_code(language)
    sources = [
        row.article
        for row in _rows(wanted)
        for cell in row.cells
        if languages.url_code(cell.language) == code and cell.status in BATCH_STATUSES
    ]
    data = lambda: translation_export_xliff_batch(sources=sources, language=language)  # noqa: E731
    return _download(
        request, data, ("No XLIFF files", "application/zip", f"translations.{code}.zip")
    )


def translate_view(model_admin, request, object_id: str, language: str):
    """POST: a draft in ``language`` prefilled from the article, opened for editing."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    source = article_for_admin(model_admin, request, object_id)
    try:
        draft = translation_create(acting_user=request.user, source=source, language=language)
    except policy.PolicyDenied as exc:
        messages.error(request, f"Not translated: {exc}.")
        return redirect("admin:news_article_translations")
    except ValidationError as exc:
        messages.error(request, f"Not translated: {' '.join(exc.messages)}")
        return redirect("admin:news_article_translations")
    messages.success(
        request, f"A {draft.language} draft was made from “{source.headline}”: translate it here."
    )
    return redirect("admin:news_article_change", draft.pk)


def machine_draft_view(model_admin, request, object_id: str, language: str):
    """POST: a draft in ``language`` from the machine translation service, opened to check."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    source = article_for_admin(model_admin, request, object_id)
    try:
        draft = translation_machine_draft(
            acting_user=request.user, source=source, language=language
        )
    except policy.PolicyDenied as exc:
        messages.error(request, f"No machine draft: {exc}.")
    except ValidationError as exc:
        messages.error(request, f"No machine draft: {' '.join(exc.messages)}")
    else:
        messages.success(request, f"A machine-translated {draft.language} draft: check it here.")
        return redirect("admin:news_article_change", draft.pk)
    return redirect("admin:news_article_translations")


def source_changes_view(model_admin, request, object_id: str):
    """What changed in the source's text since the revision the translation follows."""
    article = article_for_admin(model_admin, request, object_id)
    source = article.translated_from
    if source is None:
        messages.error(request, "This article is not a translation of another.")
        return redirect("admin:news_article_change", article.pk)
    revision = translations.translated_revision(article)
    old = revision.content if revision is not None else {}
    diffs = [
        _field_diff(name, str(old.get(name) or ""), str(getattr(source, name) or ""))
        for name in TEXT_FIELDS
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": article,
        "source": source,
        "revision": revision,
        "latest": translations.latest_revision_number(source),
        "diffs": [diff for diff in diffs if diff.old != diff.new],
        "status": translations.status(article),
        "can_mark": policy.can(request.user, "article.edit", article=article),
        "title": f"Changes to the source since revision {article.translated_from_revision}",
    }
    return TemplateResponse(request, "admin/news/article/translation_changes.html", context)


def mark_current_view(model_admin, request, object_id: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = article_for_admin(model_admin, request, object_id)
    try:
        translation_mark_current(acting_user=request.user, translation=article)
    except policy.PolicyDenied as exc:
        messages.error(request, f"Not marked: {exc}.")
    except ValidationError as exc:
        messages.error(request, f"Not marked: {' '.join(exc.messages)}")
    else:
        messages.success(request, "Marked as following the source's latest revision.")
    return redirect(reverse("admin:news_article_change", args=[article.pk]))


def xliff_export_view(model_admin, request, object_id: str, language: str):
    """The article as an XLIFF 2.0 file to translate into ``language``, as a download."""
    source = article_for_admin(model_admin, request, object_id)
    name = f"{source.slug or source.pk}.{languages.url_code(language)}.xlf"
    data = lambda: translation_export_xliff(source=source, language=language)  # noqa: E731
    return _download(request, data, ("No XLIFF file", "application/xliff+xml", name))


def _download(request, make, file: tuple[str, str, str]):
    """What ``make()`` gives as a file to download, ``file`` being (what its refusal is
    called, its content type, its name); a refusal as a message on the matrix."""
    refusal, content_type, name = file
    try:
        data = make()
    except ValidationError as exc:
        messages.error(request, f"{refusal}: {' '.join(exc.messages)}")
        return redirect("admin:news_article_translations")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


def xliff_import_view(model_admin, request):
    """POST a translated XLIFF file, or a zip of them: each becomes its translation, one
    shown for review, several listed on the matrix."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose the translated .xlf file (or .zip) to import.")
        return redirect("admin:news_article_translations")
    head = upload.read(4)
    upload.seek(0)
    limit = BATCH_BYTES if is_zip(head) else MAX_BYTES
    if upload.size > limit:
        messages.error(request, f"Not imported: the file is larger than {limit // 10**6} MB.")
        return redirect("admin:news_article_translations")
    data = upload.read()
    try:
        if is_zip(data):
            done = translation_import_xliff_batch(acting_user=request.user, data=data)
        else:
            done = [translation_import_xliff(acting_user=request.user, data=data)]
    except policy.PolicyDenied as exc:
        messages.error(request, f"Not imported: {exc}.")
    except ValidationError as exc:
        messages.error(request, f"Not imported: {' '.join(exc.messages)}")
    else:
        if len(done) == 1:
            translation = done[0]
            messages.success(
                request, f"“{translation.headline}” ({translation.language}) holds the translation."
            )
            return redirect("admin:news_article_change", translation.pk)
        names = "; ".join(f"“{t.headline}” ({t.language})" for t in done)
        messages.success(request, f"{len(done)} translations imported: {names}.")
    return redirect("admin:news_article_translations")


def _field_diff(name: str, old: str, new: str) -> FieldDiff:
    def plain(text: str) -> str:
        return body_text(text) if name == "body" else text

    return FieldDiff(name, LABELS[name], old, new, word_diff(plain(old), plain(new)))
