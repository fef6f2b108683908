"""Review links: the services, the `newscenter review-link` command and the admin page."""

import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from newscenter.news.models import Article, AuditEntry, ReviewLink
from newscenter.news.policy import SYSTEM
from newscenter.news.services import review_links
from tests.builders import make_article, make_user

pytestmark = pytest.mark.django_db


def draft(**fields) -> Article:
    return make_article(status=Article.Status.DRAFT, pub_date=None, **fields)


def create(article, *, user=SYSTEM, expires=dt.timedelta(hours=48), label=""):
    return review_links.review_link_create(
        article=article, acting_user=user, expires=expires, label=label
    )


# --- services -------------------------------------------------------------------------------


def test_create_signs_a_random_key_and_audits():
    editor = make_user(role="editor")
    article = draft()
    link, token = create(article, user=editor, label="Legal")
    assert len(link.key) >= 43  # 32 random bytes, URL-safe base64
    key, signature = token.split(":")
    assert key == link.key
    assert signature
    assert review_links.review_link_resolve(token) == link
    assert abs(link.expires - (timezone.now() + dt.timedelta(hours=48))) < dt.timedelta(minutes=1)
    entry = AuditEntry.objects.get(action="review_link.create")
    assert (entry.actor, entry.article, entry.note) == (editor, article, "Legal")
    assert link.key not in str(entry.detail)
    other, _ = create(article)
    assert other.key != link.key


@pytest.mark.parametrize(
    "expires",
    [
        dt.timedelta(seconds=30),
        dt.timedelta(days=30, minutes=1),
        dt.timedelta(hours=-1),
    ],
)
def test_expiry_must_be_between_a_minute_and_30_days(expires):
    with pytest.raises(ValidationError, match="between one minute and 30 days"):
        create(draft(), expires=expires)
    assert not ReviewLink.objects.exists()


def test_expiry_may_be_a_moment():
    moment = timezone.now() + dt.timedelta(days=2)
    link, _ = create(draft(), expires=moment)
    assert link.expires == moment
    with pytest.raises(ValidationError, match="time zone"):
        create(draft(), expires=dt.datetime(2030, 1, 1))  # naive on purpose


def test_only_editors_and_administrators_create_and_revoke():
    article = draft()
    contributor = make_user(role="contributor")
    with pytest.raises(PermissionDenied, match="cannot create review links"):
        create(article, user=contributor)
    link, _ = create(article, user=make_user(role="administrator"))
    with pytest.raises(PermissionDenied, match="cannot revoke review links"):
        review_links.review_link_revoke(link=link, acting_user=contributor)
    link.refresh_from_db()
    assert link.revoked is None


def test_resolve_tells_bad_revoked_and_expired_apart():
    link, token = create(draft(), expires=dt.timedelta(hours=1))
    with pytest.raises(review_links.ReviewLinkInvalid):
        review_links.review_link_resolve(token[:-1] + ("A" if token[-1] != "A" else "B"))
    with pytest.raises(review_links.ReviewLinkInvalid):
        review_links.review_link_resolve(link.key)  # unsigned
    with pytest.raises(review_links.ReviewLinkExpired, match="expired"):
        review_links.review_link_resolve(token, at=timezone.now() + dt.timedelta(hours=2))
    editor = make_user(role="editor")
    review_links.review_link_revoke(link=link, acting_user=editor)
    with pytest.raises(review_links.ReviewLinkRevoked, match="revoked"):
        review_links.review_link_resolve(token)
    with pytest.raises(ValidationError, match="already revoked"):
        review_links.review_link_revoke(link=link, acting_user=editor)
    entry = AuditEntry.objects.get(action="review_link.revoke")
    assert entry.actor == editor


def test_a_token_signed_for_something_else_is_refused():
    from django.core import signing

    link, _ = create(draft())
    forged = signing.Signer().sign(link.key)  # the site's key, but not our salt
    with pytest.raises(review_links.ReviewLinkInvalid):
        review_links.review_link_resolve(forged)


# --- the command ----------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("review-link", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_command_prints_an_address_the_site_opens(client, settings):
    settings.NEWSCENTER_BASE_URL = "https://news.example.com"
    article = draft(headline="Plant opens next week")
    url = run(str(article.pk), "--expires", "48h", "--label", "Legal")
    assert url.startswith("https://news.example.com/news/review/")
    assert "\n" not in url
    link = ReviewLink.objects.get()
    assert (link.article, link.label) == (article, "Legal")
    assert abs(link.expires - timezone.now() - dt.timedelta(hours=48)) < dt.timedelta(minutes=1)
    response = client.get(url.removeprefix("https://news.example.com"))
    assert response.status_code == 200
    assert "Plant opens next week" in response.text


