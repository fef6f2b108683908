"""Attached files (PDF, Word, Excel, PowerPoint): checked by their bytes before they are stored,
linked with their kind and size, replaced at the same address."""

import io
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from newscenter.desk.attachments import CHOOSE
from newscenter.news.models import Attachment, AuditEntry
from newscenter.news.policy import SYSTEM, PolicyDenied
from newscenter.news.services import attachments
from tests.builders import make_article, make_user
from tests.conftest import https_client

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 3000 + b"\n%%EOF\n"
ATTACH = "/admin/news/image/attach/"


def pdf(name="Annual_report 2026.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_a_pdf_is_stored_under_a_name_of_ours_and_audited():
    editor = make_user(role="contributor")
    attachment = attachments.attachment_create(upload=pdf(), acting_user=editor)
    assert attachment.title == "Annual report 2026"
    assert attachment.size == len(PDF)
    assert attachment.uploaded_by == editor
    assert attachment.file.name.startswith("files/")
    assert attachment.file.name.endswith(".pdf")
    assert "Annual" not in attachment.file.name
    assert attachment.file.read() == PDF
    assert AuditEntry.objects.filter(action="attachment.create", actor=editor).exists()


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (pdf(data=b"<html><script>alert(1)</script></html>"), "not a PDF"),
        (pdf(name="x.pdf", data=b""), "the file is empty"),
        (SimpleUploadedFile("big.pdf", PDF, content_type="application/pdf"), "at most"),
    ],
)
def test_what_is_not_a_pdf_or_too_big_is_refused_and_nothing_kept(upload, reason, monkeypatch):
    if reason == "at most":
        monkeypatch.setattr(attachments, "MAX_BYTES", 100)
    with pytest.raises(attachments.AttachmentRejected, match=reason):
        attachments.attachment_create(upload=upload, acting_user=SYSTEM)
    assert not Attachment.objects.exists()


def test_the_desk_uploads_for_the_editor_and_names_refusals(role_client):
    client = role_client("contributor")
    done = client.post(ATTACH, {"upload": pdf(), "title": "Annual report"})
    assert done.status_code == 201
    attachment = Attachment.objects.get()
    assert done.json() == {"url": attachment.file.url, "title": "Annual report", "size": "3 KB"}
    refused = client.post(ATTACH, {"upload": pdf(data=b"GIF89a")})
    assert refused.status_code == 400
    assert refused.json()["error"].startswith("Not a PDF")
    assert client.post(ATTACH, {}).json() == {"error": CHOOSE}
    assert client.get(ATTACH).status_code == 405


def test_the_page_says_the_kind_and_size_and_the_file_downloads_sandboxed():
    attachment = attachments.attachment_create(upload=pdf(), title="Report", acting_user=SYSTEM)
    article = make_article(
        body=f'<p>Read <a href="{attachment.file.url}">the annual report</a> and '
        '<a href="/media/files/unknown.pdf">another</a>.</p>'
    )
    page = BeautifulSoup(https_client().get(article.get_absolute_url()).content, "html.parser")
    link = page.select_one(f'.body a[href="{attachment.file.url}"]')
    assert link.get_text() == "the annual report (PDF, 3 KB)"
    assert link["type"] == "application/pdf"
    assert page.select_one('.body a[href="/media/files/unknown.pdf"]').get_text() == "another"
    served = https_client().get(attachment.file.url)
    assert served.status_code == 200
    assert served["Content-Disposition"] == "attachment"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_deleting_an_attachment_takes_its_file_after_commit(django_capture_on_commit_callbacks):
    attachment = attachments.attachment_create(upload=pdf(), acting_user=SYSTEM)
    storage, name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        attachments.attachment_delete(attachment=attachment, acting_user=SYSTEM)
    assert not Attachment.objects.exists()
    assert not storage.exists(name)


