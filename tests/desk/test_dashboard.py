"""The newsroom's front page: each person's waiting work, and Django's apps kept to admins."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from newscenter.news import services
from newscenter.news.policy import SYSTEM
from newscenter.news.services import desk, workflow
from tests.builders import make_article, make_user
from tests.conftest import https_client, staff_login

pytestmark = pytest.mark.django_db


def front_page(user) -> BeautifulSoup:
    answer = staff_login(https_client(), user).get("/admin/")
    assert answer.status_code == 200
    return BeautifulSoup(answer.content, "html.parser")


def section(page: BeautifulSoup, ident: str) -> str:
    found = page.find(id=ident)
    return " ".join(found.get_text(" ").split()) if found else ""


def test_a_contributor_sees_their_drafts_and_the_returned_one_with_its_note():
    writer, editor = make_user(role="contributor"), make_user(role="editor")
    services.article_create(acting_user=writer, headline="Canteen opens early")
    sent = services.article_create(acting_user=writer, headline="New bus stop at gate two")
    workflow.article_submit(article=sent, acting_user=writer)
    workflow.article_return(article=sent, acting_user=editor, note="Add the bus times, please.")
    make_article(headline="Someone else's draft", status="draft")

    page = front_page(writer)
    drafts = section(page, "my-drafts")
    assert "Canteen opens early" in drafts
    assert "New bus stop at gate two" in drafts
    assert "Someone else's draft" not in drafts
    returned = section(page, "returned")
    assert "New bus stop at gate two" in returned
    assert "Add the bus times, please." in returned
    assert "Canteen opens early" not in returned
    assert page.find(id="in-review") is None  # a contributor reviews nothing
    assert page.find("a", string="New article")["href"] == "/admin/news/article/add/"

    # Submitted again, it is no longer "returned": it waits for the editor.
    workflow.article_submit(article=sent, acting_user=writer)
    assert front_page(writer).find(id="returned") is None
    assert "New bus stop at gate two" in section(front_page(editor), "in-review")


def test_scheduled_times_are_in_the_site_time_zone():
    services.site_settings_update(acting_user=SYSTEM, time_zone="Europe/Berlin")
    at = dt.datetime(2031, 1, 15, 8, 30, tzinfo=dt.UTC)  # 09:30 in Berlin in winter
    article = make_article(headline="Annual report", status="draft")
    workflow.article_schedule(article=article, acting_user=SYSTEM, at=at)
    make_article(headline="Already out")  # published: not in the list

    text = section(front_page(make_user(role="editor")), "scheduled")
    assert "Times in Europe/Berlin" in text
    assert "Annual report goes public Wed 15 Jan 2031, 09:30" in text
    assert "Already out" not in text


def test_recent_imports_link_their_reports():
    editor, writer = make_user(role="editor"), make_user(role="contributor")
    run = desk.import_run_record(
        acting_user=editor, source_name="press-2030.xml", format_name="wxr",
        created=["a", "b"], updated=[], skipped=[("c", "no title")], failed=[], articles=[],
        fetch_images=False,
    )  # fmt: skip
    page = front_page(editor)
    assert "press-2030.xml" in section(page, "imports")
    assert "2 created, 0 updated, 1 skipped" in section(page, "imports")
    assert page.find(id="imports").find("a")["href"] == f"/admin/news/article/import/{run.pk}/"
    assert front_page(writer).find(id="imports") is None  # not theirs


def system_group(page: BeautifulSoup) -> str:
    found = [
        c.find_parent("table").get_text(" ")
        for c in page.select("#content-main caption")
        if c.get_text(strip=True) == "System"
    ]
    return found[0] if found else ""


def test_djangos_own_apps_are_one_system_group_for_administrators_only():
    assert "Users" in system_group(front_page(make_user(role="administrator")))
    admin_page = front_page(make_user(role="administrator", is_superuser=True))
    captions = [c.get_text(strip=True) for c in admin_page.select("#content-main caption")]
    assert "System" in captions
    assert "Authentication and Authorization" not in captions
    assert "Axes" not in captions
    system = system_group(admin_page)
    assert "Users" in system
    assert "Access attempts" in system
    assert "Task Results" in system

    for role in ("editor", "contributor"):
        page = front_page(make_user(role=role))
        text = page.get_text()
        assert "System" not in [c.get_text(strip=True) for c in page.select("caption")]
        assert "Access attempts" not in text
        assert "Authentication and Authorization" not in text
        assert "News" in [c.get_text(strip=True) for c in page.select("caption")]


def test_the_in_review_list_is_for_editors_and_empty_says_so():
    page = front_page(make_user(role="editor"))
    assert "Nothing waits for review." in section(page, "in-review")
    assert "You have no drafts." in section(page, "my-drafts")