@pytest.mark.parametrize(("length", "expected"), [("30m", dt.timedelta(minutes=30)),
                                                  ("7d", dt.timedelta(days=7))])  # fmt: skip
def test_command_lengths(length, expected):
    run(str(draft().pk), "--expires", length)
    link = ReviewLink.objects.get()
    assert abs(link.expires - timezone.now() - expected) < dt.timedelta(minutes=1)


def test_command_finds_the_article_by_its_path():
    article = make_article(
        status=Article.Status.SCHEDULED, pub_date=timezone.now() + dt.timedelta(days=1)
    )
    path = article.get_absolute_url()
    run(path, "--expires", "2h")
    run(f"https://news.example.com{path}", "--expires", "2h")
    run(f"/news/preview/{article.pk}/", "--expires", "2h")
    assert list(ReviewLink.objects.values_list("article", flat=True)) == [article.pk] * 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--expires", "48h"], "Name the article"),
        (["1"], "--expires"),
        (["ARTICLE", "--expires", "48"], "30m, 48h, 7d"),
        (["ARTICLE", "--expires", "2w"], "30m, 48h, 7d"),
        (["ARTICLE", "--expires", "31d"], "between one minute and 30 days"),
        (["ARTICLE", "--expires", "0m"], "between one minute and 30 days"),
        (["987654", "--expires", "1h"], "No article has the id 987654"),
        (["99999999999999999999999", "--expires", "1h"], "No article has the id"),
        (["/news/", "--expires", "1h"], "listing"),
        (["/news/2024/02/30/x/", "--expires", "1h"], "does not exist"),
        (["/news/2024/02/03/nothing-here/", "--expires", "1h"], "No article is at"),
        (["/elsewhere/", "--expires", "1h"], "neither an article id"),
        (["--revoke", "not-a-key"], "No review link has the key"),
        (["--revoke", "abc:forged"], "not valid"),
        (["ARTICLE", "--revoke", "abc"], "not an article"),
        (["ARTICLE", "--expires", "1h", "--user", "nobody"], "no user named 'nobody'"),
    ],
)
def test_command_bad_input_is_a_clear_error(args, message):
    article = draft()
    args = [str(article.pk) if a == "ARTICLE" else a for a in args]
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not ReviewLink.objects.exists()


def test_command_refuses_a_contributor():
    contributor = make_user(role="contributor", username="cora")
    article = draft()
    with pytest.raises(CommandError, match="contributor cannot create review links"):
        run(str(article.pk), "--expires", "1h", "--user", "cora")
    assert not ReviewLink.objects.exists()
    link, _ = create(article)
    with pytest.raises(CommandError, match="contributor cannot revoke review links"):
        run("--revoke", link.key, "--user", contributor.username)


@pytest.mark.parametrize("form", ["key", "token", "url"])
def test_command_revokes_by_key_token_or_address(form, client):
    make_user(role="editor", username="edna")
    link, token = create(draft(), label="Trade Weekly")
    value = {"key": link.key, "token": token, "url": review_links.review_link_url(token)}[form]
    output = run("--revoke", value, "--user", "edna")
    assert output == f"Revoked review link “Trade Weekly” of article {link.article_id}."
    link.refresh_from_db()
    assert link.revoked is not None
    assert client.get(f"/news/review/{token}/").status_code == 410
    with pytest.raises(CommandError, match="already revoked"):
        run("--revoke", value)