def test_the_desk_lists_files_and_deletes_one_no_body_links(role_client):
    kept = attachments.attachment_create(upload=pdf(), title="Linked", acting_user=SYSTEM)
    loose = attachments.attachment_create(upload=pdf(), title="Loose", acting_user=SYSTEM)
    make_article(headline="Results", body=f'<p><a href="{kept.file.url}">Report</a></p>')
    editor = role_client("editor")
    listing = BeautifulSoup(editor.get("/admin/news/attachment/").content, "html.parser")
    rows = [row.get_text(" ", strip=True) for row in listing.select("#result_list tbody tr")]
    assert len(rows) == 2
    assert "Loose" in rows[0]
    assert "3 KB" in rows[0]

    refused = editor.get(f"/admin/news/attachment/{kept.pk}/delete/")
    assert "Article “Results” links it in its body" in refused.text
    done = editor.post(f"/admin/news/attachment/{loose.pk}/delete/", {"post": "yes"})
    assert done.status_code == 302
    assert list(Attachment.objects.values_list("title", flat=True)) == ["Linked"]
    assert (
        role_client("contributor")
        .post(f"/admin/news/attachment/{kept.pk}/delete/", {"post": "yes"})
        .status_code
        == 403
    )


NEW_PDF = b"%PDF-1.7\n% corrected edition\n" + b"1" * 9000 + b"\n%%EOF\n"


def test_a_replaced_file_keeps_its_address_and_the_page_shows_the_new_size(
    django_capture_on_commit_callbacks,
):
    attachment = attachments.attachment_create(upload=pdf(), title="Report", acting_user=SYSTEM)
    url, name = attachment.file.url, attachment.file.name
    article = make_article(body=f'<p>Read <a href="{url}">the annual report</a>.</p>')
    editor = make_user(role="editor")
    with django_capture_on_commit_callbacks(execute=True):
        attachments.attachment_replace(
            attachment=attachment, upload=pdf(data=NEW_PDF), acting_user=editor
        )
    attachment.refresh_from_db()
    assert (attachment.file.name, attachment.size) == (name, len(NEW_PDF))
    served = https_client().get(url)
    assert b"".join(served.streaming_content) == NEW_PDF
    page = BeautifulSoup(https_client().get(article.get_absolute_url()).content, "html.parser")
    assert page.select_one(f'.body a[href="{url}"]').get_text() == "the annual report (PDF, 9 KB)"
    entry = AuditEntry.objects.get(action="attachment.replace")
    assert (entry.actor, entry.detail["size"], entry.detail["before"]) == (
        editor,
        len(NEW_PDF),
        len(PDF),
    )
    folder = attachment.file.storage.path(name).rsplit("/", 1)[0]
    assert [p.name for p in Path(folder).iterdir()] == [name.rsplit("/", 1)[-1]]


def test_a_refused_replacement_changes_nothing(django_capture_on_commit_callbacks):
    attachment = attachments.attachment_create(upload=pdf(), acting_user=SYSTEM)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(attachments.AttachmentRejected, match="a damaged or encrypted ZIP"),
    ):
        attachments.attachment_replace(
            attachment=attachment, upload=pdf(data=b"PK\x03\x04zip"), acting_user=SYSTEM
        )
    with pytest.raises(PolicyDenied):
        attachments.attachment_replace(
            attachment=attachment,
            upload=pdf(data=NEW_PDF),
            acting_user=make_user(role="contributor"),
        )
    attachment.refresh_from_db()
    assert attachment.size == len(PDF)
    assert attachment.file.read() == PDF
    folder = Path(attachment.file.path).parent
    assert len(list(folder.iterdir())) == 1  # no staged file left behind
    assert not AuditEntry.objects.filter(action="attachment.replace").exists()


