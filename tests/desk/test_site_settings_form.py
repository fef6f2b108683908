"""The site settings form through HTTP: language and time zone chosen from lists, unknown
values refused in plain words, the link-preview image uploaded in place."""

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from newscenter.news.models import AuditEntry, Image, SiteSettings
from tests.builders import png_upload
from tests.policy_matrix import admin_form

pytestmark = pytest.mark.django_db
URL = "/admin/news/sitesettings/1/change/"


@pytest.fixture
def admin(role_client):
    SiteSettings.load()
    return role_client("administrator")


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def error_of(response, field: str) -> str:
    row = page(response).select_one(f".field-{field}")
    errors = row.select_one(".errorlist") if row else None
    return errors.get_text(" ", strip=True) if errors else ""


def test_language_and_time_zone_are_searchable_selects_of_known_values(admin):
    form = page(admin.get(URL))
    language = form.select_one("select#id_language.searchable-select")
    zone = form.select_one("select#id_time_zone.searchable-select")
    languages = {o["value"]: o.get_text() for o in language.select("option")}
    zones = {o["value"]: o.get_text() for o in zone.select("option")}
    assert languages["de"] == "German (de)"
    assert languages["en-GB"] == "British English (en-GB)"
    assert languages["zh-Hans"].startswith("Simplified Chinese")
    assert len(languages) > 90
    assert zones["Europe/Berlin"].startswith("Europe/Berlin (UTC+0")
    assert zones["America/New_York"].startswith("America/New York (UTC-0")
    assert len(zones) > 400
    assert language.select_one("option[selected]")["value"] == "en"
    assert zone.select_one("option[selected]")["value"] == "UTC"
    scripts = [s["src"] for s in form.select("script[src]")]
    assert any(src.endswith("desk/searchable-select.js") for src in scripts)
    assert any("select2" in src for src in scripts)


def test_chosen_values_are_saved(admin):
    data = admin_form(admin, URL)
    response = admin.post(URL, {**data, "language": "de",
                                "time_zone": "Europe/Berlin"})  # fmt: skip
    assert response.status_code == 302
    site = SiteSettings.load()
    assert (site.language, site.time_zone) == ("de", "Europe/Berlin")


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("language", "klingon", "Choose a language from the list: “klingon” is not one of them."),
        ("language", "", "Choose the language the site is written in."),
        ("time_zone", "Mars/Olympus_Mons", "Choose a time zone from the list: "
         "“Mars/Olympus_Mons” is not one of them (they are named by region and city, such as "
         "Europe/Berlin)."),
        ("time_zone", "europe/berlin", "“europe/berlin” is not one of them"),
    ],
)  # fmt: skip
def test_unknown_values_are_refused_in_plain_words(admin, field, value, words):
    data = admin_form(admin, URL)
    response = admin.post(URL, {**data, "site_name": "Not saved", field: value})
    assert response.status_code == 200
    assert words in error_of(response, field)
    assert SiteSettings.load().site_name != "Not saved"


def test_a_language_saved_before_the_list_is_kept_when_the_form_is_saved_unchanged(admin):
    SiteSettings.objects.filter(pk=1).update(language="de-CH-1996")
    data = admin_form(admin, URL)
    assert data["language"] == "de-CH-1996"
    assert admin.post(URL, {**data, "site_name": "Kept"}).status_code == 302
    assert SiteSettings.load().language == "de-CH-1996"


def test_the_link_preview_image_is_uploaded_in_place(admin):
    data = admin_form(admin, URL)
    wide = png_upload(1200, 630)
    refused = admin.post(URL, {**data, "share_upload": wide, "share_upload_alt": ""})
    assert refused.status_code == 200
    assert "Describe the new image" in error_of(refused, "share_upload_alt")
    assert not Image.objects.exists()

    not_an_image = SimpleUploadedFile("share.png", b"GIF89a but not really", "image/png")
    refused = admin.post(URL, {**data, "share_upload": not_an_image, "share_upload_alt": "Logo"})
    assert refused.status_code == 200
    assert error_of(refused, "share_upload")
    assert not Image.objects.exists()

    described = {"share_upload": png_upload(1200, 630), "share_upload_alt": "The works at dusk"}
    done = admin.post(URL, {**data, **described})
    assert done.status_code == 302
    image = Image.objects.get()
    assert image.alt == "The works at dusk"
    assert (image.width, image.height) == (1200, 630)
    assert SiteSettings.load().share_image == image
    assert AuditEntry.objects.filter(action="image.create").exists()


def test_texts_in_other_languages_are_saved_or_refused_with_the_reason(admin):
    data = admin_form(admin, URL)
    wrong = admin.post(URL, {**data, "languages": '["de"]', "texts": '{"de": {"colour": "x"}}'})
    assert wrong.status_code == 200
    assert "'colour' (in de) is not a site text" in error_of(wrong, "texts")
    texts = '{"de": {"section_title": "Aktuelles"}}'
    response = admin.post(URL, {**data, "languages": '["de"]', "texts": texts})
    assert response.status_code == 302
    assert SiteSettings.load().text_in("section_title", "de") == "Aktuelles"