def test_command_runs_as_newscenter_review_link(tmp_path):
    """The hyphenated name works from the real command line, not only through call_command."""
    import subprocess
    import sys

    from tests.test_cli import env_with_data_dir

    env = env_with_data_dir(tmp_path)
    subprocess.run([sys.executable, "-m", "newscenter", "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, "-m", "newscenter", "review-link", "12345", "--expires", "1h"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "No article has the id 12345" in result.stderr
    assert "Traceback" not in result.stderr


# --- admin ----------------------------------------------------------------------------------


def links_url(article) -> str:
    return f"/admin/news/article/{article.pk}/review-links/"


def messages_of(response) -> list[str]:
    return [m.message for m in response.context["messages"]]


def test_admin_page_creates_a_link_and_shows_its_address_once(role_client, settings):
    settings.NEWSCENTER_BASE_URL = "https://news.example.com"
    client = role_client("editor")
    article = draft()
    page = client.get(links_url(article))
    assert page.status_code == 200
    assert "No review links yet." in page.text
    response = client.post(
        links_url(article), {"label": "Legal", "expires_in": "3", "unit": "days"}
    )
    assert response.status_code == 200
    created = BeautifulSoup(response.content, "html.parser")
    shown = created.select_one("#review-link-url")
    url = shown["value"]
    assert url.startswith("https://news.example.com/news/review/")
    # Beside it: Copy (shown by desk/copy.js) and Open, which leaves the desk tab alone.
    assert created.select_one("button[data-copy=review-link-url]").get_text() == "Copy"
    opener = created.find("a", string="Open in a new tab")
    assert (opener["href"], opener["target"]) == (url, "_blank")
    assert "noopener" in opener["rel"]
    assert any(s["src"].endswith("desk/copy.js") for s in created.select("script[src]"))
    link = ReviewLink.objects.get()
    assert link.label == "Legal"
    assert abs(link.expires - timezone.now() - dt.timedelta(days=3)) < dt.timedelta(minutes=1)
    assert review_links.review_link_resolve(url.rstrip("/").rsplit("/", 1)[1]) == link
    again = client.get(links_url(article))
    assert url not in again.text  # shown once only
    row = BeautifulSoup(again.content, "html.parser").select_one("#review-links tbody tr")
    assert row.th.text == "Legal"
    assert "active" in row.text


def test_admin_address_ignores_a_forged_host(role_client, settings):
    settings.NEWSCENTER_BASE_URL = "https://news.example.com"
    settings.ALLOWED_HOSTS = ["*"]
    client = role_client("editor")
    response = client.post(
        links_url(draft()),
        {"expires_in": "1", "unit": "hours"},
        headers={"host": "evil.example", "x-forwarded-host": "evil.example"},
    )
    assert "evil.example" not in response.text


def test_admin_form_refuses_a_bad_expiry(role_client):
    client = role_client("editor")
    article = draft()
    too_long = client.post(links_url(article), {"expires_in": "31", "unit": "days"})
    assert too_long.status_code == 200
    assert "between one minute and 30 days" in too_long.text
    for data in ({"expires_in": "x", "unit": "hours"}, {"expires_in": "2", "unit": "weeks"}):
        response = client.post(links_url(article), data)
        assert response.status_code == 200
        assert BeautifulSoup(response.content, "html.parser").select(".errorlist")
    assert not ReviewLink.objects.exists()


def test_admin_revokes_through_post(role_client, client):
    staff = role_client("editor")
    article = draft()
    link, token = create(article, label="Partner")
    response = staff.post(links_url(article), {"revoke": str(link.pk)}, follow=True)
    assert "Revoked the review link “Partner”." in messages_of(response)
    link.refresh_from_db()
    assert link.revoked is not None
    assert client.get(f"/news/review/{token}/").status_code == 410
    row = BeautifulSoup(response.content, "html.parser").select_one("#review-links tbody tr")
    assert "revoked" in row.text
    assert not row.select("button")


@pytest.mark.parametrize("value", ["999999", "x", "99999999999999999999999"])
def test_admin_revoke_of_an_unknown_link_is_a_message(role_client, value):
    client = role_client("editor")
    article = draft()
    response = client.post(links_url(article), {"revoke": value}, follow=True)
    assert response.status_code == 200
    assert "This article has no such review link." in messages_of(response)


def test_admin_revoke_of_another_articles_link_does_nothing(role_client):
    client = role_client("editor")
    link, _ = create(draft())
    response = client.post(links_url(draft()), {"revoke": str(link.pk)}, follow=True)
    assert "This article has no such review link." in messages_of(response)
    link.refresh_from_db()
    assert link.revoked is None


def test_admin_contributor_sees_no_form_and_is_refused(role_client):
    client = role_client("contributor")
    article = draft()
    link, _ = create(article)
    response = client.get(links_url(article))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert not page.select("input[name=expires_in]")
    assert not page.select("button[name=revoke]")
    refused = client.post(links_url(article), {"expires_in": "1", "unit": "hours"}, follow=True)
    assert any("No review link made" in m for m in messages_of(refused))
    revoked = client.post(links_url(article), {"revoke": str(link.pk)}, follow=True)
    assert any("Not revoked" in m for m in messages_of(revoked))
    assert ReviewLink.objects.get().revoked is None


def test_admin_review_links_page_needs_csrf(admin_user):
    from tests.conftest import https_client, staff_login

    client = staff_login(https_client(enforce_csrf_checks=True), admin_user)
    response = client.post(links_url(draft()), {"expires_in": "1", "unit": "hours"})
    assert response.status_code == 403
    assert not ReviewLink.objects.exists()
