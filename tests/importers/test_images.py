"""Lead images named by imports: fetched safely, validated, re-encoded without metadata."""

import io
import struct
import zlib

import pytest
from django.core.management import call_command
from PIL import Image

from newscenter.news.models import Article
from newscenter.news.models import Image as LibraryImage
from newscenter.news.services.images import ImageRejected, prepare
from tests.test_fetching import FeedServer, send


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {2: (52.0, 31.0, 12.0), 1: "N"}  # GPSInfo: where the photo was taken
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 90, 160)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", pixels)


def test_metadata_and_location_are_stripped():
    stored = prepare(jpeg_with_gps()).content
    assert stored.name.endswith(".jpg")
    with Image.open(stored) as image:
        assert image.size == (320, 200)
        assert not image.getexif()


def test_transparency_keeps_png():
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, format="PNG")
    assert prepare(out.getvalue()).content.name.endswith(".png")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
        (b"<html><body>not a picture</body></html>", "readable"),
        (jpeg_with_gps()[:300], "damaged|readable"),
        (png_claiming(65535, 65535), "pixels"),
        (png_claiming(9000, 9000), "pixels"),
        (b"", "empty"),
    ],
)
def test_hostile_images_are_refused(data, message):
    with pytest.raises(ImageRejected, match=message):
        prepare(data)


WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Firm</title><link>https://firm.example</link>
<wp:base_site_url>https://firm.example</wp:base_site_url>
<item><title>New press line</title><dc:creator>ed</dc:creator>
<content:encoded><![CDATA[<p>The line runs.</p>]]></content:encoded>
<wp:post_id>7</wp:post_id><wp:post_date_gmt>2024-02-01 08:00:00</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>8</wp:meta_value></wp:postmeta>
</item>
<item><title>press.jpg</title><wp:post_id>8</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:attachment_url>{image_url}</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
<wp:meta_value>The new press in hall 3</wp:meta_value></wp:postmeta></item>
</channel></rss>"""


@pytest.mark.django_db
def test_import_fetches_featured_images(tmp_path, settings, capsys):
    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = True
    with FeedServer() as server:
        server.routes["/press.jpg"] = lambda h: send(h, 200, jpeg_with_gps(), **{
            "Content-Type": "image/jpeg"})  # fmt: skip
        export = tmp_path / "export.xml"
        export.write_text(WXR.format(image_url=server.url("/press.jpg")))
        out = io.StringIO()
        call_command("import", str(export), "--fetch-images", stdout=out, stderr=out)
        assert "1 lead images fetched, 0 not" in out.getvalue()
        article = Article.objects.get()
        assert article.lead_image_alt_text == "The new press in hall 3"
        assert article.lead_image.renditions.exists()  # a library image like any upload
        with Image.open(article.lead_image.file) as image:
            assert not image.getexif()
        again = io.StringIO()
        call_command("import", str(export), "--fetch-images", stdout=again, stderr=again)
    assert "unchanged since the last import" in again.getvalue()
    assert "0 lead images fetched, 0 not" in again.getvalue()


@pytest.mark.django_db
def test_refused_images_are_reported_without_failing_the_import(tmp_path, settings):
    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = True
    with FeedServer() as server:
        server.routes["/press.jpg"] = lambda h: send(h, 200, b"<svg/>", **{
            "Content-Type": "image/svg+xml"})  # fmt: skip
        export = tmp_path / "export.xml"
        export.write_text(WXR.format(image_url=server.url("/press.jpg")))
        out = io.StringIO()
        call_command("import", str(export), "--fetch-images", stdout=out, stderr=out)
    assert "lead image not fetched" in out.getvalue()
    assert "SVG is not accepted" in out.getvalue()
    assert Article.objects.get().lead_image is None
    assert not LibraryImage.objects.exists()


@pytest.mark.django_db
def test_private_addresses_are_refused_by_default(tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(WXR.format(image_url="http://127.0.0.1:9/press.jpg"))
    out = io.StringIO()
    call_command("import", str(export), "--fetch-images", stdout=out, stderr=out)
    assert "0 lead images fetched, 1 not" in out.getvalue()
