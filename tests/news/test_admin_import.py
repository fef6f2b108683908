"""The desk's Import page: paste or upload, preview, correct, confirm, and its report."""

import os
import time

import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from newscenter.news.models import Article, ImportRun, Notification, OutboxEntry
from tests.conftest import https_client, staff_login

pytestmark = pytest.mark.django_db
URL = "/admin/news/article/import/"
SETTINGS = {"format": "auto", "status": "draft", "section": "", "author": "", "source_name": ""}


def preview(client, **data):
    response = client.post(URL, {**SETTINGS, **data})
    assert response.status_code == 200, response.content[:3000]
    return response, BeautifulSoup(response.content, "html.parser")


def token(page) -> str:
    return page.find("input", attrs={"name": "token"})["value"]


def confirm(client, page, *, follow=False, **corrections):
    """What the browser sends: the token and the corrected fields only (desk/imports.js)."""
    data = {"token": token(page), "confirm": "Import", **corrections}
    return client.post(URL, data, follow=follow)


def kept_files(user) -> list[str]:
    folder = django_settings.DATA_DIR / "imports" / f"user-{user.pk}"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def rss(count: int, *, dated=True) -> str:
    items = "".join(
        f"<item><title>Plant news number {n}</title><link>https://firm.example/news/{n}</link>"
        f"<guid>https://firm.example/news/{n}</guid>"
        + ("<pubDate>Mon, 02 Mar 2026 09:30:00 +0000</pubDate>" if dated else "")
        + f"<description>&lt;p&gt;Item {n} of the plant's news.&lt;/p&gt;</description></item>"
        for n in range(count)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Firm news</title>'
        f"<link>https://firm.example/</link><description>News</description>{items}</channel></rss>"
    )


def test_changelist_links_to_the_import_page(admin_client):
    changelist = admin_client.get("/admin/news/article/")
    assert URL in changelist.text
    assert admin_client.get(URL).status_code == 200


def test_paste_preview_correct_and_confirm_makes_a_draft(admin_client, seed_text):
    headline = [line for line in seed_text.splitlines() if line.strip()][3]
    _, page = preview(admin_client, text=seed_text)
    assert page.find("input", attrs={"name": "headline-0"})["value"] == headline
    assert page.find("input", attrs={"name": "pub_date-0"})["value"] == "2023-11-28T00:00"
    assert page.select_one(".will-be").text == "Draft: not public"
    summary = " ".join(page.select_one(".import-summary").text.split())
    assert "Nothing has been saved yet. Importing will create 1 draft (not public)" in summary
    assert "time zone, UTC" in summary
    assert len(page.select(".import-body p")) == 9
    assert not Article.objects.exists()  # a preview saves nothing

    saved = confirm(admin_client, page, **{"headline-0": "Belgium asks Kyiv about its rifles"})
    run = ImportRun.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == f"{URL}{run.pk}/"
    article = Article.objects.get()
    assert article.headline == "Belgium asks Kyiv about its rifles"
    assert article.status == "draft"  # the desk's default: nothing goes live unasked
    assert article.pub_day.isoformat() == "2023-11-28"  # the date kept for later
    assert article.import_record.origin == "pasted text"
    report = admin_client.get(saved["Location"])
    assert "1</strong> created" in report.text
    assert confirm(admin_client, page).status_code == 302  # the kept input is gone
    assert Article.objects.count() == 1


def test_an_editor_may_publish_as_in_the_source_and_the_preview_says_so(admin_client, seed_text):
    _, page = preview(admin_client, text=seed_text, status="source")
    assert page.select_one(".will-be").text == "Published: public as soon as you import"
    confirm(admin_client, page)
    assert Article.objects.get().status == "published"


def test_clearing_the_date_saves_a_draft(admin_client, seed_text):
    _, page = preview(admin_client, text=seed_text, status="source")
    confirm(admin_client, page, **{"pub_date-0": ""})
    assert Article.objects.get().status == "draft"


