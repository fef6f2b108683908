"""The media library: hostile uploads refused, accepted ones re-encoded, the admin's pages.

Every hostile file is made here, with Pillow or by hand, and sent twice: to the service
(``image_create``) and over HTTP to the admin's upload form.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Pillow
from PIL import ImageCms

from newscenter.news.models import Article, AuditEntry, Image, Rendition, SiteSettings
from newscenter.news.policy import SYSTEM, PolicyDenied
from newscenter.news.services import images
from newscenter.news.services.images import ImageInUse, ImageRejected, image_create
from tests.builders import make_article, make_image, make_user

pytestmark = pytest.mark.django_db

ADD = "/admin/news/image/add/"
STORED_NAME = re.compile(r"images/\d{4}/\d{2}/[0-9a-f]{24}\.(jpg|png)")


# --- files, good and bad ------------------------------------------------------------------


def encoded(image: Pillow.Image, fmt: str = "JPEG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def photo(size=(640, 480)) -> Pillow.Image:
    """Noise: it compresses badly, so a cut anywhere lands in the middle of the pixels."""
    return Pillow.merge("RGB", [Pillow.effect_noise(size, 60)] * 3)


def jpeg_full_of_metadata() -> bytes:
    """A camera's JPEG, sideways (orientation 6), with GPS, XMP, an ICC profile and a comment."""
    exif = Pillow.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x0112] = 6  # rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 1.0)}
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">home-address-of-the-photographer</x:xmpmeta>'
    picture = Pillow.new("RGB", (300, 200), "darkorange")
    return encoded(
        picture, exif=exif, icc_profile=srgb, xmp=xmp, comment=b"<script>alert(1)</script>"
    )


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims ``width`` x ``height`` pixels: a bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )  # fmt: skip


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert(document.cookie)</script>")
    return out.getvalue()


GIF_WITH_HTML = encoded(Pillow.new("P", (40, 30), 3), "GIF") + (
    b"<html><body><script>alert(document.cookie)</script></body></html>"
)
JPEG_WITH_ZIP = encoded(Pillow.new("RGB", (40, 30), "teal")) + zip_archive()
TRUNCATED_JPEG = encoded(photo())[:20_000]

HOSTILE = {
    "svg with script": (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.domain)</script></svg>",
        "SVG is not accepted",
    ),
    "svg without script": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>',
        "SVG is not accepted",
    ),
    "html renamed .jpg": (
        b"<!doctype html><html><script>alert(1)</script></html>",
        "not a readable image",
    ),
    "png bomb 65535 x 65535": (png_claiming(65535, 65535), "more pixels than we accept"),
    "png of 9000 x 9000": (png_claiming(9000, 9000), "9000 x 9000 pixels"),
    "truncated jpeg": (TRUNCATED_JPEG, "damaged or incomplete"),
    "text": (b"just some words", "not a readable image"),
    "zip": (zip_archive(), "not a readable image"),
    "empty": (b"", "empty"),
}


def stored_files(settings) -> list:
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


def errors(response) -> str:
    page = BeautifulSoup(response.content, "html.parser")
    return " ".join(item.get_text() for item in page.select(".errorlist li"))


def upload(client, data: bytes, *, name: str = "photo.jpg", **fields):
    form = {"alt": "A picture", "caption": "", "credit": "", **fields}
    return client.post(ADD, {**form, "upload": SimpleUploadedFile(name, data)})


