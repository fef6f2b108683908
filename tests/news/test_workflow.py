"""The workflow: effective states, the transition table, embargo, 410 Gone, audit, refusals.

The clock is frozen (time_machine) wherever "now" decides the answer.
"""

import datetime as dt
import io

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from newscenter.news import publishing, services
from newscenter.news.models import Article, AuditEntry, Revision
from newscenter.news.policy import SYSTEM, PolicyDenied
from newscenter.news.services import workflow
from tests.builders import make_article, make_image, make_user
from tests.conftest import https_client, staff_login

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)
LATER = NOW + dt.timedelta(hours=2)

# --- effective state: (stored status, pub_date relative to NOW) -> (state, public?) ---------

STATE_TABLE = [
    ("draft", -SECOND, "draft", False),
    ("draft", SECOND, "draft", False),
    ("draft", None, "draft", False),
    ("review", -SECOND, "review", False),
    ("review", None, "review", False),
    ("scheduled", -SECOND, "published", True),
    ("scheduled", dt.timedelta(0), "published", True),
    ("scheduled", SECOND, "scheduled", False),
    ("published", -dt.timedelta(days=400), "published", True),
    ("published", dt.timedelta(0), "published", True),
    # An older row (or a raw import) stored "published" ahead of its date: not public yet.
    ("published", SECOND, "scheduled", False),
    ("embargoed", -SECOND, "published", True),
    ("embargoed", SECOND, "embargoed", False),
    ("unpublished", -SECOND, "unpublished", False),
    ("unpublished", SECOND, "unpublished", False),
    ("archived", -SECOND, "archived", False),
    ("archived", None, "archived", False),
]


def stored(status: str, pub_date: dt.datetime | None) -> Article:
    """An article with exactly this stored status and date (as any past code may have left)."""
    article = make_article(status="draft", pub_date=pub_date)
    Article.objects.filter(pk=article.pk).update(status=status)
    article.refresh_from_db()
    return article


@pytest.mark.parametrize(("status", "offset", "state", "public"), STATE_TABLE)
def test_effective_state_truth_table(status, offset, state, public):
    with time_machine.travel(NOW, tick=False):
        article = stored(status, None if offset is None else NOW + offset)
        assert publishing.state(article) == state
        assert (article in Article.objects.published()) is public
        assert article.is_public is public
        assert list(workflow.in_state(Article.objects.all(), state)) == [article]


# --- which transition starts from which state --------------------------------------------

# Written out by hand, not read from publishing.TRANSITIONS: this is the specification.
ALLOWED = {
    "draft": {"submit", "publish", "schedule", "embargo", "archive"},
    "review": {"return", "publish", "schedule", "embargo", "reopen"},
    "scheduled": {"publish", "embargo", "reopen"},
    "embargoed": {"publish", "reopen"},
    "published": {"unpublish"},
    "unpublished": {"publish", "schedule", "archive", "reopen"},
    "archived": {"reopen"},
}
STATE_ROWS = {
    # effective state: (stored status, pub_date relative to NOW)
    "draft": ("draft", None),
    "review": ("review", None),
    "scheduled": ("scheduled", dt.timedelta(days=1)),
    "embargoed": ("embargoed", dt.timedelta(days=1)),
    "published": ("published", -dt.timedelta(days=1)),
    "unpublished": ("unpublished", -dt.timedelta(days=1)),
    "archived": ("archived", None),
}
TARGETS = {
    "submit": "review", "return": "draft", "publish": "published", "schedule": "scheduled",
    "embargo": "embargoed", "unpublish": "unpublished", "archive": "archived", "reopen": "draft",
}  # fmt: skip


def test_the_transition_table_is_the_specification():
    for state, verbs in ALLOWED.items():
        assert set(publishing.transitions_from(state)) == verbs, state
    assert {verb: move.target for verb, move in publishing.TRANSITIONS.items()} == TARGETS


def move(verb: str, article: Article, user, **extra) -> Article:
    if verb in publishing.DATED:
        extra.setdefault("when", timezone.now() + dt.timedelta(days=3))
    if verb == "return":
        extra.setdefault("note", "Needs a second source.")
    return workflow.article_transition(verb=verb, article=article, acting_user=user, **extra)