def test_invalid_corrections_are_shown_with_what_was_typed(admin_client, seed_text):
    _, page = preview(admin_client, text=seed_text)
    response = confirm(admin_client, page, **{"headline-0": "", "pub_date-0": "next tuesday"})
    assert response.status_code == 400
    again = BeautifulSoup(response.content, "html.parser")
    errors = again.select_one(".errorlist").text
    assert "The headline cannot be empty." in errors
    assert "“next tuesday” is not a date and time" in errors
    assert again.find("input", attrs={"name": "pub_date-0"})["value"] == "next tuesday"
    assert not Article.objects.exists()
    assert confirm(admin_client, again, **{"headline-0": "Fixed"}).status_code == 302
    assert Article.objects.get().headline == "Fixed"


def test_a_preview_saves_nothing_and_announces_nothing(admin_client, seed_text):
    # A preview once recorded an empty change, which every consumer of the outbox then read
    # and acknowledged: 37 of its 58 queries.
    before = OutboxEntry.objects.count()
    upload = SimpleUploadedFile("press-release.txt", seed_text.encode(), "text/plain")
    preview(admin_client, upload=upload)
    assert OutboxEntry.objects.count() == before
    assert not Article.objects.exists()


def test_upload_a_file(admin_client, seed_text):
    upload = SimpleUploadedFile("press-release.txt", seed_text.encode(), "text/plain")
    _, page = preview(admin_client, upload=upload)
    confirm(admin_client, page)
    assert Article.objects.get().import_record.origin == "press-release.txt"


def test_section_author_and_source_set_in_the_preview(admin_client, seed_text):
    from newscenter.news import services
    from newscenter.news.policy import SYSTEM

    services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    services.author_get_or_create(name="Ann Example", acting_user=SYSTEM)
    _, page = preview(
        admin_client, text=seed_text, section="Company news", author="Ann Example",
        source_name="Firm newsletter",
    )  # fmt: skip
    confirm(admin_client, page)
    article = Article.objects.get()
    assert article.section.name == "Company news"
    assert [a.name for a in article.authors.all()] == ["Ann Example"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste some text or choose a file."),
        ("Contact us\nPhone: +49 30 1234\nEmail: info@firm.example\nFax: +49 30 1235", "no"),
    ],
)
def test_bad_input_is_reported_and_not_kept(admin_client, admin_user, text, message):
    response = admin_client.post(URL, {**SETTINGS, "text": text})
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    errors = " ".join(e.get_text() for e in page.select(".errornote, .errorlist, .messagelist"))
    assert message in errors
    assert page.find("input", attrs={"name": "confirm"}) is None
    assert kept_files(admin_user) == []


def test_one_waiting_input_per_person_none_older_than_an_hour(admin_client, admin_user, seed_text):
    _, first = preview(admin_client, text=seed_text)
    assert kept_files(admin_user) == sorted([token(first), f"{token(first)}.json"])
    _, second = preview(admin_client, text=seed_text)
    assert kept_files(admin_user) == sorted([token(second), f"{token(second)}.json"])
    assert confirm(admin_client, first).status_code == 302  # expired: replaced
    assert not Article.objects.exists()

    folder = django_settings.DATA_DIR / "imports" / f"user-{admin_user.pk}"
    hour_ago = time.time() - 3601
    for path in folder.iterdir():
        os.utime(path, (hour_ago, hour_ago))
    admin_client.get(URL)
    assert kept_files(admin_user) == []
    expired = confirm(admin_client, second, follow=True)
    assert "This import has expired" in expired.text


def test_a_token_from_another_session_is_refused(admin_client, admin_user, seed_text):
    _, page = preview(admin_client, text=seed_text)
    other = https_client()
    staff_login(other, admin_user)
    response = confirm(other, page)
    assert response.status_code == 302
    assert not Article.objects.exists()


def test_a_contributor_is_offered_drafts_only_and_refusals_are_messages(role_client, seed_text):
    client = role_client("contributor")
    form = BeautifulSoup(client.get(URL).content, "html.parser")
    assert [o["value"] for o in form.select("select[name=status] option")] == ["draft"]
    refused = client.post(URL, {**SETTINGS, "text": seed_text, "status": "published"})
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.text

    _, page = preview(client, text=seed_text)  # dated: still a draft
    assert confirm(client, page).status_code == 302
    article = Article.objects.get()
    assert article.status == "draft"
    assert article.created_by.groups.get().name.lower().startswith("contributor")