def test_the_desk_replaces_a_file_for_an_editor_only(
    role_client, django_capture_on_commit_callbacks
):
    attachment = attachments.attachment_create(upload=pdf(), title="Report", acting_user=SYSTEM)
    make_article(headline="Results", body=f'<p><a href="{attachment.file.url}">Report</a></p>')
    url = f"/admin/news/attachment/{attachment.pk}/replace/"
    editor = role_client("editor")
    listing = BeautifulSoup(editor.get("/admin/news/attachment/").content, "html.parser")
    assert listing.select_one(f'#result_list a[href="{url}"]').get_text() == "Replace file “Report”"
    form = BeautifulSoup(editor.get(url).content, "html.parser")
    assert [li.get_text() for li in form.select("#linking li")] == ["Results"]
    assert "(PDF, 3 KB)" in form.select_one("#content-main p").get_text()

    refused = editor.post(url, {"upload": pdf(data=b"<html>")})
    assert refused.status_code == 400
    assert "Not replaced: not a PDF" in refused.text
    with django_capture_on_commit_callbacks(execute=True):
        done = editor.post(url, {"upload": pdf(data=NEW_PDF)}, follow=True)
    assert "every link to it now gives the new file (9 KB)" in done.text
    attachment.refresh_from_db()
    assert attachment.file.read() == NEW_PDF

    contributor = role_client("contributor")
    assert contributor.post(url, {"upload": pdf()}).status_code == 403
    assert contributor.get(url).status_code == 403
    listing = contributor.get("/admin/news/attachment/")
    assert listing.status_code == 200
    assert "Report" in listing.text
    assert "Replace file" not in listing.text  # offered only to whom it is allowed


OFFICE = "application/vnd.openxmlformats-officedocument"


def office(kind="docx", *, main_type=None, extra=()) -> bytes:
    """A small Office Open XML file, as Word, Excel or PowerPoint write them in outline."""
    main, content_type = {
        "docx": ("word/document.xml", f"{OFFICE}.wordprocessingml.document.main+xml"),
        "xlsx": ("xl/workbook.xml", f"{OFFICE}.spreadsheetml.sheet.main+xml"),
        "pptx": ("ppt/presentation.xml", f"{OFFICE}.presentationml.presentation.main+xml"),
    }[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/{main}" ContentType="{main_type or content_type}"'
            "/></Types>",
        )
        archive.writestr(main, "<document>" + "Figures for 2026. " * 100 + "</document>")
        for name, data in extra:
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "said"), [("docx", "Word"), ("xlsx", "Excel"), ("pptx", "PowerPoint")]
)
def test_word_excel_and_powerpoint_files_are_known_by_their_parts(kind, said):
    data = office(kind)
    attachment = attachments.attachment_create(
        upload=pdf(name=f"Fact sheet.{kind}", data=data), acting_user=SYSTEM
    )
    assert attachment.file.name.endswith(f".{kind}")
    article = make_article(body=f'<p><a href="{attachment.file.url}">The fact sheet</a></p>')
    page = BeautifulSoup(https_client().get(article.get_absolute_url()).content, "html.parser")
    link = page.select_one(f'.body a[href="{attachment.file.url}"]')
    assert link.get_text() == f"The fact sheet ({said}, {len(data)} bytes)"
    assert link["type"].startswith(OFFICE)
    served = https_client().get(attachment.file.url)
    assert served["Content-Disposition"] == "attachment"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (office(extra=[("word/vbaProject.bin", b"\0" * 64)]), "it holds macros"),
        (
            office(main_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
            "it holds macros",
        ),
        (office(main_type="application/xml"), "a ZIP file, but not a Word, Excel or PowerPoint"),
        (office()[:200], "a damaged or encrypted ZIP file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "not a PDF, Word, Excel or PowerPoint"),
        (b"PK\x03\x04" + b"\0" * 100, "a damaged or encrypted ZIP file"),
    ],
    ids=["vba-part", "macro-enabled", "other-zip", "cut-short", "old-binary-doc", "bare-header"],
)
def test_office_files_that_are_not_plain_documents_are_refused(data, reason):
    with pytest.raises(attachments.AttachmentRejected, match=reason):
        attachments.attachment_create(upload=pdf(name="x.docx", data=data), acting_user=SYSTEM)
    assert not Attachment.objects.exists()


def test_an_office_file_that_unpacks_to_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_UNPACKED", 1000)
    with pytest.raises(attachments.AttachmentRejected, match="it unpacks to more than"):
        attachments.attachment_create(upload=office(), acting_user=SYSTEM)


def test_a_file_is_replaced_only_by_one_of_its_kind():
    attachment = attachments.attachment_create(upload=pdf(), acting_user=SYSTEM)
    with pytest.raises(
        attachments.AttachmentRejected, match="a Word file cannot take the place of a PDF file"
    ):
        attachments.attachment_replace(attachment=attachment, upload=office(), acting_user=SYSTEM)
    attachment.refresh_from_db()
    assert attachment.file.read() == PDF