@pytest.mark.parametrize("state", sorted(STATE_ROWS))
@pytest.mark.parametrize("verb", sorted(TARGETS))
def test_every_state_and_transition(state, verb, admin_user):
    with time_machine.travel(NOW, tick=False):
        status, offset = STATE_ROWS[state]
        article = stored(status, None if offset is None else NOW + offset)
        assert publishing.state(article) == state
        if verb in ALLOWED[state]:
            move(verb, article, admin_user)
            article.refresh_from_db()
            assert article.status == TARGETS[verb]
            assert AuditEntry.objects.filter(article=article, action=verb).count() == 1
        else:
            with pytest.raises(ValidationError, match="is not possible from"):
                move(verb, article, admin_user)
            article.refresh_from_db()
            assert (article.status, publishing.state(article)) == (status, state)
            assert not AuditEntry.objects.filter(article=article, action=verb).exists()


# --- embargo ---------------------------------------------------------------------------------


def search_ids(client, q: str) -> list[int]:
    return [r["id"] for r in client.get("/news/search.json", {"q": q}).json()["results"]]


def test_embargo_hides_everywhere_until_its_moment_then_is_public_by_itself(
    client, admin_client, admin_user, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            article = make_article(headline="Quarterly turbine results", status="draft")
            workflow.article_embargo(article=article, acting_user=admin_user, until=LATER)
        url = article.get_absolute_url()
        assert article.status == "embargoed"
        assert client.get(url).status_code == 404
        assert "Quarterly turbine results" not in client.get("/news/").text
        assert "Quarterly turbine results" not in client.get("/news/feed/rss/").text
        assert search_ids(client, "turbine") == []
        # Staff preview still shows it, marked noindex.
        preview = admin_client.get(f"/news/preview/{article.pk}/")
        assert preview.status_code == 200
        assert "Quarterly turbine results" in preview.text
        clock.move_to(LATER - SECOND)
        assert client.get(url).status_code == 404
        clock.move_to(LATER)
        # No worker, no further action: the same URL now answers.
        assert client.get(url).status_code == 200
        assert "Quarterly turbine results" in client.get("/news/").text
        assert "Quarterly turbine results" in client.get("/news/feed/rss/").text
        assert search_ids(client, "turbine") == [article.pk]
        article.refresh_from_db()
        assert article.status == "embargoed"  # never rewritten...
        assert publishing.state(article) == "published"  # ...and yet published


def test_embargo_needs_a_future_moment(admin_user):
    with time_machine.travel(NOW, tick=False):
        article = make_article(status="draft")
        for until, message in [
            (None, "Give a date"),
            (NOW - SECOND, "must be in the future"),
            (NOW, "must be in the future"),
            (dt.datetime(2026, 3, 3, 9, 30), "needs a time zone"),
        ]:
            with pytest.raises(ValidationError, match=message):
                workflow.article_embargo(article=article, acting_user=admin_user, until=until)
        article.refresh_from_db()
        assert article.status == "draft"
        assert not AuditEntry.objects.filter(action="embargo").exists()


def test_schedule_needs_a_future_moment_and_publish_refuses_one(admin_user, admin_client):
    past = make_article(status="draft")
    response = admin_client.post(
        f"/admin/news/article/{past.pk}/transition/",
        {"transition": "schedule", "when": "2020-01-01T09:00"},
    )
    assert response.status_code == 200
    assert "must be in the future" in response.text
    article = make_article(status="draft")
    with pytest.raises(ValidationError, match="must be in the future"):
        workflow.article_schedule(
            article=article, acting_user=admin_user, at=timezone.now() - SECOND
        )
    with pytest.raises(ValidationError, match="schedule a future one"):
        workflow.article_publish(
            article=article, acting_user=admin_user, at=timezone.now() + dt.timedelta(days=1)
        )


def test_an_article_readers_had_keeps_its_address_when_published_again_another_day(admin_user):
    """Archived and reopened, then published again after midnight: the same date, the same URL
    (the one search engines and links know). A draft never public takes the day it goes out."""
    evening = dt.datetime(2026, 3, 2, 23, 50, tzinfo=dt.UTC)
    with time_machine.travel(evening, tick=False):
        article = make_article(headline="Recall of valve series 8", status="draft")
        workflow.article_publish(article=article, acting_user=admin_user)
        url = article.get_absolute_url()
        fresh = make_article(headline="Valve series 9 arrives", status="draft")
        workflow.article_unpublish(article=article, acting_user=admin_user, note="Legal")
        workflow.article_archive(article=article, acting_user=admin_user)
        workflow.article_reopen(article=article, acting_user=admin_user)
    with time_machine.travel(evening + dt.timedelta(minutes=20), tick=False):
        workflow.article_publish(article=article, acting_user=admin_user)
        workflow.article_publish(article=fresh, acting_user=admin_user)
    assert article.get_absolute_url() == url
    assert article.pub_date == evening
    assert fresh.pub_date == evening + dt.timedelta(minutes=20)


# --- unpublish: 410 Gone ---------------------------------------------------------------------


def test_unpublished_article_answers_410_and_leaves_every_listing(
    client, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(headline="Recall of valve series 7")
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    assert search_ids(client, "recall") == [article.pk]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_unpublish(article=article, acting_user=admin_user, note="Legal")
    gone = client.get(url)
    assert gone.status_code == 410
    page = BeautifulSoup(gone.content, "html.parser")
    assert page.h1.text == "This article has been withdrawn"
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert gone["X-Robots-Tag"] == "noindex"
    assert "Recall of valve series 7" not in gone.text
    assert "Recall of valve series 7" not in client.get("/news/").text
    assert "Recall of valve series 7" not in client.get("/news/feed/rss/").text
    assert search_ids(client, "recall") == []
    # Archived, it stays gone; published again, it is back at the same address.
    workflow.article_archive(article=article, acting_user=admin_user)
    assert client.get(url).status_code == 410
    workflow.article_reopen(article=article, acting_user=admin_user)
    workflow.article_publish(article=article, acting_user=admin_user)
    assert article.get_absolute_url() == url
    assert client.get(url).status_code == 200


def test_a_draft_archived_before_it_ever_ran_is_a_plain_404(client, admin_user):
    article = make_article(status="draft", pub_date=timezone.now() - dt.timedelta(days=1))
    workflow.article_archive(article=article, acting_user=admin_user)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_republishing_keeps_the_original_date(admin_user):
    article = make_article(pub_date=dt.datetime(2025, 5, 1, 9, tzinfo=dt.UTC))
    workflow.article_unpublish(article=article, acting_user=admin_user)
    workflow.article_publish(article=article, acting_user=admin_user)
    article.refresh_from_db()
    assert article.pub_date == dt.datetime(2025, 5, 1, 9, tzinfo=dt.UTC)


# --- every transition: one audit entry, one revision -----------------------------------------

JOURNEY = [
    # verb, extra arguments, from, to
    ("submit", {}, "draft", "review"),
    ("return", {"note": "Add the plant manager's quote."}, "review", "draft"),
    ("submit", {"note": "Quote added."}, "draft", "review"),
    ("schedule", {"when": NOW + dt.timedelta(days=1)}, "review", "scheduled"),
    ("embargo", {"when": NOW + dt.timedelta(days=2), "note": "Fair"}, "scheduled", "embargoed"),
    ("publish", {"note": "Fair opened early"}, "embargoed", "published"),
    ("unpublish", {"note": "Figures wrong"}, "published", "unpublished"),
    ("archive", {}, "unpublished", "archived"),
    ("reopen", {}, "archived", "draft"),
]  # fmt: skip


def test_every_transition_writes_one_audit_entry_and_one_revision():
    editor = make_user(role="editor")
    contributor = make_user(role="contributor")
    with time_machine.travel(NOW, tick=False):
        article = services.article_create(acting_user=contributor, headline="Fair preview")
        for verb, extra, before, after in JOURNEY:
            actor = contributor if verb == "submit" and before == "draft" and not extra else editor
            entries, revisions = AuditEntry.objects.count(), Revision.objects.count()
            workflow.article_transition(verb=verb, article=article, acting_user=actor, **extra)
            assert AuditEntry.objects.count() == entries + 1
            assert Revision.objects.count() == revisions + 1
            entry = AuditEntry.objects.order_by("-id").first()
            assert (entry.action, entry.from_status, entry.to_status) == (verb, before, after)
            assert (entry.actor, entry.article_id) == (actor, article.pk)
            assert entry.note == extra.get("note", "")
            assert article.status == after  # the caller's instance follows


# --- refusals ---------------------------------------------------------------------------------


def test_contributor_submits_own_draft_only_and_publishes_nothing():
    writer = make_user(role="contributor")
    other = make_user(role="contributor")
    article = services.article_create(acting_user=writer, headline="My first piece")
    with pytest.raises(PolicyDenied, match="only on their own drafts"):
        workflow.article_submit(article=article, acting_user=other)
    with pytest.raises(PolicyDenied, match="a contributor cannot publish articles"):
        workflow.article_publish(article=article, acting_user=writer)
    workflow.article_submit(article=article, acting_user=writer)
    assert article.status == "review"
    # Submitted, it is the editors': the writer can no longer edit it or pull it back.
    with pytest.raises(PolicyDenied):
        services.article_update(article=article, acting_user=writer, headline="Changed")
    with pytest.raises(PolicyDenied):
        workflow.article_reopen(article=article, acting_user=writer)
    assert [e.action for e in AuditEntry.objects.filter(article=article)] == ["submit", "create"]


def test_return_needs_a_note(admin_user):
    article = stored("review", None)
    with pytest.raises(ValidationError, match="Say in a note why"):
        workflow.article_return(article=article, acting_user=admin_user, note="   ")
    workflow.article_return(article=article, acting_user=admin_user, note="Too long")
    assert article.status == "draft"


def test_going_public_needs_alternative_text_everywhere(admin_user):
    bare = make_image(alt="")
    article = make_article(status="draft", lead_image=bare, body='<p>Hi <img src="/a.png"></p>')
    assert publishing.alt_text_problems(article) == [
        "The lead image has no alternative text.",
        "An image in the body has no alternative text.",
    ]
    for verb in ("publish", "schedule", "embargo"):
        with pytest.raises(ValidationError, match="no alternative text"):
            move(verb, article, admin_user)
    article.refresh_from_db()
    assert article.status == "draft"
    # Described here (or in the library), and in the body: it may go.
    services.article_update(
        article=article,
        acting_user=admin_user,
        lead_image_alt="Workers at the new line",
        body='<p>Hi <img src="/a.png" alt="The line"></p>',
    )
    assert publishing.alt_text_problems(article) == []
    workflow.article_publish(article=article, acting_user=admin_user)
    assert article.status == "published"


def test_alt_text_problems_reads_the_library_image_and_counts_body_images():
    described = make_image(alt="A compressor on a test bench")
    article = Article(lead_image=described, lead_image_alt="", body="")
    assert publishing.alt_text_problems(article) == []
    article.body = '<img src="/a.png" alt=" "><img src="/b.png"/><img src="/c.png" alt="C">'
    assert publishing.alt_text_problems(article) == [
        "2 images in the body have no alternative text."
    ]


def test_people_never_change_the_status_by_editing(admin_user):
    article = make_article(status="draft")
    with pytest.raises(ValidationError, match="only through the workflow"):
        services.article_update(article=article, acting_user=admin_user, status="published")
    article.refresh_from_db()
    assert article.status == "draft"
    # The system (importers, the demo) still may.
    services.article_update(article=article, acting_user=SYSTEM, status="published")
    assert article.status == "published"


def test_a_public_article_cannot_be_dated_ahead_by_an_edit(admin_user):
    article = make_article()
    with pytest.raises(ValidationError, match="cannot move into the future"):
        services.article_update(
            article=article,
            acting_user=admin_user,
            pub_date=timezone.now() + dt.timedelta(days=1),
        )
    assert Article.objects.get(pk=article.pk).is_public


def test_the_admin_form_refuses_dating_a_public_article_ahead(admin_client):
    from tests.policy_matrix import admin_form

    article = make_article()
    url = f"/admin/news/article/{article.pk}/change/"
    ahead = timezone.localtime() + dt.timedelta(days=1)
    data = admin_form(admin_client, url) | {
        "pub_date_0": ahead.strftime("%Y-%m-%d"),
        "pub_date_1": ahead.strftime("%H:%M:%S"),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "cannot move into the future" in response.text
    assert Article.objects.get(pk=article.pk).is_public


def test_published_with_a_future_date_is_stored_as_scheduled():
    article = make_article(pub_date=timezone.now() + dt.timedelta(hours=1))
    assert article.status == "scheduled"
    draft = make_article(status="draft", pub_date=None)
    services.article_publish_or_schedule(
        article=draft, acting_user=SYSTEM, at=timezone.now() + dt.timedelta(hours=1)
    )
    draft.refresh_from_db()
    assert draft.status == "scheduled"
    assert AuditEntry.objects.filter(article=draft).first().action == "schedule"


def test_creating_straight_into_a_state_takes_that_transitions_right():
    contributor = make_user(role="contributor")
    with pytest.raises(PolicyDenied, match="cannot publish"):
        services.article_create(
            acting_user=contributor, headline="Sneaky", status="published",
            pub_date=timezone.now(),
        )  # fmt: skip
    assert not Article.objects.exists()


def test_the_transition_is_checked_against_the_row_not_the_callers_copy(admin_user):
    article = make_article(status="draft")
    stale = Article.objects.get(pk=article.pk)
    workflow.article_submit(article=article, acting_user=admin_user)
    with pytest.raises(ValidationError, match="“Submit for review” is not possible from"):
        workflow.article_submit(article=stale, acting_user=admin_user)
    assert AuditEntry.objects.filter(action="submit").count() == 1


# --- the admin -------------------------------------------------------------------------------


def transition_page(client, article):
    response = client.get(f"/admin/news/article/{article.pk}/transition/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_workflow_page_offers_what_the_user_may_do_from_here(role_client):
    writer = make_user(role="contributor")
    contributor_client = staff_login(https_client(), writer)
    own = services.article_create(acting_user=writer, headline="Own draft")
    page = transition_page(contributor_client, own)
    assert [b["value"] for b in page.select("input[type=submit]")] == ["Submit for review"]
    editor_page = transition_page(role_client("editor"), own)
    buttons = [b["value"] for b in editor_page.select("input[type=submit]")]
    assert buttons == ["Submit for review", "Publish now", "Schedule", "Embargo", "Archive"]
    # A date field only where the move takes one.
    assert editor_page.select_one("#transition-schedule input[type=datetime-local]")
    assert editor_page.select_one("#transition-embargo input[type=datetime-local]")
    assert not editor_page.select_one("#transition-publish input[type=datetime-local]")


def test_workflow_page_moves_the_article_and_refusals_are_messages(role_client):
    article = make_article(status="draft")
    contributor = role_client("contributor")
    refused = contributor.post(
        f"/admin/news/article/{article.pk}/transition/", {"transition": "publish"}
    )
    assert refused.status_code == 200
    assert "a contributor cannot publish articles" in refused.text
    article.refresh_from_db()
    assert article.status == "draft"
    editor = role_client("editor")
    until = timezone.localtime() + dt.timedelta(days=1)
    done = editor.post(
        f"/admin/news/article/{article.pk}/transition/",
        {"transition": "embargo", "when": until.strftime("%Y-%m-%dT%H:%M"), "note": "Fair"},
        follow=True,
    )
    assert done.status_code == 200
    article.refresh_from_db()
    assert article.status == "embargoed"
    assert "is now embargoed until" in done.text
    wrong_state = editor.post(
        f"/admin/news/article/{article.pk}/transition/",
        {"transition": "unpublish"},
    )
    assert wrong_state.status_code == 200
    assert "not possible from" in wrong_state.text
    garbage = editor.post(
        f"/admin/news/article/{article.pk}/transition/", {"transition": "explode"}
    )
    assert garbage.status_code == 200
    assert AuditEntry.objects.filter(article=article, action="embargo").get().note == "Fair"


def test_change_form_has_no_status_input_and_links_the_workflow(admin_client):
    article = make_article(status="draft")
    page = admin_client.get(f"/admin/news/article/{article.pk}/change/")
    soup = BeautifulSoup(page.content, "html.parser")
    assert not soup.select('[name="status"]')
    tools = [a["href"] for a in soup.select(".object-tools a")]
    assert f"/admin/news/article/{article.pk}/transition/" in tools


def test_change_list_shows_the_effective_state(admin_client, admin_user):
    make_article(headline="Public one")
    embargoed = make_article(headline="Held one", status="draft")
    workflow.article_embargo(
        article=embargoed,
        acting_user=admin_user,
        until=timezone.now() + dt.timedelta(days=1),
    )
    page = BeautifulSoup(admin_client.get("/admin/news/article/").content, "html.parser")
    states = sorted(td.text for td in page.select("td.field-state"))
    assert states[0].startswith("Embargoed until ")
    assert states[1] == "Published"
    filtered = admin_client.get("/admin/news/article/?state=embargoed")
    assert "Held one" in filtered.text
    assert "Public one" not in filtered.text


def test_admin_actions_are_offered_by_role_and_a_forged_one_does_nothing(role_client):
    article = make_article(status="draft")
    contributor = role_client("contributor")
    listing = BeautifulSoup(contributor.get("/admin/news/article/").content, "html.parser")
    offered = {o["value"] for o in listing.select("select[name=action] option")}
    assert "publish_now" not in offered
    response = contributor.post(
        "/admin/news/article/",
        {"action": "publish_now", "_selected_action": [article.pk]},
        follow=True,
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == "draft"


def test_contributor_may_change_only_their_own_drafts_in_the_admin():
    writer = make_user(role="contributor")
    contributor = staff_login(https_client(), writer)
    own = services.article_create(acting_user=writer, headline="Own")
    other = make_article(status="draft", headline="Someone else's")
    own_page = BeautifulSoup(
        contributor.get(f"/admin/news/article/{own.pk}/change/").content, "html.parser"
    )
    assert own_page.select('input[name="headline"]')
    other_page = BeautifulSoup(
        contributor.get(f"/admin/news/article/{other.pk}/change/").content, "html.parser"
    )
    assert not other_page.select('input[name="headline"]')  # read-only view


# --- the command line -------------------------------------------------------------------------


def article_command(*args, **options) -> str:
    out = io.StringIO()
    call_command("article", *args, stdout=out, **options)
    return out.getvalue()


def test_cli_moves_an_article_and_prints_its_new_state():
    editor = make_user(role="editor", username="erin")
    article = make_article(status="draft", headline="Port expansion")
    printed = article_command("embargo", str(article.pk), "--until", "in 2 hours", user="erin")
    assert printed.startswith(f"{article.pk}: Port expansion is now embargoed until ")
    entry = AuditEntry.objects.get(action="embargo")
    assert entry.actor == editor
    article.refresh_from_db()
    assert dt.timedelta(minutes=119) < article.pub_date - timezone.now() <= dt.timedelta(hours=2)
    listing = article_command("list", status="embargoed")
    assert "Port expansion" in listing
    assert "Port expansion" not in article_command("list", status="published")


def test_cli_reads_a_naive_iso_date_in_the_site_time_zone():
    from newscenter.news.models import SiteSettings

    site = SiteSettings.load()
    site.time_zone = "Europe/Berlin"
    site.save()
    article = make_article(status="draft")
    article_command("schedule", str(article.pk), "--at", "2099-06-01T09:00")
    article.refresh_from_db()
    assert article.pub_date == dt.datetime(2099, 6, 1, 7, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (("publish", "999999"), {}, "there is no article 999999"),
        (("publish", "12abc"), {}, "is not an article number"),
        (("schedule", "{pk}", "--at", "next blue moon"), {}, "is not a date"),
        (("schedule", "{pk}"), {}, "Give a date"),
        (("unpublish", "{pk}"), {}, "not possible from"),
        (("publish", "{pk}"), {"user": "carl"}, "refused: a contributor cannot publish"),
        (("publish", "{pk}"), {"user": "nobody"}, "no user named 'nobody'"),
    ],
)
def test_cli_refusals_are_command_errors(args, options, message):
    make_user(role="contributor", username="carl")
    article = make_article(status="draft")
    args = [a.format(pk=article.pk) for a in args]
    with pytest.raises(CommandError, match=message):
        article_command(*args, **options)
    article.refresh_from_db()
    assert article.status == "draft"


def test_cli_refusal_is_one_line_and_exit_status_1(tmp_path):
    import subprocess
    import sys

    from tests.test_cli import env_with_data_dir

    env = env_with_data_dir(tmp_path)
    newscenter = [sys.executable, "-m", "newscenter"]
    subprocess.run([*newscenter, "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [*newscenter, "article", "schedule", "7", "--at", "soonish"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "CommandError: there is no article 7"
    assert "Traceback" not in result.stderr