# --- hostile files -------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_the_service_refuses_hostile_files_and_stores_nothing(settings, data, message):
    with pytest.raises(ImageRejected, match=message):
        image_create(file_or_bytes=data, alt="x", acting_user=SYSTEM)
    assert not Image.objects.exists()
    assert not Rendition.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(("data", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_the_upload_form_refuses_hostile_files(admin_client, settings, data, message):
    response = upload(admin_client, data)
    assert response.status_code == 400
    if data:
        assert message.lower() in errors(response).lower()
    else:
        assert "empty" in errors(response)  # Django's own check comes first
    assert not Image.objects.exists()
    assert stored_files(settings) == []


def test_files_over_the_cap_are_refused_before_they_are_read(admin_client, settings):
    big = b"\xff\xd8\xff\xe0" + b"\0" * (images.MAX_BYTES + 1)
    response = upload(admin_client, big)
    assert response.status_code == 400
    assert f"at most {images.MAX_BYTES // 2**20} MB" in errors(response)
    assert stored_files(settings) == []


def test_a_bomb_pillow_only_warns_about_is_refused_too(settings):
    # Between its two limits (89 and 179 megapixels) Pillow merely warns; our cap refuses.
    with (
        pytest.warns(Pillow.DecompressionBombWarning),
        pytest.raises(ImageRejected, match="10000 x 10000 pixels"),
    ):
        image_create(file_or_bytes=png_claiming(10_000, 10_000), acting_user=SYSTEM)
    assert stored_files(settings) == []


class Unreadable(io.BytesIO):
    """A file whose size is known and whose bytes must never be read."""

    size = images.MAX_BYTES + 1

    def read(self, *args):
        raise AssertionError("read before the size was checked")


def test_the_size_is_checked_before_a_byte_is_read():
    with pytest.raises(ImageRejected, match="at most 20 MB"):
        image_create(file_or_bytes=Unreadable(), acting_user=SYSTEM)


@pytest.mark.parametrize("kind", ["files", "fields"])
def test_ten_thousand_parts_are_a_bad_request(admin_client, kind):
    def part(n):
        return SimpleUploadedFile(f"{n}.jpg", b"x") if kind == "files" else "x"

    response = admin_client.post(ADD, {f"part{n}": part(n) for n in range(10_000)})
    # Django's own limits (DATA_UPLOAD_MAX_NUMBER_FILES / _FIELDS) stop the parse: the
    # answer is Django's 400 page, before any form or view sees the request.
    assert response.status_code == 400
    assert "Bad Request (400)" in response.text
    assert not Image.objects.exists()


@pytest.mark.parametrize(
    ("data", "payload"),
    [(GIF_WITH_HTML, b"<script"), (JPEG_WITH_ZIP, b"PK\x03\x04")],
    ids=["gif with html appended", "jpeg with a zip appended"],
)
def test_polyglots_are_kept_as_pixels_only(admin_client, data, payload):
    response = upload(admin_client, data)
    assert response.status_code == 302
    image = Image.objects.get()
    for file in [image.file, *(r.file for r in image.renditions.all())]:
        content = file.open("rb").read()
        assert payload not in content
        assert not zipfile.is_zipfile(io.BytesIO(content))
    with Pillow.open(image.file) as stored:
        assert stored.size == (40, 30)


# --- what is stored -------------------------------------------------------------------------


def test_metadata_is_stripped_and_the_picture_turned_upright(settings):
    image = image_create(file_or_bytes=jpeg_full_of_metadata(), alt="x", acting_user=SYSTEM)
    assert (image.width, image.height) == (200, 300)  # orientation 6 applied
    for file in [image.file, *(r.file for r in image.renditions.all())]:
        content = file.open("rb").read()
        assert b"home-address" not in content
        assert b"<script" not in content
        with Pillow.open(io.BytesIO(content)) as stored:
            exif = stored.getexif()
            assert not exif
            assert not exif.get_ifd(0x8825)  # no GPS
            assert not {"exif", "icc_profile", "xmp", "comment"} & set(stored.info)
            assert stored.height > stored.width


def test_uploads_get_names_the_server_chose(admin_client, settings):
    response = upload(admin_client, encoded(photo((64, 48))), name="../../x.jpg")
    assert response.status_code == 302
    image = Image.objects.get()
    assert STORED_NAME.fullmatch(image.file.name)
    assert (settings.MEDIA_ROOT / image.file.name).is_file()
    assert not list(settings.MEDIA_ROOT.parent.rglob("x.jpg"))


def test_transparency_is_kept_in_png_and_other_formats_become_jpeg():
    clear = Pillow.new("RGBA", (30, 20), (10, 20, 30, 0))
    assert image_create(file_or_bytes=encoded(clear, "PNG"), acting_user=SYSTEM).file.name.endswith(
        ".png"
    )
    opaque = Pillow.new("RGBA", (30, 20), (10, 20, 30, 255))  # an alpha channel nobody uses
    for data in (encoded(opaque, "PNG"), encoded(photo((30, 20)), "WEBP")):
        assert image_create(file_or_bytes=data, acting_user=SYSTEM).file.name.endswith(".jpg")


def test_image_create_records_who_uploaded_it():
    contributor = make_user(role="contributor")
    image = image_create(
        file_or_bytes=encoded(photo((64, 48))), alt="  The new press  ", acting_user=contributor
    )
    assert (image.alt, image.uploaded_by) == ("The new press", contributor)
    entry = AuditEntry.objects.get(action="image.create")
    assert (entry.actor, entry.detail["model"], entry.detail["id"]) == (
        contributor,
        "image",
        image.pk,
    )


def test_users_without_a_role_cannot_upload(settings):
    with pytest.raises(PolicyDenied, match="upload images"):
        image_create(file_or_bytes=encoded(photo((8, 8))), acting_user=make_user())
    assert stored_files(settings) == []


# --- the library in the admin ---------------------------------------------------------------


def test_a_contributor_uploads_and_cannot_edit(role_client):
    contributor = role_client("contributor")
    response = upload(contributor, encoded(photo((64, 48))), alt="Hall 3 at night")
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.alt == "Hall 3 at night"
    change = f"/admin/news/image/{image.pk}/change/"
    assert contributor.get(change).status_code == 200  # may look
    response = contributor.post(change, {"alt": "Changed", "caption": "", "credit": ""})
    assert response.status_code == 403
    delete = f"/admin/news/image/{image.pk}/delete/"
    assert contributor.post(delete, {"post": "yes"}).status_code == 403
    image.refresh_from_db()
    assert image.alt == "Hall 3 at night"


def test_an_editor_describes_an_image(role_client):
    image = make_image(64, 48, alt="")
    editor = role_client("editor")
    page = BeautifulSoup(editor.get(f"/admin/news/image/{image.pk}/change/").content, "html.parser")
    assert page.select_one("code").get_text() == f'<img src="{image.file.url}" alt="">'
    assert "nowhere yet" in page.get_text()
    form = {"alt": "The press in hall 3", "caption": "Commissioned in May.", "credit": "J. Oster"}
    response = editor.post(f"/admin/news/image/{image.pk}/change/", form)
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.alt, image.caption, image.credit) == tuple(form.values())
    assert AuditEntry.objects.filter(action="image.update").exists()


def test_the_list_shows_thumbnails_and_finds_by_alt_and_caption(admin_client):
    make_image(400, 300, alt="Valve bodies in the foundry")
    make_image(400, 300, alt="Harbour", caption="Cranes unloading pumps")
    page = admin_client.get("/admin/news/image/", {"q": "cranes"})
    soup = BeautifulSoup(page.content, "html.parser")
    rows = soup.select("#result_list tbody tr")
    assert len(rows) == 1
    assert "Harbour" in rows[0].get_text()
    thumbnail = rows[0].img
    assert thumbnail["src"].endswith("-320w.jpg")
    assert thumbnail["width"] == "96"


def test_an_image_in_use_cannot_be_deleted(admin_client, settings):
    lead = make_image(64, 48, alt="Lead")
    in_body = make_image(64, 48, alt="Body")
    make_article(headline="Uses it", lead_image=lead)
    make_article(headline="Shows it", body=f'<p><img src="{in_body.file.url}" alt="x"></p>')
    for image, headline in ((lead, "Uses it"), (in_body, "Shows it")):
        page = admin_client.post(f"/admin/news/image/{image.pk}/delete/", {"post": "yes"})
        assert page.status_code == 200  # the "cannot delete" page
        assert headline in page.text
        with pytest.raises(ImageInUse, match=headline):
            images.image_delete(image=image, acting_user=SYSTEM)
    assert Image.objects.count() == 2


def test_deleting_an_unused_image_removes_its_files(
    admin_client, settings, django_capture_on_commit_callbacks
):
    image = make_image(700, 400)
    names = [image.file.name, *image.renditions.values_list("file", flat=True)]
    assert len(names) == 7  # the original and 320, 640, 700 in WebP and JPEG
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/news/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert stored_files(settings) == []


def test_the_article_form_picks_from_the_library_and_its_plus_uploads(admin_client):
    image = make_image(64, 48, alt="Pump housing on the test bench")
    form = admin_client.get("/admin/news/article/add/")
    soup = BeautifulSoup(form.content, "html.parser")
    select = soup.select_one("select#id_lead_image")
    assert "admin-autocomplete" in select["class"]
    add_link = soup.select_one("a#add_id_lead_image")
    assert add_link["href"].startswith(ADD)
    found = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "news", "model_name": "article", "field_name": "lead_image", "term": "pump"},
    )
    assert found.json()["results"] == [{"id": str(image.pk), "text": str(image)}]
    popup = admin_client.post(
        f"{ADD}?_to_field=id&_popup=1",
        {"alt": "New one", "caption": "", "credit": "", "_popup": "1", "_to_field": "id",
         "upload": SimpleUploadedFile("a.png", encoded(photo((20, 20)), "PNG"))},
    )  # fmt: skip
    assert popup.status_code == 200
    created = Image.objects.get(alt="New one")
    assert "popup_response" in popup.text
    assert f"&quot;value&quot;: &quot;{created.pk}&quot;" in popup.text


