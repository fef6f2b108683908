"""Revisions: a readable diff between any two, restore as a new revision, and the admin pages."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied

from newscenter.desk import diff
from newscenter.desk.diff import body_text, word_diff
from newscenter.news import services
from newscenter.news.models import Article, AuditEntry, Revision
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_user

pytestmark = pytest.mark.django_db


def draft(**fields) -> Article:
    return make_article(status=Article.Status.DRAFT, pub_date=None, **fields)


def edit(article: Article, **changes) -> Article:
    return services.article_update(article=article, acting_user=SYSTEM, **changes)


def revision(article: Article, number: int) -> Revision:
    return article.revisions.get(number=number)


def diffs_by_name(older: Revision, newer: Revision) -> dict[str, diff.FieldDiff]:
    return {d.name: d for d in diff.revision_diff(older, newer)}


# --- the diff -------------------------------------------------------------------------------


def test_every_save_keeps_a_numbered_revision():
    article = draft(headline="First")
    edit(article, headline="Second")
    edit(article, headline="Third")
    assert list(article.revisions.values_list("number", "content__headline")) == [
        (3, "Third"),
        (2, "Second"),
        (1, "First"),
    ]


def test_text_fields_are_diffed_word_by_word():
    article = draft(
        headline="Plant opens in Linz",
        standfirst="The new plant employs 200 people.",
        body="<p>First paragraph stays.</p><p>Second one goes.</p>",
    )
    edit(
        article,
        headline="New plant opens in Linz today",
        standfirst="The new plant employs 250 people.",
        body="<p>First paragraph stays.</p><p>An added paragraph.</p>",
    )
    diffs = diffs_by_name(revision(article, 1), revision(article, 2))
    assert set(diffs) == {"headline", "standfirst", "body"}
    headline = BeautifulSoup(str(diffs["headline"].html), "html.parser")
    assert [i.text.strip() for i in headline.find_all("ins")] == ["New plant", "today"]
    assert headline.find("del").text.strip() == "Plant"  # "Plant" became "New plant"
    standfirst = BeautifulSoup(str(diffs["standfirst"].html), "html.parser")
    assert standfirst.find("del").text.strip() == "200"
    assert standfirst.find("ins").text.strip() == "250"
    body = BeautifulSoup(str(diffs["body"].html), "html.parser")
    assert body.find("del").text.strip() == "Second one goes."
    assert body.find("ins").text.strip() == "An added paragraph."
    assert "First paragraph stays." in body.text
    assert diffs["body"].old == "First paragraph stays.\nSecond one goes."
    assert diffs["headline"].label == "Headline"


def test_body_is_compared_as_text_with_its_blocks_and_links():
    text = body_text(
        '<h2>Title</h2><p>One &amp; <a href="https://a.example/">two</a></p>'
        '<ul><li>x</li><li>y</li></ul><p><img src="/media/p.png" alt="A pump"></p>'
    )
    assert text.split("\n") == [
        "Title",
        "One & two [https://a.example/]",
        "x",
        "y",
        "[image: A pump /media/p.png]",
    ]
    # A removed line keeps its place; a removed break inside a changed run shows as ¶.
    assert str(word_diff("a\nb\nc", "a\nc\nd")) == "a<br><del>b</del><br>c<br><ins>d</ins>"
    assert str(word_diff("one\ntwo", "one two")) == "<del>one \u00b6 </del><ins>one </ins>two"


def test_editor_text_is_escaped_in_the_diff():
    article = draft(headline="Plain headline")
    edit(
        article,
        headline='<script>alert("x")</script> headline',
        standfirst="<img src=x onerror=alert(1)>",
    )
    diffs = diffs_by_name(revision(article, 1), revision(article, 2))
    for name in ("headline", "standfirst"):
        html = str(diffs[name].html)
        assert "<script" not in html
        assert "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in str(diffs["headline"].html)
    page = BeautifulSoup(str(diffs["headline"].html), "html.parser")
    assert page.find("script") is None
    assert {tag.name for tag in page.find_all(True)} <= {"ins", "del", "br"}


def test_metadata_is_shown_old_to_new_with_names_resolved():
    news = services.section_get_or_create(name="News", acting_user=SYSTEM)
    events = services.section_get_or_create(name="Events", acting_user=SYSTEM)
    pumps, plants = (
        services.tag_get_or_create(name="Pumps", acting_user=SYSTEM),
        services.tag_get_or_create(name="Plants", acting_user=SYSTEM),
    )
    jana = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    article = draft(section=news, tags=[pumps], language="en")
    edit(
        article,
        section=events,
        tags=[pumps, plants],
        authors=[jana],
        language="de",
        source_name="Trade Weekly",
        canonical_url="https://trade.example/a",
    )
    diffs = diffs_by_name(revision(article, 1), revision(article, 2))
    assert (diffs["section"].old, diffs["section"].new) == ("News", "Events")
    assert (diffs["tags"].old, diffs["tags"].new) == ("Pumps", "Pumps, Plants")
    assert (diffs["authors"].old, diffs["authors"].new) == ("(none)", "Jana Oster")
    assert (diffs["language"].old, diffs["language"].new) == ("en", "de")
    assert diffs["source_name"].new == "Trade Weekly"
    assert diffs["canonical_url"].new == "https://trade.example/a"
    assert str(diffs["section"].html) == "<del>News</del> → <ins>Events</ins>"
    assert "headline" not in diffs  # unchanged fields are left out


def test_status_and_date_are_readable():
    article = draft()
    when = dt.datetime(2025, 3, 4, 10, 30, tzinfo=dt.UTC)
    services.article_update(article=article, acting_user=SYSTEM, status="scheduled", pub_date=when)
    diffs = diffs_by_name(revision(article, 1), revision(article, 2))
    assert (diffs["status"].old, diffs["status"].new) == ("Draft", "Scheduled")
    assert diffs["pub_date"].old == "(none)"
    assert diffs["pub_date"].new.startswith("2025-03-04")


def test_a_deleted_section_is_named_by_its_id():
    gone = services.section_get_or_create(name="Short-lived", acting_user=SYSTEM)
    article = draft(section=gone)
    edit(article, section=None)
    gone_id = gone.pk
    gone.delete()
    diffs = diffs_by_name(revision(article, 1), revision(article, 2))
    assert diffs["section"].old == f"(deleted section {gone_id})"
    assert diffs["section"].new == "(none)"


def test_lead_image_is_named_and_restored():
    from tests.builders import make_image

    image = make_image(alt="The new pump hall")
    article = draft(lead_image=image)
    edit(article, lead_image=None)
    diffs = diffs_by_name(revision(article, 1), revision(article, 2))
    assert diffs["lead_image"].old == str(image)
    assert diffs["lead_image"].new == "(none)"
    services.revision_restore(article=article, revision=revision(article, 1), acting_user=SYSTEM)
    article.refresh_from_db()
    assert article.lead_image == image


def test_any_two_revisions_compare_in_either_order():
    article = draft(headline="One")
    for headline in ("Two", "Three", "Four"):
        edit(article, headline=headline)
    first, third = revision(article, 1), revision(article, 3)
    forward = diffs_by_name(first, third)["headline"]
    assert (forward.old, forward.new) == ("One", "Three")
    backward = diffs_by_name(third, first)["headline"]
    assert (backward.old, backward.new) == ("Three", "One")
    assert diff.revision_diff(third, third) == []


# --- restore --------------------------------------------------------------------------------


def test_restore_writes_an_old_revision_back_as_a_new_one():
    editor = make_user(role="editor")
    news = services.section_get_or_create(name="News", acting_user=SYSTEM)
    article = draft(headline="Original", body="<p>Original body.</p>", section=news)
    edit(article, headline="Rewritten", body="<p>New body.</p>", section=None)
    restored = services.revision_restore(
        article=article, revision=revision(article, 1), acting_user=editor
    )
    restored.refresh_from_db()
    assert (restored.headline, restored.body, restored.section) == (
        "Original",
        "<p>Original body.</p>",
        news,
    )
    latest = restored.revisions.first()
    assert latest.number == 3
    assert latest.note == "restored from revision 1"
    assert latest.author == editor
    # The older revisions are left exactly as they were.
    assert revision(article, 1).content["headline"] == "Original"
    assert revision(article, 2).content["headline"] == "Rewritten"
    entry = AuditEntry.objects.filter(action="revision.restore").get()
    assert (entry.actor, entry.article, entry.detail["revision"]) == (editor, article, 1)


def test_restore_keeps_the_status_and_date():
    article = make_article(headline="Public now")
    edit(article, headline="Public and edited")
    services.article_update(
        article=article, acting_user=SYSTEM, status="draft", headline="Back in draft"
    )
    services.revision_restore(
        article=article, revision=revision(article, 1), acting_user=make_user(role="editor")
    )
    article.refresh_from_db()
    assert article.headline == "Public now"
    assert article.status == "draft"


def test_restore_of_a_public_article_keeps_its_address():
    article = make_article(headline="Original headline")
    url = article.get_absolute_url()
    edit(article, headline="Another headline", slug="another-headline")
    edit(article, slug="original-headline")
    services.revision_restore(
        article=article, revision=revision(article, 2), acting_user=make_user(role="editor")
    )
    article.refresh_from_db()
    assert article.headline == "Another headline"
    assert article.get_absolute_url() == url


def test_contributor_may_restore_only_their_own_drafts():
    author, other = make_user(role="contributor"), make_user(role="contributor")
    article = services.article_create(acting_user=author, headline="Mine")
    services.article_update(article=article, acting_user=author, headline="Mine, edited")
    with pytest.raises(PermissionDenied, match="only on their own drafts"):
        services.revision_restore(article=article, revision=revision(article, 1), acting_user=other)
    article.refresh_from_db()
    assert article.headline == "Mine, edited"
    assert article.revisions.count() == 2
    services.revision_restore(article=article, revision=revision(article, 1), acting_user=author)
    article.refresh_from_db()
    assert article.headline == "Mine"


def test_restore_skips_what_was_deleted_and_says_so():
    tag, gone = (
        services.tag_get_or_create(name="Kept", acting_user=SYSTEM),
        services.tag_get_or_create(name="Gone", acting_user=SYSTEM),
    )
    article = draft(tags=[tag, gone])
    edit(article, tags=[])
    gone_id = gone.pk
    gone.delete()
    services.revision_restore(article=article, revision=revision(article, 1), acting_user=SYSTEM)
    assert list(article.tags.all()) == [tag]
    entry = AuditEntry.objects.get(action="revision.restore")
    assert entry.detail["missing"] == [f"tag {gone_id}"]


def test_a_revision_of_another_article_is_refused():
    one, two = draft(), draft()
    with pytest.raises(Exception, match="another article"):
        services.revision_restore(article=one, revision=revision(two, 1), acting_user=SYSTEM)


# --- admin ----------------------------------------------------------------------------------


def revisions_url(article, suffix=""):
    return f"/admin/news/article/{article.pk}/revisions/{suffix}"


def messages_of(response) -> list[str]:
    return [m.message for m in response.context["messages"]]


def test_revision_list_renders_for_an_editor(role_client):
    client = role_client("editor")
    article = draft(headline="First")
    edit(article, headline="<b>Second</b>")
    response = client.get(revisions_url(article))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    rows = page.select("#revision-list tbody tr")
    assert [row.th.text for row in rows] == ["2", "1"]
    assert page.select_one('input[name="a"][checked]')["value"] == "1"
    assert page.select_one('input[name="b"][checked]')["value"] == "2"
    assert len(page.select("#content-main form[method=post] button")) == 1  # revision 1
    assert "no-store" in response["Cache-Control"]


def test_compare_page_shows_the_escaped_diff(role_client):
    client = role_client("editor")
    article = draft(headline="Quiet headline")
    edit(article, headline="<script>alert(1)</script> headline")
    response = client.get(revisions_url(article, "compare/"), {"a": "2", "b": "1"})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    cell = page.select_one("#revision-diff tr.diff-headline td")
    assert cell.find("del").text.strip() == "Quiet"
    assert cell.find("ins").text.strip() == "<script>alert(1)</script>"
    assert not page.select("#content script")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Choose two revisions to compare."),
        ({"a": "1"}, "Choose two revisions to compare."),
        ({"a": "x", "b": "1"}, "Revisions are named by their numbers, such as 3."),
        ({"a": "1", "b": "9"}, "This article has no revision 9."),
        ({"a": "0", "b": "1"}, "This article has no revision 0."),
        ({"a": "1", "b": "99999999999999999999999"}, "This article has no revision 9999"),
    ],
)
def test_bad_compare_numbers_give_a_clear_message(role_client, query, message):
    client = role_client("editor")
    article = draft()
    response = client.get(revisions_url(article, "compare/"), query, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == revisions_url(article)
    assert any(m.startswith(message) for m in messages_of(response))


def test_restore_through_the_admin(role_client):
    client = role_client("editor")
    article = draft(headline="Kept")
    edit(article, headline="Changed")
    response = client.post(revisions_url(article, "1/restore/"), follow=True)
    assert response.status_code == 200
    assert "Restored revision 1 as revision 3." in messages_of(response)
    article.refresh_from_db()
    assert article.headline == "Kept"


def test_restore_through_the_admin_warns_of_what_is_gone(role_client):
    client = role_client("editor")
    gone = services.section_get_or_create(name="Closed section", acting_user=SYSTEM)
    article = draft(section=gone)
    edit(article, section=None)
    gone_id = gone.pk
    gone.delete()
    response = client.post(revisions_url(article, "1/restore/"), follow=True)
    assert messages_of(response) == [
        "Restored revision 1 as revision 3.",
        f"No longer there, so not restored: section {gone_id}.",
    ]


def test_restore_is_post_only_and_needs_csrf(role_client, admin_user):
    from tests.conftest import https_client, staff_login

    client = role_client("editor")
    article = draft(headline="Kept")
    edit(article, headline="Changed")
    assert client.get(revisions_url(article, "1/restore/")).status_code == 405
    strict = staff_login(https_client(enforce_csrf_checks=True), admin_user)
    assert strict.post(revisions_url(article, "1/restore/")).status_code == 403
    article.refresh_from_db()
    assert article.headline == "Changed"


def test_restore_refusal_is_an_admin_message(role_client):
    client = role_client("contributor")
    owner = make_user(role="contributor")
    article = services.article_create(acting_user=owner, headline="Theirs")
    services.article_update(article=article, acting_user=owner, headline="Theirs, edited")
    page = client.get(revisions_url(article))
    assert page.status_code == 200  # contributors may read every article's history
    assert not BeautifulSoup(page.content, "html.parser").select("#content-main form[method=post]")
    response = client.post(revisions_url(article, "1/restore/"), follow=True)
    assert messages_of(response) == [
        "Not restored: a contributor may restore revisions only on their own drafts."
    ]
    article.refresh_from_db()
    assert article.headline == "Theirs, edited"


def test_restore_of_an_unknown_revision_is_a_message(role_client):
    client = role_client("editor")
    article = draft()
    for number in ("7", "99999999999999999999"):
        response = client.post(revisions_url(article, f"{number}/restore/"), follow=True)
        assert response.status_code == 200
        assert f"This article has no revision {number}." in messages_of(response)


def test_revisions_of_an_unknown_article_are_404(role_client):
    client = role_client("editor")
    assert client.get("/admin/news/article/987654/revisions/").status_code == 404
    assert client.get("/admin/news/article/nope/revisions/compare/?a=1&b=2").status_code == 404


def test_revisions_are_staff_only(client):
    article = draft()
    response = client.get(revisions_url(article))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
