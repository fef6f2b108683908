"""What visitors of a company's news site expect: the section menu, a share row, "All news"
near the top, numbered older pages, the press contact, icons and a web manifest, compressed
pages and long-cached pictures."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from urllib.parse import parse_qs, urlsplit

import brotli
import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from newscenter.news import services
from newscenter.news.models import SiteSettings
from newscenter.news.policy import SYSTEM
from newscenter.web.views import PAGE_SIZE
from tests.builders import make_article, make_image

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def png(width: int, height: int) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "darkorange").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="icon.png")


# The header and the article page


def test_the_header_lists_the_sections_with_news_in_the_desks_order(client):
    plants = services.section_get_or_create(name="Plants", acting_user=SYSTEM, position=2)
    company = services.section_get_or_create(name="Company", acting_user=SYSTEM, position=1)
    services.section_get_or_create(name="Empty", acting_user=SYSTEM, position=0)
    make_article(section=plants)
    article = make_article(section=company)
    for path in ("/news/", article.get_absolute_url(), plants.get_absolute_url()):
        menu = soup(client.get(path)).select_one("header nav.section-menu")
        assert [a.get_text() for a in menu.select("a")] == ["All news", "Company", "Plants"]
    current = soup(client.get(plants.get_absolute_url())).select('nav a[aria-current="page"]')
    assert [a.get_text() for a in current] == ["Plants"]


def test_an_article_offers_all_news_above_its_headline_and_a_share_row(client):
    article = make_article(headline="Valves & pumps: the new line")
    page = soup(client.get(article.get_absolute_url()))
    main = page.select_one("main")
    first_link = main.find("a")
    assert (first_link.get_text(), first_link["href"]) == ("All news", "/news/")
    assert main.find("a").sourceline <= main.find("h1").sourceline
    links = {a.get_text(): a["href"] for a in page.select(".share a")}
    own = f"https://testserver{article.get_absolute_url()}"
    assert list(links) == ["Copy link", "Email", "LinkedIn", "X", "Facebook"]
    assert links["Copy link"] == own
    mail = urlsplit(links["Email"])
    assert mail.scheme == "mailto"
    assert parse_qs(mail.query) == {"subject": [article.headline], "body": [own]}
    assert "+" not in mail.query  # a mail program would show it as a plus sign
    assert parse_qs(urlsplit(links["LinkedIn"]).query) == {"url": [own]}
    assert parse_qs(urlsplit(links["X"]).query) == {"url": [own], "text": [article.headline]}
    assert parse_qs(urlsplit(links["Facebook"]).query) == {"u": [own]}
    # Plain links: no script from anywhere but the site itself.
    assert all(script["src"].startswith("/static/") for script in page.select("script[src]"))


def test_older_pages_say_their_number_in_title_and_heading(client):
    now = timezone.now()
    for n in range(PAGE_SIZE * 2 + 1):
        make_article(pub_date=now - dt.timedelta(hours=n + 1))
    first = soup(client.get("/news/"))
    assert "Page" not in first.title.get_text()
    second = soup(client.get(first.select_one("a[rel=next]")["href"]))
    assert second.title.get_text().startswith("Page 2 · ")
    assert second.h1.get_text(" ", strip=True).endswith("Page 2")
    third = soup(client.get(second.select_one("a[rel=next]")["href"]))
    assert third.title.get_text().startswith("Page 3 · ")
    assert third.h1.get_text(" ", strip=True).endswith("Page 3")


def test_the_press_contact_and_social_profiles_are_on_every_page(client):
    services.site_settings_update(
        acting_user=SYSTEM,
        press_contact_name="Mara Lind",
        press_contact_email="press@kesselmark.example",
        press_contact_phone="+49 30 123 4567",
        social_links=["https://www.linkedin.com/company/kesselmark", "https://video.example/k"],
    )
    article = make_article()
    for path in ("/news/", article.get_absolute_url()):
        block = soup(client.get(path)).select_one("footer .press-contact")
        assert "Mara Lind" in block.get_text()
        hrefs = {a.get_text(): a["href"] for a in block.select("a")}
        assert hrefs["press@kesselmark.example"] == "mailto:press@kesselmark.example"
        assert hrefs["+49 30 123 4567"] == "tel:+49301234567"
        assert hrefs["LinkedIn"] == "https://www.linkedin.com/company/kesselmark"
        assert hrefs["video.example"] == "https://video.example/k"


def test_without_a_press_contact_there_is_no_empty_block(client):
    assert soup(client.get("/news/")).select(".press-contact") == []


# Print: a link's address after its words, whole


def test_printed_links_within_the_site_name_the_configured_address(client, settings):
    settings.NEWSCENTER_BASE_URL = "https://news.kesselmark.example"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mirror.example"]
    link = soup(client.get("/news/")).select_one('link[rel=stylesheet][media="print"]')
    assert link is not None
    # Asked for under another name the site answers to: the configured address, still.
    css = client.get(link["href"], HTTP_HOST="mirror.example")
    assert css["Content-Type"].startswith("text/css")
    assert 'a[href^="/"]::after { content: " (https://news.kesselmark.example" attr(href)' in (
        css.content.decode()
    )
    assert "mirror.example" not in css.content.decode()


# Icons and the web manifest


def test_without_an_icon_or_logo_every_icon_address_gives_a_plain_square(client):
    for path, size in (("/apple-touch-icon.png", 180), ("/news/icons/192.png", 192)):
        response = client.get(path)
        assert response["Content-Type"] == "image/png"
        with Image.open(io.BytesIO(response.content)) as picture:
            assert picture.size == (size, size)
    assert client.get("/favicon.ico")["Content-Type"] == "image/x-icon"
    manifest = json.loads(client.get("/news/manifest.webmanifest").content)
    assert manifest["start_url"] == "/news/"
    assert [icon["sizes"] for icon in manifest["icons"]] == ["192x192", "512x512"]


def test_the_favicon_from_the_site_settings_in_every_size(client):
    site = SiteSettings.load()
    site.favicon.save("icon.png", png(256, 256), save=True)
    ico = client.get("/favicon.ico")
    assert ico["Content-Type"] == "image/x-icon"
    with Image.open(io.BytesIO(ico.content)) as picture:
        assert picture.format == "ICO"
        assert (32, 32) in picture.info["sizes"]
    touch = client.get("/apple-touch-icon.png")
    with Image.open(io.BytesIO(touch.content)) as picture:
        assert picture.size == (180, 180)
    manifest = client.get("/news/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    icons = json.loads(manifest.content)["icons"]
    assert [icon["sizes"] for icon in icons] == ["192x192", "512x512"]
    for icon in icons:
        with Image.open(io.BytesIO(client.get(icon["src"]).content)) as picture:
            assert f"{picture.width}x{picture.height}" == icon["sizes"]
    head = soup(client.get("/news/")).head
    assert head.select_one('link[rel="manifest"]')["href"] == "/news/manifest.webmanifest"
    assert head.select_one('link[rel="apple-touch-icon"]')["href"] == "/apple-touch-icon.png"
    assert client.get(head.select_one('link[rel="icon"]')["href"]).status_code == 200


def test_an_unknown_icon_size_is_not_found(client):
    assert client.get("/news/icons/33.png").status_code == 404


# Caching and compression


def test_library_pictures_are_cached_for_a_year_and_site_files_for_a_day(client):
    image = make_image(700, 400)
    for name in [image.file.name, *image.renditions.values_list("file", flat=True)]:
        response = client.get(f"/media/{name}")
        assert response.status_code == 200, name
        assert response["Cache-Control"] == "public, max-age=31536000, immutable", name
    site = SiteSettings.load()
    site.logo.save("logo.png", png(200, 200), save=True)
    response = client.get(site.logo.url)
    assert response["Cache-Control"] == "public, max-age=86400"


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
        ("br;q=0, gzip", "gzip", gzip.decompress),
    ],
)
def test_public_pages_are_compressed_as_the_browser_accepts(client, accept, encoding, decode):
    make_article(body="<p>" + "Valves and pumps from Ebersfurt. " * 100 + "</p>")
    plain = client.get("/news/")
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    packed = client.get("/news/", headers={"Accept-Encoding": accept})
    assert packed["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed["Vary"]
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
    assert decode(packed.content) == plain.content
    # Another representation, another validator; each revalidates as itself.
    assert packed["ETag"] != plain["ETag"]
    again = client.get(
        "/news/", headers={"Accept-Encoding": accept, "If-None-Match": packed["ETag"]}
    )
    assert again.status_code == 304


def test_pages_for_one_person_are_never_compressed(admin_client):
    response = admin_client.get("/admin/", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response