def test_an_article_takes_a_library_image_and_its_alt_text(admin_client):
    image = make_image(64, 48, alt="The library's words")
    article = make_article(lead_image=image)
    assert article.lead_image_alt_text == "The library's words"
    article.lead_image_alt = "This article's words"
    assert article.lead_image_alt_text == "This article's words"
    assert article.revisions.first().content["lead_image"] == image.pk


def test_the_banner_is_a_library_image(admin_client):
    image = make_image(1600, 300, alt="The works at dawn")
    SiteSettings.load()
    response = admin_client.post(
        "/admin/news/sitesettings/1/change/",
        {"site_name": "Kesselmark", "section_title": "News", "tagline": "",
         "banner_image": image.pk, "banner_alt": "", "language": "en", "time_zone": "UTC"},
    )  # fmt: skip
    assert response.status_code == 302
    site = SiteSettings.load()
    assert (site.banner_image, site.banner_alt_text) == (image, "The works at dawn")


def test_articles_keep_their_image_when_someone_tries_to_delete_it():
    image = make_image(64, 48)
    article = make_article(lead_image=image)
    with pytest.raises(ImageInUse):
        images.image_delete(image=image, acting_user=SYSTEM)
    assert Article.objects.get(pk=article.pk).lead_image == image


def test_the_renditions_can_be_made_again(admin_client, django_capture_on_commit_callbacks):
    image = make_image(700, 400)
    Rendition.objects.all().delete()  # as after migration 0007, which makes none
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/news/image/",
            {"action": "renditions_remake", "_selected_action": [image.pk]},
            follow=True,
        )
    assert "Made the renditions of 1 image(s)." in response.text
    assert sorted(image.renditions.values_list("width", flat=True)) == [
        320,
        320,
        640,
        640,
        700,
        700,
    ]
