"""The contributor's loop in the desk: the return note on the article, only the moves the role
allows, a read-only article shown as readers see it, the writer's own byline, notifications."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from newscenter.news import services
from newscenter.news.models import Article, Author, Notification
from newscenter.news.services import workflow
from tests.builders import make_article, make_user
from tests.conftest import https_client, staff_login

pytestmark = pytest.mark.django_db


def page_of(user, url: str) -> BeautifulSoup:
    answer = staff_login(https_client(), user).get(url)
    assert answer.status_code == 200, answer.status_code
    return BeautifulSoup(answer.content, "html.parser")


def change_url(article) -> str:
    return f"/admin/news/article/{article.pk}/change/"


@pytest.fixture
def returned():
    writer = make_user(role="contributor", email="writer@example.com")
    editor = make_user(role="editor", first_name="Eda", last_name="Example")
    article = services.article_create(acting_user=writer, headline="Open day on 4 May")
    workflow.article_submit(article=article, acting_user=writer)
    workflow.article_return(article=article, acting_user=editor, note="Say where to park.")
    return writer, editor, article


def test_the_return_note_stands_on_the_article_until_it_is_submitted_again(returned):
    writer, _editor, article = returned
    banner = page_of(writer, change_url(article)).find(id="return-note")
    assert "Returned to the writer by" in banner.get_text()
    assert banner.find("blockquote").get_text(strip=True) == "Say where to park."

    workflow.article_submit(article=article, acting_user=writer)
    editor_view = page_of(make_user(role="editor"), change_url(article))
    assert editor_view.find(id="return-note") is None


def test_submit_return_and_publish_notify_the_people_concerned(
    returned, settings, django_capture_on_commit_callbacks
):
    writer, editor, article = returned
    other_editor = make_user(role="editor", email="desk@example.com")
    # The submission reached the editor; the return reached the writer, with the note.
    [submitted] = Notification.objects.filter(user=editor, article=article)
    assert submitted.text == f"{writer.username} submitted “Open day on 4 May” for review."
    [back] = Notification.objects.filter(user=writer)
    assert back.text == "Eda Example returned “Open day on 4 May” to you: Say where to park."

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # mail goes after the commit
        workflow.article_submit(article=article, acting_user=writer)
        workflow.article_publish(article=article, acting_user=editor)
    assert Notification.objects.filter(user=other_editor, article=article).count() == 1
    assert Notification.objects.filter(user=writer).first().text == (
        "Eda Example published “Open day on 4 May”."
    )
    assert not Notification.objects.filter(user=editor, text__contains="published")  # the mover
    # Email, as configured (the tests' locmem backend): one mail per person, with the link.
    assert sorted(m.to[0] for m in mail.outbox) == ["desk@example.com", "writer@example.com"]
    published = next(m for m in mail.outbox if m.to == ["writer@example.com"])
    assert published.subject == "Eda Example published “Open day on 4 May”."
    assert f"/admin/news/article/{article.pk}/change/" in published.body

    # The default EMAIL_URL writes mail to the log: no mail is sent then, notifications are.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_unpublish(article=article, acting_user=editor)
        workflow.article_reopen(article=article, acting_user=editor)
        workflow.article_submit(article=article, acting_user=writer)
    assert mail.outbox == []
    assert Notification.objects.filter(user=other_editor).count() == 2


def test_notifications_show_in_the_header_and_on_the_front_page_and_are_marked_read(returned):
    writer, _editor, article = returned
    client = staff_login(https_client(), writer)
    page = BeautifulSoup(client.get("/admin/").content, "html.parser")
    assert "Notifications (1 new)" in page.find(id="user-tools").get_text()
    note = page.find(id="notifications").find("a")
    assert note["href"] == change_url(article)
    answer = client.post("/admin/notifications/read/")
    assert answer.status_code == 302
    assert not Notification.objects.filter(user=writer, read=False).exists()
    assert client.get("/admin/notifications/read/").status_code == 405


def test_a_contributor_is_offered_only_what_the_role_allows(returned):
    writer, _editor, article = returned
    listing = page_of(writer, "/admin/news/article/")
    actions = {o["value"] for o in listing.select("select[name=action] option") if o["value"]}
    assert "publish_now" not in actions
    assert "unpublish" not in actions
    assert listing.find("a", string="Import articles") is not None  # contributors may import
    tools = page_of(writer, change_url(article)).select(".object-tools a")
    assert "Review links" not in [a.get_text(strip=True) for a in tools]

    editor = make_user(role="editor")
    listing = page_of(editor, "/admin/news/article/")
    actions = {o["value"] for o in listing.select("select[name=action] option")}
    assert {"publish_now", "unpublish"} <= actions
    tools = page_of(editor, change_url(article)).select(".object-tools a")
    assert "Review links" in [a.get_text(strip=True) for a in tools]


def test_a_read_only_article_shows_its_body_formatted():
    article = make_article(body="<p>Hall <strong>four</strong> reopens.</p><h2>Times</h2>")
    page = page_of(make_user(role="contributor"), change_url(article))
    body = page.select_one(".formatted-body")
    assert body.find("strong").get_text() == "four"
    assert body.find("h2").get_text() == "Times"
    assert "&lt;p&gt;" not in str(page)
    assert page.find("textarea", attrs={"name": "body"}) is None


def test_the_signed_in_writer_is_the_new_articles_author():
    writer = make_user(role="contributor", first_name="Ann", last_name="Writer")
    client = staff_login(https_client(), writer)
    form = {"headline": "Apprentices start", "slug": "", "standfirst": "", "body": "<p>x</p>"}
    answer = client.post("/admin/news/article/add/", {**form, "language": ""})
    assert answer.status_code == 302, answer.content[:2000]
    article = Article.objects.get(headline="Apprentices start")
    [author] = article.authors.all()
    assert (author.name, author.user) == ("Ann Writer", writer)

    # From then on the add form starts with their byline chosen.
    page = page_of(writer, "/admin/news/article/add/")
    chosen = page.select("select[name=authors] option[selected]")
    assert [o["value"] for o in chosen] == [str(author.pk)]
    assert Author.objects.filter(user=writer).count() == 1
