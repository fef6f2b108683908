"""The writing screen's "insert image" window and the body's figures, over HTTP."""

import json

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from newscenter.news.models import Image
from newscenter.news.rendering import sanitise_html
from tests.builders import make_article, make_image, png_upload

pytestmark = pytest.mark.django_db
URL = "/admin/news/image/pick/"


def png(width=640, height=480):
    return png_upload(width, height, color="darkorange")


def test_the_window_lists_and_searches_the_library(role_client):
    make_image(alt="Hall four with the new press", caption="The press.", credit="Ann Example")
    make_image(alt="Apprentices at the lathe")
    client = role_client("contributor")
    page = BeautifulSoup(client.get(URL, {"CKEditorFuncNum": "-1"}).content, "html.parser")
    choices = page.select(".picker-choose")
    assert len(choices) == 2
    assert page.select_one(".picker")["data-callback"] == "-1"
    press = page.select_one('.picker-choose[data-alt="Hall four with the new press"]')
    assert press["data-url"].startswith("/media/images/")
    assert press["data-caption"] == "The press. Photo: Ann Example"

    found = BeautifulSoup(client.get(URL, {"q": "lathe"}).content, "html.parser")
    assert [b["data-alt"] for b in found.select(".picker-choose")] == ["Apprentices at the lathe"]
    nothing = client.get(URL, {"q": "zzyzx"})
    assert "No image matches “zzyzx”" in nothing.text


def test_an_upload_needs_its_alternative_text_and_is_then_chosen(role_client):
    client = role_client("editor")
    refused = client.post(URL, {"upload-upload": png(), "upload-alt": ""})
    assert refused.status_code == 400
    assert "This field is required" in refused.text
    assert not Image.objects.exists()

    done = client.post(
        f"{URL}?CKEditorFuncNum=-2",
        {"upload-upload": png(), "upload-alt": "A new press", "upload-credit": "Ann Example"},
    )
    assert done.status_code == 200
    image = Image.objects.get()
    chosen = BeautifulSoup(done.content, "html.parser").select_one(".picker-chosen")
    assert chosen["data-url"] == image.file.url
    assert chosen["data-caption"] == "Photo: Ann Example"


def test_a_bad_upload_is_a_message_not_a_server_error(role_client):
    client = role_client("editor")
    bogus = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
    refused = client.post(URL, {"upload-upload": bogus, "upload-alt": "x"})
    assert refused.status_code == 400
    assert "errorlist" in refused.text
    assert not Image.objects.exists()


def test_the_writing_screen_offers_figures_through_the_window(admin_client):
    page = BeautifulSoup(admin_client.get("/admin/news/article/add/").content, "html.parser")
    body = page.select_one("textarea[name=body]")
    extensions = json.loads(body["data-django-prose-editor-configurable"])["extensions"]
    assert extensions["Figure"] == {"pickerUrl": URL}
    assert extensions["Image"] is extensions["Caption"] is True


def test_the_allow_list_keeps_figures_and_library_images():
    markup = (
        '<figure class="figure"><img src="/media/images/2026/12/a.png" alt="A hall" '
        'data-file="3"><figcaption>Hall four. Photo: Ann</figcaption></figure>'
    )
    assert sanitise_html(markup) == (
        '<figure><img src="/media/images/2026/12/a.png" alt="A hall">'
        "<figcaption>Hall four. Photo: Ann</figcaption></figure>"
    )


def test_a_figure_in_the_body_renders_with_the_renditions(client):
    image = make_image(alt="Hall four with the new press")
    article = make_article(
        body=f'<p>Before.</p><figure><img src="{image.file.url}" alt="The press">'
        "<figcaption>The press. Photo: Ann</figcaption></figure>"
    )
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    figure = page.select_one(".body figure")
    source = figure.select_one("picture source[type='image/webp']")
    assert "640w" in source["srcset"]
    assert figure.select_one("picture img")["alt"] == "The press"
    assert figure.select_one("figcaption").text == "The press. Photo: Ann"


UPLOAD = "/admin/news/image/upload/"


def test_a_pasted_image_is_stored_with_its_alt_text_and_answered_for_the_figure(role_client):
    client = role_client("contributor")
    done = client.post(
        UPLOAD, {"upload": png(), "alt": " Hall four ", "caption": "The hall.", "credit": "Ann"}
    )
    assert done.status_code == 201
    image = Image.objects.get()
    assert done.json() == {
        "id": image.pk,
        "url": image.file.url,
        "alt": "Hall four",
        "caption": "The hall. Photo: Ann",
    }
    assert image.renditions.exists()


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"alt": ""}, "Alt"),
        ({"alt": "x", "upload": SimpleUploadedFile("x.png", b"<svg/>")}, "Image file"),
        ({"alt": "x", "upload": None}, "Image file"),
    ],
)
def test_a_refused_paste_names_the_field_and_keeps_nothing(role_client, fields, named):
    data = {"upload": png(), **fields}
    if data["upload"] is None:
        del data["upload"]
    refused = role_client("editor").post(UPLOAD, data)
    assert refused.status_code == 400
    assert refused.json()["error"].startswith(named)
    assert not Image.objects.exists()


def test_the_upload_answers_get_and_strangers_plainly(role_client, client):
    assert role_client("editor").get(UPLOAD).status_code == 405
    anonymous = client.post(UPLOAD, {"upload": png(), "alt": "x"})
    assert anonymous.status_code == 302
    assert not Image.objects.exists()