def test_without_a_role_the_page_says_why(client, db):
    assert client.get(URL).status_code == 302  # to the login page
    staff = User.objects.create_user("reader", password="x", is_staff=True)
    staff_login(client, staff)
    refused = client.get(URL)
    assert refused.status_code == 403
    assert "You cannot write new drafts here" in refused.text


def test_two_thousand_items_confirmed_with_a_small_request(
    admin_client, django_assert_max_num_queries
):
    _, page = preview(admin_client, text=rss(2000), status="source")
    assert len(page.select("tr.import-item")) == 2000
    assert "Importing will create 0 drafts (not public), 0 scheduled articles and 2000" in " ".join(
        page.select_one(".import-summary").text.split()
    )
    saved = confirm(admin_client, page, **{"headline-1999": "The last one, corrected"})
    assert saved.status_code == 302
    assert Article.objects.count() == 2000
    assert Article.objects.published().count() == 2000
    assert Article.objects.filter(headline="The last one, corrected").exists()
    assert ImportRun.objects.get().articles.count() == 2000


def test_every_field_posted_at_once_is_a_message_not_a_bare_400(admin_client):
    _, page = preview(admin_client, text=rss(600))
    data = {"token": token(page), "confirm": "Import"}
    data |= {f"headline-{n}": f"Plant news number {n}" for n in range(600)}
    data |= {f"pub_date-{n}": "2026-03-02T09:30" for n in range(600)}
    response = admin_client.post(URL, data, follow=True)
    assert response.status_code == 200
    assert "instead of the corrections only" in response.text


def test_lead_images_are_fetched_by_the_worker_and_reported(
    admin_client, admin_user, settings, django_capture_on_commit_callbacks
):
    from tests.importers.test_images import WXR, jpeg_with_gps
    from tests.test_fetching import FeedServer, send

    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = True
    with FeedServer() as server:
        server.routes["/press.jpg"] = lambda h: send(h, 200, jpeg_with_gps())
        export = WXR.format(image_url=server.url("/press.jpg"))
        _, page = preview(admin_client, text=export, fetch_images="on")
        with django_capture_on_commit_callbacks(execute=True):
            saved = confirm(admin_client, page)
        # Not in the request: the import answers before any image is fetched.
        assert Article.objects.get().lead_image is None
        waiting = admin_client.get(saved["Location"])
        assert "Waiting for the background worker" in waiting.text
        call_command("worker", "--once", stdout=open(os.devnull, "w"))  # noqa: SIM115
    article = Article.objects.get()
    assert article.lead_image_alt_text == "The new press in hall 3"
    run = ImportRun.objects.get()
    assert run.images == "done"
    assert "1 fetched, 0 not" in admin_client.get(saved["Location"]).text
    note = Notification.objects.get(user=admin_user)
    assert "1 fetched, 0 not" in note.text


LISTING = "Company news\n\n" + "".join(
    f"Harbour crane number {n} enters service\n\n"
    f"The crane lifts forty tonnes and was built at our yard in {n} months of work.\n\n"
    for n in range(2, 6)
)


def test_a_page_refused_as_not_an_article_can_be_imported_anyway(admin_client):
    refused = admin_client.post(URL, {**SETTINGS, "text": LISTING})
    assert refused.status_code == 400
    page = BeautifulSoup(refused.content, "html.parser")
    assert "not an article: a listing of 4 headlines" in page.select_one(".messagelist .error").text
    assert "Import anyway" in page.select_one(".import-anyway").text
    assert page.find("input", attrs={"name": "confirm"}) is None

    _, page = preview(admin_client, text=LISTING, anyway="on")
    unsure = [item.text for item in page.select(".import-unsure li")]
    assert any("check the article" in text for text in unsure), unsure
    assert any("imported although a listing" in li.text for li in page.select(".import-notes li"))
    confirm(admin_client, page)
    assert Article.objects.get().headline.startswith("Harbour crane number")


def test_a_sure_import_asks_nothing(admin_client, seed_text):
    _, page = preview(admin_client, text=seed_text)
    assert page.select(".import-unsure") == []
