"""Responsive renditions and the ``<picture>`` markup readers get: lead image, listings,
banner and images inside bodies; a missing rendition falls back to the original."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as Pillow

from newscenter.news import pictures as renditions
from newscenter.news.models import Image, Rendition, SiteSettings
from newscenter.news.policy import SYSTEM
from newscenter.news.services.images import image_create, image_renditions_remake
from tests.builders import make_article, make_image

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def srcset_widths(srcset: str) -> list[int]:
    return [int(candidate.split()[1].rstrip("w")) for candidate in srcset.split(", ")]


def srcset_urls(srcset: str) -> list[str]:
    return [candidate.split()[0] for candidate in srcset.split(", ")]


# --- the renditions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "widths"),
    [
        ((2000, 1333), [320, 640, 960, 1280, 1920]),
        ((1200, 800), [320, 640, 960, 1200]),
        ((700, 400), [320, 640, 700]),
        ((200, 100), [200]),
    ],
)
def test_renditions_come_in_each_width_in_webp_and_jpeg(settings, size, widths):
    image = make_image(*size)
    made = {(r.format, r.width): r for r in image.renditions.all() if not r.crop}
    assert set(made) == {(kind, w) for kind in ("webp", "jpeg") for w in widths}
    for (kind, width), rendition in made.items():
        assert width <= image.width
        with Pillow.open(settings.MEDIA_ROOT / rendition.file.name) as stored:
            assert stored.format == {"webp": "WEBP", "jpeg": "JPEG"}[kind]
            assert stored.size == (width, rendition.height)
            assert abs(rendition.height - width * size[1] / size[0]) < 1


def test_transparent_images_fall_back_to_png():
    buffer = io.BytesIO()
    Pillow.new("RGBA", (500, 300), (200, 30, 30, 128)).save(buffer, format="PNG")
    image = image_create(file_or_bytes=buffer.getvalue(), acting_user=SYSTEM)
    assert set(image.renditions.values_list("format", "width")) == {
        ("webp", 320), ("webp", 500), ("png", 320), ("png", 500)
    }  # fmt: skip
    with Pillow.open(image.renditions.get(format="webp", width=320).file) as stored:
        assert stored.mode == "RGBA"


# --- the article page ---------------------------------------------------------------------


@pytest.fixture
def pictured():
    image = make_image(2000, 1333, alt="Glowing metal poured into a sand mould", credit="J. Oster")
    return make_article(headline="Foundry opens", lead_image=image)


def test_the_article_page_shows_the_lead_image_as_a_picture(client, pictured):
    page = soup(client.get(pictured.get_absolute_url()))
    picture = page.select_one("figure.lead-image picture")
    source = picture.source
    assert source["type"] == "image/webp"
    assert srcset_widths(source["srcset"]) == [320, 640, 960, 1280, 1920]
    assert all(url.endswith(".webp") for url in srcset_urls(source["srcset"]))
    assert source["sizes"] == renditions.COLUMN_SIZES
    img = picture.img
    assert srcset_widths(img["srcset"]) == [320, 640, 960, 1280, 1920]
    assert all(url.endswith(".jpg") for url in srcset_urls(img["srcset"]))
    assert img["src"].endswith("-1920w.jpg")
    assert img["sizes"] == renditions.COLUMN_SIZES
    assert (img["width"], img["height"]) == ("2000", "1333")
    assert img["alt"] == "Glowing metal poured into a sand mould"
    assert (img["loading"], img["decoding"], img["fetchpriority"]) == ("eager", "async", "high")
    assert "J. Oster" in page.select_one("figure.lead-image figcaption").get_text()
    for url in [*srcset_urls(source["srcset"]), img["src"]]:
        assert client.get(url).status_code == 200


def test_the_articles_own_alt_text_overrides_the_librarys(client, pictured):
    pictured.lead_image_alt = "The first pour, seen from the gallery"
    pictured.save()
    page = soup(client.get(pictured.get_absolute_url()))
    assert page.select_one(".lead-image img")["alt"] == "The first pour, seen from the gallery"


def test_listings_show_lazy_thumbnails(client, pictured):
    make_article(headline="No picture")
    page = soup(client.get("/news/"))
    [teaser_img] = page.select(".teaser picture img")
    assert teaser_img["alt"] == "Glowing metal poured into a sand mould"
    assert (teaser_img["sizes"], teaser_img["loading"]) == ("8rem", "lazy")
    assert (teaser_img["width"], teaser_img["height"]) == ("2000", "1333")


def test_the_banner_is_a_picture_across_the_page(client):
    site = SiteSettings.load()
    site.banner_image = make_image(1600, 300, alt="The works at dawn")
    site.save()
    page = soup(client.get("/news/"))
    img = page.select_one(".banner picture img")
    assert (img["alt"], img["sizes"], img["width"]) == ("The works at dawn", "100vw", "1600")
    assert page.select_one(".banner picture source")["type"] == "image/webp"


def test_a_missing_rendition_falls_back_to_the_original(client, pictured, settings):
    for rendition in pictured.lead_image.renditions.all():
        (settings.MEDIA_ROOT / rendition.file.name).unlink()
    page = soup(client.get(pictured.get_absolute_url()))
    picture = page.select_one(".lead-image picture")
    assert picture.source is None
    assert picture.img["src"] == pictured.lead_image.file.url
    assert not picture.img.has_attr("srcset")
    assert picture.img["width"] == "2000"


def test_one_missing_file_leaves_the_others(client, pictured, settings):
    page = soup(client.get(pictured.get_absolute_url()))  # each file's path found once
    assert len(srcset_widths(page.select_one(".lead-image source")["srcset"])) == 5
    gone = pictured.lead_image.renditions.get(format="webp", width=640)
    (settings.MEDIA_ROOT / gone.file.name).unlink()
    page = soup(client.get(pictured.get_absolute_url()))  # and each file looked for again
    assert srcset_widths(page.select_one(".lead-image source")["srcset"]) == [320, 960, 1280, 1920]


def test_the_pictures_addresses_follow_the_media_url(client, pictured, settings):
    before = soup(client.get(pictured.get_absolute_url())).select_one(".lead-image img")["src"]
    assert before.startswith("/media/")
    settings.MEDIA_URL = "https://media.example/files/"
    after = soup(client.get(pictured.get_absolute_url())).select_one(".lead-image img")["src"]
    assert after == "https://media.example/files/" + before.removeprefix("/media/")


def test_an_image_without_renditions_shows_the_original(client, pictured):
    # As an image from before renditions is stored: no rows, and none kept on the image.
    Rendition.objects.all().delete()
    Image.objects.update(rendition_list=[])
    page = soup(client.get(pictured.get_absolute_url()))
    assert page.select_one(".lead-image img")["src"] == pictured.lead_image.file.url


def test_renditions_made_again_show_on_the_page_at_once(client, pictured, settings):
    settings.NEWSCENTER_PAGE_CACHE_SECONDS = 0  # what the page reads, not what was kept
    Rendition.objects.all().delete()
    Image.objects.update(rendition_list=[])
    image_renditions_remake(image=Image.objects.get(), acting_user=SYSTEM)
    page = soup(client.get(pictured.get_absolute_url()))
    picture = page.select_one("figure.lead-image picture")
    assert srcset_widths(picture.source["srcset"]) == [320, 640, 960, 1280, 1920]
    made = set(Rendition.objects.values_list("file", flat=True))
    for url in [*srcset_urls(picture.source["srcset"]), *srcset_urls(picture.img["srcset"])]:
        assert url.removeprefix(settings.MEDIA_URL) in made
        assert client.get(url).status_code == 200


# --- images inside the body -----------------------------------------------------------------


def test_a_body_image_from_the_library_gets_the_same_markup(client):
    image = make_image(1200, 800, alt="The library's text")
    body = (
        f'<p>Before.</p><figure><img src="{image.file.url}" alt="The body&#39;s own text">'
        "<figcaption>The hall</figcaption></figure>"
        '<p><img src="https://elsewhere.example/a.jpg" alt="Elsewhere"></p>'
    )
    article = make_article(body=body)
    page = soup(client.get(article.get_absolute_url()))
    body_html = page.select_one(".body")
    [picture] = body_html.select("picture")
    assert picture.parent.name == "figure"
    assert picture.source["type"] == "image/webp"
    assert srcset_widths(picture.source["srcset"]) == [320, 640, 960, 1200]
    img = picture.img
    assert img["alt"] == "The body's own text"  # the body's alt, not the library's
    assert (img["width"], img["height"], img["loading"]) == ("1200", "800", "lazy")
    assert img["sizes"] == renditions.COLUMN_SIZES
    assert body_html.select_one("figcaption").get_text() == "The hall"
    plain = [i for i in body_html.find_all("img") if i.parent.name != "picture"]
    assert [i["src"] for i in plain] == ["https://elsewhere.example/a.jpg"]


def test_a_body_image_named_by_a_rendition_url_is_recognised(client):
    image = make_image(800, 600, alt="Rendition")
    rendition = image.renditions.get(format="jpeg", width=320)
    article = make_article(body=f'<p><img src="{rendition.file.url}"></p>')
    img = soup(client.get(article.get_absolute_url())).select_one(".body picture img")
    assert img["alt"] == "Rendition"  # no alt in the body: the library's
    assert img["src"].endswith("-800w.jpg")


def test_the_body_rewrite_keeps_hostile_alt_text_escaped(client):
    image = make_image(400, 300)
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    article = make_article(body=f"<p><img src='{image.file.url}' alt='{hostile}'></p>")
    response = client.get(article.get_absolute_url())
    body_html = soup(response).select_one(".body")
    assert body_html.select_one("picture img")["alt"] == hostile
    assert body_html.find("script") is None
    assert not [tag for tag in body_html.find_all(True) if tag.has_attr("onerror")]


def test_a_body_pointing_outside_the_media_folder_is_left_alone():
    image = make_image(400, 300)
    traversal = image.file.url.replace("/media/", "/media/../media/")
    markup = f'<p><img src="{traversal}" alt="x"></p>'
    assert renditions.pictures_in_body(markup) == markup
    assert renditions.pictures_in_body("") == ""


def test_listing_queries_do_not_grow_with_pictures(client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/news/").status_code == 200
        return len(captured)

    make_article(lead_image=make_image(400, 300))
    one = queries()
    for _ in range(4):
        make_article(lead_image=make_image(400, 300))
    assert queries() == one


@pytest.mark.parametrize(
    ("size", "crops"),
    [
        ((2400, 1600), {"16x9": (1200, 675), "4x3": (1200, 900), "1x1": (1200, 1200)}),
        ((1200, 800), {"16x9": (1200, 675)}),  # too low for 4x3 and 1x1 without enlarging
        ((1000, 1000), {}),
    ],
)
def test_wide_pictures_are_also_cut_to_the_ratios_search_engines_ask_for(settings, size, crops):
    image = make_image(*size)
    made = {r.crop: r for r in image.renditions.all() if r.crop}
    assert {name: (r.width, r.height) for name, r in made.items()} == crops
    for rendition in made.values():
        assert rendition.format == "jpeg"
        with Pillow.open(settings.MEDIA_ROOT / rendition.file.name) as stored:
            assert stored.size == (rendition.width, rendition.height)
    # Never offered in srcset: a cut picture is not the picture the article shows.
    html = str(renditions.picture_html(image, alt="x"))
    assert all(r.file.url not in html for r in made.values())
