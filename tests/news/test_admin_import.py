"""The admin's Import page: paste or upload, preview, correct, confirm."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from newscenter.news.models import Article
from tests.conftest import https_client, staff_login

pytestmark = pytest.mark.django_db
URL = "/admin/news/article/import/"
SETTINGS = {"format": "auto", "section": "", "status": ""}


def preview(admin_client, **data):
    response = admin_client.post(URL, {**SETTINGS, **data})
    assert response.status_code == 200
    return response, BeautifulSoup(response.content, "html.parser")


def confirm_data(page) -> dict:
    form = page.find("input", attrs={"name": "confirm"}).find_parent("form")
    data = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    data.pop("csrfmiddlewaretoken")
    return data


def test_changelist_links_to_the_import_page(admin_client):
    changelist = admin_client.get("/admin/news/article/")
    assert URL in changelist.text
    assert admin_client.get(URL).status_code == 200


def test_paste_preview_correct_and_confirm(admin_client, seed_text):
    headline = [line for line in seed_text.splitlines() if line.strip()][3]
    _, page = preview(admin_client, text=seed_text)
    assert page.find("input", attrs={"name": "form-0-headline"})["value"] == headline
    assert page.find("input", attrs={"name": "form-0-pub_date"})["value"].startswith("2023-11-28")
    assert len(page.select(".import-body p")) == 9
    assert not Article.objects.exists()  # a preview saves nothing

    data = confirm_data(page) | {"form-0-headline": "Belgium asks Kyiv about its rifles"}
    saved = admin_client.post(URL, data)
    assert saved.status_code == 302
    article = Article.objects.get()
    assert article.headline == "Belgium asks Kyiv about its rifles"
    assert article.import_record.origin == "pasted text"
    assert admin_client.post(URL, data).status_code == 302  # the kept input is gone
    assert Article.objects.count() == 1


def test_clearing_the_date_saves_a_draft(admin_client, seed_text):
    _, page = preview(admin_client, text=seed_text)
    admin_client.post(URL, confirm_data(page) | {"form-0-pub_date": ""})
    assert Article.objects.get().status == "draft"


def test_invalid_correction_is_shown_inline(admin_client, seed_text):
    _, page = preview(admin_client, text=seed_text)
    response = admin_client.post(URL, confirm_data(page) | {"form-0-headline": ""})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Article.objects.exists()


def test_upload_a_file(admin_client, seed_text):
    upload = SimpleUploadedFile("press-release.txt", seed_text.encode(), "text/plain")
    _, page = preview(admin_client, upload=upload)
    admin_client.post(URL, confirm_data(page))
    assert Article.objects.get().import_record.origin == "press-release.txt"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste some text or choose a file."),
        ("Contact us\nPhone: +49 30 1234\nEmail: info@firm.example\nFax: +49 30 1235", "no"),
    ],
)
def test_bad_input_is_reported_inline(admin_client, text, message):
    response = admin_client.post(URL, {**SETTINGS, "text": text})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    errors = " ".join(e.get_text() for e in page.select(".errornote, .errorlist"))
    assert message in errors
    assert page.find("input", attrs={"name": "confirm"}) is None


def test_a_token_from_another_session_is_refused(admin_client, admin_user, seed_text):
    _, page = preview(admin_client, text=seed_text)
    other = https_client()
    staff_login(other, admin_user)
    response = other.post(URL, confirm_data(page))
    assert response.status_code == 302
    assert not Article.objects.exists()


def test_import_needs_the_add_permission(client, db):
    assert client.get(URL).status_code == 302  # to the login page
    staff = User.objects.create_user("reader", password="x", is_staff=True)
    staff_login(client, staff)
    assert client.get(URL).status_code == 403


def test_lead_images_are_fetched_when_asked(admin_client, settings):
    from tests.importers.test_images import WXR, jpeg_with_gps
    from tests.test_fetching import FeedServer, send

    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = True
    with FeedServer() as server:
        server.routes["/press.jpg"] = lambda h: send(h, 200, jpeg_with_gps())
        export = WXR.format(image_url=server.url("/press.jpg"))
        _, page = preview(admin_client, text=export, fetch_images="on")
        response = admin_client.post(URL, confirm_data(page), follow=True)
    assert "Fetched 1 lead image(s)." in response.text
    assert Article.objects.get().lead_image_alt_text == "The new press in hall 3"


LISTING = "Company news\n\n" + "".join(
    f"Harbour crane number {n} enters service\n\n"
    f"The crane lifts forty tonnes and was built at our yard in {n} months of work.\n\n"
    for n in range(2, 6)
)


def test_a_page_refused_as_not_an_article_can_be_imported_anyway(admin_client):
    _, page = preview(admin_client, text=LISTING)
    assert "not an article: a listing of 4 headlines" in page.select_one(".errornote").text
    assert "Import anyway" in page.select_one(".import-anyway").text
    assert page.find("input", attrs={"name": "confirm"}) is None

    _, page = preview(admin_client, text=LISTING, anyway="on")
    unsure = [item.text for item in page.select(".import-unsure li")]
    assert any("check the article" in text for text in unsure), unsure
    assert any("imported although a listing" in li.text for li in page.select(".warning"))
    admin_client.post(URL, confirm_data(page))
    assert Article.objects.get().headline.startswith("Harbour crane number")


def test_a_sure_import_asks_nothing(admin_client, seed_text):
    _, page = preview(admin_client, text=seed_text)
    assert page.select(".import-unsure") == []
