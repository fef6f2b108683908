"""Tags' and authors' pages read their articles along kept entries (news.listed), which the
database keeps in step with the links and the articles whatever writes them: every page, feed
and paging link shows what the links and the one definition of public say, after any write."""

from __future__ import annotations

import datetime as dt
import io

import feedparser
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from newscenter.news import listed, services
from newscenter.news.models import Article, ListedArticle
from newscenter.news.policy import SYSTEM
from tests.builders import make_article
from tests.web.test_views import _walk, soup

pytestmark = pytest.mark.django_db


def headlines(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [h.get_text(strip=True) for h in soup(response).select(".article-list h2")]


def entries() -> set[tuple]:
    return set(
        ListedArticle.objects.values_list("kind", "listing", "article_id", "status", "pub_date")
    )


def from_links() -> set[tuple]:
    """What the entries must be: one per link, with its article's status and date."""
    rows = set()
    for kind, field in (("tag", "tags"), ("author", "authors")):
        links = getattr(Article, field).through.objects.values_list(
            f"{kind}_id", "article_id", "article__status", "article__pub_date"
        )
        rows |= {(kind, listing, pk, status, date) for listing, pk, status, date in links}
    return rows


def test_a_tag_page_follows_each_write_to_its_links_and_articles(client):
    now = timezone.now()
    pumps = services.tag_get_or_create(name="Pumps", acting_user=SYSTEM)
    first = make_article(headline="First", tags=[pumps], pub_date=now - dt.timedelta(hours=3))
    second = make_article(headline="Second", tags=[pumps], pub_date=now - dt.timedelta(hours=2))
    make_article(headline="Untagged", pub_date=now - dt.timedelta(hours=1))
    assert headlines(client, "/news/tag/pumps/") == ["Second", "First"]
    # Moved before the other by a new date, then tagged away and back: the order follows.
    services.article_update(
        article=second, acting_user=SYSTEM, pub_date=now - dt.timedelta(hours=4)
    )
    assert headlines(client, "/news/tag/pumps/") == ["First", "Second"]
    services.article_update(article=first, acting_user=SYSTEM, tags=[])
    assert headlines(client, "/news/tag/pumps/") == ["Second"]
    services.article_update(article=first, acting_user=SYSTEM, tags=[pumps])
    assert headlines(client, "/news/tag/pumps/") == ["First", "Second"]
    # Unpublished, scheduled for later, deleted: gone from the page, as from the index.
    Article.objects.filter(pk=first.pk).update(status=Article.Status.DRAFT)
    assert headlines(client, "/news/tag/pumps/") == ["Second"]
    Article.objects.filter(pk=first.pk).update(
        status=Article.Status.SCHEDULED, pub_date=now + dt.timedelta(days=1)
    )
    assert headlines(client, "/news/tag/pumps/") == ["Second"]
    services.article_delete(article=second, acting_user=SYSTEM)
    assert headlines(client, "/news/tag/pumps/") == []
    assert entries() == from_links()


def test_an_author_page_and_feed_follow_bulk_writes(client):
    now = timezone.now()
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    articles = [
        make_article(headline=f"Note {n}", pub_date=now - dt.timedelta(minutes=n + 1))
        for n in range(3)
    ]
    # Links written in bulk, as an import writes them, and a status changed by update().
    Article.authors.through.objects.bulk_create(
        Article.authors.through(article_id=a.pk, author_id=author.pk) for a in articles
    )
    assert headlines(client, "/news/author/jana-oster/") == ["Note 0", "Note 1", "Note 2"]
    Article.objects.filter(pk=articles[1].pk).update(status=Article.Status.ARCHIVED)
    assert headlines(client, "/news/author/jana-oster/") == ["Note 0", "Note 2"]
    feed = feedparser.parse(client.get("/news/author/jana-oster/feed/rss/").content)
    assert [entry.title for entry in feed.entries] == ["Note 0", "Note 2"]
    assert entries() == from_links()


def test_a_tag_is_paged_by_the_article_each_page_comes_after(client):
    now = timezone.now()
    tag = services.tag_get_or_create(name="Valves", acting_user=SYSTEM)
    for n in range(45):
        make_article(
            headline=f"Valve {n:02d}", tags=[tag] if n % 3 else [],
            pub_date=now - dt.timedelta(minutes=n + 1),
        )  # fmt: skip
    tagged = [f"Valve {n:02d}" for n in range(45) if n % 3]
    pages, last = _walk(client, "/news/tag/valves/", rel="next")
    assert pages == [tagged[:20], tagged[20:]]
    back, _ = _walk(client, last.select_one("a[rel=prev]")["href"], rel="prev")
    assert back == [tagged[:20]]


def test_a_tag_or_author_deleted_takes_its_entries(client):
    tag = services.tag_get_or_create(name="Seals", acting_user=SYSTEM)
    author = services.author_get_or_create(name="Ola Berg", acting_user=SYSTEM)
    make_article(tags=[tag], authors=[author])
    assert len(entries()) == 2
    services.taxonomy_delete(obj=tag, acting_user=SYSTEM)
    services.taxonomy_delete(obj=author, acting_user=SYSTEM)
    assert entries() == from_links() == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops a remade table's triggers")
def test_triggers_lost_with_a_remade_table_are_made_again_after_migrate():
    tag = services.tag_get_or_create(name="Motors", acting_user=SYSTEM)
    make_article(tags=[tag])
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER news_listed_tag_added")
        cursor.execute(f"DELETE FROM {listed.TABLE}")  # noqa: S608
    call_command("migrate", verbosity=0)
    make_article(tags=[tag])
    assert entries() == from_links()
    assert len(entries()) == 2


@pytest.mark.django_db(transaction=True)  # the change's consumers run after commit
def test_doctor_finds_entries_out_of_step_and_reindex_makes_them_again():
    tag = services.tag_get_or_create(name="Gaskets", acting_user=SYSTEM)
    author = services.author_get_or_create(name="Ola Berg", acting_user=SYSTEM)
    kept = make_article(tags=[tag])
    make_article(tags=[tag], authors=[author])
    call_command("doctor", stdout=io.StringIO())  # in step: no error
    # Written behind the triggers' back (a restore by hand, a trigger dropped): one entry
    # gone, the other two stale, one that no link calls for.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {listed.TABLE} WHERE article_id = %s", [kept.pk])  # noqa: S608
        cursor.execute(f"UPDATE {listed.TABLE} SET status = 'draft'")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {listed.TABLE} (kind, listing, article_id, status, pub_date) "  # noqa: S608
            "VALUES ('author', 999, %s, 'published', NULL)",
            [kept.pk],
        )
    out = io.StringIO()
    with pytest.raises(CommandError, match="not in step"):
        call_command("doctor", stdout=out)
    assert "listings: 3 entries missing or stale, 3 extra" in out.getvalue()
    call_command("reindex", stdout=io.StringIO())
    assert entries() == from_links()
    call_command("doctor", stdout=io.StringIO())
