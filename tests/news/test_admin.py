"""The editors' desk through HTTP: create, edit, publish, schedule, preview, filters."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.utils import formats, timezone

from newscenter.news import services
from newscenter.news.models import Article, AuditEntry
from newscenter.news.policy import SYSTEM
from tests.builders import make_article

pytestmark = pytest.mark.django_db


def article_form(**overrides) -> dict:
    now = timezone.localtime()
    return {
        "headline": "Pump line wins a design award",
        "slug": "",
        "standfirst": "The new line was honoured in Munich.",
        "body": "<p>Judges praised it.</p><script>alert(1)</script>",
        "status": "draft",
        "pub_date_0": now.strftime("%Y-%m-%d"),
        "pub_date_1": now.strftime("%H:%M:%S"),
        "section": "",
        "lead_image_alt": "",
        "source_name": "",
        "source_url": "",
        "canonical_url": "",
        "language": "",
        **overrides,
    }


def test_editor_creates_a_draft_through_the_admin(admin_client, admin_user):
    response = admin_client.post("/admin/news/article/add/", article_form())
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(
        ".errorlist"
    )
    article = Article.objects.get()
    assert article.status == "draft"
    assert article.slug == "pump-line-wins-a-design-award"
    assert article.body == "<p>Judges praised it.</p>"
    assert article.language == "en"
    entry = AuditEntry.objects.get(action="create")
    assert (entry.actor, entry.action, entry.article) == (admin_user, "create", article)
    assert article not in Article.objects.published()
    # No author chosen, on their first article: the writer's own byline is made and credited.
    assert [a.user for a in article.authors.all()] == [admin_user]
    assert AuditEntry.objects.filter(action="author.create", actor=admin_user).exists()


def test_editor_edits_and_publishes(admin_client, client):
    article = make_article(status="draft", headline="Old headline")
    form = article_form(headline="New headline", slug=article.slug, status="published")
    response = admin_client.post(f"/admin/news/article/{article.pk}/change/", form)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "New headline"
    assert article.status == "draft"  # the form has no say over the state: the workflow has
    response = admin_client.post(
        f"/admin/news/article/{article.pk}/transition/", {"transition": "publish"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "published"
    assert client.get(article.get_absolute_url()).status_code == 200
    assert "New headline" in client.get("/news/").text
    assert list(AuditEntry.objects.filter(article=article).values_list("action", flat=True)) == [
        "publish",
        "update",
        "create",
    ]


def test_editor_schedules_an_article(admin_client, client):
    future = timezone.localtime() + dt.timedelta(days=3)
    assert admin_client.post("/admin/news/article/add/", article_form()).status_code == 302
    article = Article.objects.get()
    response = admin_client.post(
        f"/admin/news/article/{article.pk}/transition/",
        {"transition": "schedule", "when": future.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "scheduled"
    assert article.pub_date > timezone.now()
    assert client.get(article.get_absolute_url()).status_code == 404
    listing = admin_client.get("/admin/news/article/")
    cells = BeautifulSoup(listing.content, "html.parser").select("td.field-state")
    when = formats.date_format(timezone.localtime(article.pub_date), "DATETIME_FORMAT")
    assert [c.text for c in cells] == [f"Scheduled for {when}"]


def test_publish_action_and_unpublish_action(admin_client):
    drafts = [make_article(status="draft") for _ in range(2)]
    response = admin_client.post(
        "/admin/news/article/",
        {"action": "publish_now", "_selected_action": [a.pk for a in drafts]},
    )
    assert response.status_code == 302
    assert Article.objects.published().count() == 2
    admin_client.post(
        "/admin/news/article/",
        {"action": "unpublish", "_selected_action": [drafts[0].pk]},
    )
    assert list(Article.objects.published()) == [drafts[1]]


def test_admin_refuses_invalid_input_with_messages(admin_client):
    form = article_form(headline="", status="published", pub_date_0="", pub_date_1="")
    response = admin_client.post("/admin/news/article/add/", form)
    assert response.status_code == 200
    errors = BeautifulSoup(response.content, "html.parser").select(".errorlist")
    assert errors
    assert not Article.objects.exists()


def test_slug_is_unique_per_publication_day(admin_client):
    day = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
    first = make_article(headline="Same words", pub_date=day)
    second = make_article(headline="Same words", pub_date=day + dt.timedelta(hours=2))
    other_day = make_article(headline="Same words", pub_date=day + dt.timedelta(days=1))
    assert (first.slug, second.slug, other_day.slug) == ("same-words", "same-words-2", "same-words")


def test_changelist_filters_and_search(admin_client):
    section = services.section_get_or_create(name="Product news", acting_user=SYSTEM)
    make_article(headline="Compressor launch", section=section)
    make_article(headline="Quarterly figures", status="draft")
    by_status = admin_client.get("/admin/news/article/?status__exact=draft")
    assert "Quarterly figures" in by_status.text
    assert "Compressor launch" not in by_status.text
    by_section = admin_client.get(f"/admin/news/article/?section__id__exact={section.pk}")
    assert "Compressor launch" in by_section.text
    assert "Quarterly figures" not in by_section.text
    search = admin_client.get("/admin/news/article/?q=compressor")
    assert "Compressor launch" in search.text
    assert "Quarterly figures" not in search.text


def test_change_form_offers_editor_prefill_and_preview(admin_client):
    draft = make_article(status="draft")
    page = admin_client.get(f"/admin/news/article/{draft.pk}/change/")
    html = page.text
    assert "data-django-prose-editor-configurable" in html
    assert "prepopulated" in html
    assert f"/news/preview/{draft.pk}/" in html
    public = make_article()
    page = admin_client.get(f"/admin/news/article/{public.pk}/change/")
    assert public.get_absolute_url() in page.text


def test_every_admin_page_renders(admin_client, article):
    for path in (
        "/admin/",
        "/admin/news/article/",
        "/admin/news/article/add/",
        f"/admin/news/article/{article.pk}/change/",
        "/admin/news/section/",
        "/admin/news/section/add/",
        "/admin/news/tag/",
        "/admin/news/author/",
        "/admin/news/sitesettings/",
        "/admin/news/auditentry/",
    ):
        assert admin_client.get(path).status_code == 200, path


def test_an_editors_admin_edit_reaches_search_once_committed(
    admin_client, client, django_capture_on_commit_callbacks
):
    form = article_form(headline="Bellows for district heating")
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post("/admin/news/article/add/", form).status_code == 302
    article = Article.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/news/article/", {"action": "publish_now", "_selected_action": [article.pk]}
        )
    found = client.get("/news/search.json", {"q": "bellows"}).json()
    assert [r["id"] for r in found["results"]] == [article.pk]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/news/article/", {"action": "unpublish", "_selected_action": [article.pk]}
        )
    assert client.get("/news/search.json", {"q": "bellows"}).json()["total"] == 0
