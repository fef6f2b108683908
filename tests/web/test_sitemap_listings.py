"""The sitemaps of sections, tags and authors from the rows kept after each change
(``news.listings``): the same bytes as the public articles grouped, after every kind of change.

Real commits (``transaction=True``): the rows are kept by the change signal's listener, which
runs once a transaction commits.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newscenter.news import listings, services, summaries
from newscenter.news.models import Article, ListingChange
from newscenter.news.policy import SYSTEM
from tests.builders import make_article

pytestmark = pytest.mark.django_db(transaction=True)

LISTINGS = ("sections", "tags", "authors")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def expected_rows() -> dict[tuple[str, int, str], tuple[dt.datetime, int]]:
    """What the rows must say, worked out here from every public article."""
    found: dict[tuple[str, int, str], tuple[dt.datetime, int]] = {}
    for article in Article.objects.published().prefetch_related("tags", "authors"):
        newest = (max(article.updated, article.pub_date), article.pk)
        keys = [("tag", t.pk, article.language) for t in article.tags.all()]
        keys += [("author", a.pk, article.language) for a in article.authors.all()]
        if article.section_id is not None:
            keys.append(("section", article.section_id, article.language))
        for key in keys:
            found[key] = max(found.get(key, newest), newest)
    return found


def kept_rows() -> dict[tuple[str, int, str], tuple[dt.datetime, int]]:
    rows = ListingChange.objects.values_list(
        "kind", "listing", "language", "last_change", "article"
    )
    return {(kind, pk, language): (moment, article) for kind, pk, language, moment, article in rows}


def sitemaps(client) -> dict[str, bytes]:
    urls = {name: reverse("news:sitemap-section", kwargs={"section": name}) for name in LISTINGS}
    urls["index"] = reverse("news:sitemap-index")
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        pages[name] = response.content
    return pages


def grouped(client, monkeypatch) -> dict[str, bytes]:
    """The sitemaps as the public articles grouped say them (the rows not read, nor the
    index's summary kept from them)."""
    with monkeypatch.context() as patched:
        patched.setattr(listings, "kept_until", lambda: None)
        patched.setattr(summaries, "read", lambda now=None: None)
        return sitemaps(client)


def assert_kept(client, monkeypatch) -> dict[str, bytes]:
    assert kept_rows() == expected_rows()
    with CaptureQueriesContext(connection) as queries:
        pages = sitemaps(client)
    # The rows are read, not the articles grouped.
    assert not [q["sql"] for q in queries if "GROUP BY" in q["sql"]]
    assert pages == grouped(client, monkeypatch)
    return pages


def test_rows_and_sitemaps_follow_every_change(client, monkeypatch, time_machine):
    time_machine.move_to(START, tick=False)

    def later(minutes: int = 10) -> None:
        time_machine.move_to(timezone.now() + dt.timedelta(minutes=minutes), tick=False)

    plant, energy = (
        services.section_get_or_create(name=name, acting_user=SYSTEM)
        for name in ("Plant", "Energy")
    )
    pumps, safety = (
        services.tag_get_or_create(name=name, acting_user=SYSTEM) for name in ("Pumps", "Safety")
    )
    ada, ben = (
        services.author_get_or_create(name=name, acting_user=SYSTEM) for name in ("Ada", "Ben")
    )
    first = make_article(section=plant, tags=[pumps], authors=[ada])
    later()
    second = make_article(section=energy, tags=[pumps, safety], authors=[ben])
    before = assert_kept(client, monkeypatch)
    assert kept_rows()[("tag", pumps.pk, "en")][1] == second.pk

    later()  # an edit: the article's listings change now
    first = services.article_update(article=first, acting_user=SYSTEM, headline="Pumps fixed")
    assert assert_kept(client, monkeypatch) != before
    assert kept_rows()[("tag", pumps.pk, "en")][1] == first.pk

    later()  # retagged: Pumps keeps its other article's moment
    first = services.article_update(article=first, acting_user=SYSTEM, tags=[safety])
    assert kept_rows()[("tag", pumps.pk, "en")][1] == second.pk
    assert_kept(client, monkeypatch)

    later()  # moved to another section: Plant has no public article left
    first = services.article_update(article=first, acting_user=SYSTEM, section=energy)
    assert ("section", plant.pk, "en") not in kept_rows()
    assert_kept(client, monkeypatch)

    later()  # another author
    first = services.article_update(article=first, acting_user=SYSTEM, authors=[ben])
    assert ("author", ada.pk, "en") not in kept_rows()
    assert_kept(client, monkeypatch)

    later()  # unpublished: each listing falls back to the other article
    services.article_unpublish(article=first, acting_user=SYSTEM)
    assert {row[1] for row in kept_rows().values()} == {second.pk}
    assert_kept(client, monkeypatch)

    later()  # deleted: no listing is left
    services.article_delete(article=second, acting_user=SYSTEM)
    assert kept_rows() == {}
    assert_kept(client, monkeypatch)


def test_a_scheduled_article_joins_its_listings_at_its_time(client, monkeypatch, time_machine):
    time_machine.move_to(START, tick=False)
    plant = services.section_get_or_create(name="Plant", acting_user=SYSTEM)
    pumps = services.tag_get_or_create(name="Pumps", acting_user=SYSTEM)
    make_article(section=plant, tags=[pumps])
    goes_live = START + dt.timedelta(hours=2)
    scheduled = make_article(tags=[pumps], pub_date=goes_live)
    assert_kept(client, monkeypatch)
    # No write when its time comes: the sitemaps add it to what the rows say.
    time_machine.move_to(goes_live + dt.timedelta(minutes=1), tick=False)
    assert kept_rows() != expected_rows()
    assert sitemaps(client) == grouped(client, monkeypatch)
    assert goes_live.isoformat().encode() in sitemaps(client)["tags"]
    # The next change folds it into the rows.
    make_article(section=plant)
    assert kept_rows()[("tag", pumps.pk, "en")] == (goes_live, scheduled.pk)
    assert_kept(client, monkeypatch)


def test_a_deleted_tag_leaves_no_row(client, monkeypatch):
    pumps, safety = (
        services.tag_get_or_create(name=name, acting_user=SYSTEM) for name in ("Pumps", "Safety")
    )
    make_article(tags=[pumps, safety])
    services.taxonomy_delete(obj=pumps, acting_user=SYSTEM)
    assert [key[:2] for key in kept_rows()] == [("tag", safety.pk)]
    assert_kept(client, monkeypatch)


def test_editions_of_several_languages(client, monkeypatch):
    services.site_settings_update(acting_user=SYSTEM, languages=["en", "de", "zh-Hans"])
    plant = services.section_get_or_create(name="Plant", acting_user=SYSTEM)
    pumps = services.tag_get_or_create(name="Pumps", acting_user=SYSTEM)
    for language in ("de", "zh-Hans", "zh-Hans", "en", "de-AT"):
        make_article(section=plant, tags=[pumps], language=language)
    pages = assert_kept(client, monkeypatch)
    assert b"/de/" in pages["tags"]
    assert b"/zh-hans/" in pages["tags"].lower()


def test_imports_in_bulk_and_rebuild_agree(client, monkeypatch):
    now = timezone.now()
    tags = [services.tag_get_or_create(name=f"Tag {n}", acting_user=SYSTEM) for n in range(5)]
    services.article_bulk_create(
        acting_user=SYSTEM,
        new=[
            services.NewArticle(
                fields={
                    "headline": f"Order {n} shipped",
                    "status": Article.Status.PUBLISHED,
                    "pub_date": now - dt.timedelta(hours=n + 1),
                },
                tags=tags[: n % 5 + 1],
            )
            for n in range(30)
        ],
    )
    kept = assert_kept(client, monkeypatch)
    listings.rebuild()
    assert kept_rows() == expected_rows()
    assert sitemaps(client) == kept


def test_the_migration_fills_the_rows_from_the_articles():
    from django.db.migrations.executor import MigrationExecutor

    pumps = services.tag_get_or_create(name="Pumps", acting_user=SYSTEM)
    plant = services.section_get_or_create(name="Plant", acting_user=SYSTEM)
    for n in range(4):
        make_article(tags=[pumps], section=plant if n % 2 else None)
    make_article(tags=[pumps], status=Article.Status.DRAFT, pub_date=None)
    expected = expected_rows()
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([("news", "0018_translated_names_and_texts")])
        executor = MigrationExecutor(connection)
        executor.migrate([("news", "0020_listing_changes")])
        assert kept_rows() == expected
    finally:
        # Back to the latest schema, as `migrate` leaves it (its post_migrate steps too: the
        # search index's triggers on a table remade): the next test on this worker, a command
        # that checks for unapplied migrations or the index, must find it as it always is.
        call_command("migrate", verbosity=0)


def test_a_change_read_once_gives_what_the_join_gives_in_its_order():
    """keep() reads a batch's articles once and their links as ids (``_changed_newest``):
    the same moments, with keys in the join's order (SQLite's: the new rows are made in that
    order, so their ids are the same too)."""
    services.site_settings_update(acting_user=SYSTEM, languages=["en", "de"])
    sections = [services.section_get_or_create(name=f"S{n}", acting_user=SYSTEM) for n in range(2)]
    tags = [services.tag_get_or_create(name=f"T{n}", acting_user=SYSTEM) for n in range(4)]
    authors = [services.author_get_or_create(name=f"A{n}", acting_user=SYSTEM) for n in range(3)]
    now = timezone.now()
    for n in range(12):
        make_article(
            section=sections[n % 2] if n % 3 else None,
            tags=[tags[(n + k) % 4] for k in range(n % 4)],
            authors=authors[: n % 3],
            language="de" if n % 5 == 0 else "en",
            pub_date=now - dt.timedelta(hours=n % 4, minutes=n),
        )
    make_article(tags=tags, status=Article.Status.DRAFT, pub_date=None)  # not public
    articles = Article.objects.published(at=now).filter(
        pk__in=list(Article.objects.values_list("pk", flat=True))
    )
    found = listings._changed_newest(articles)
    for kind in listings.KINDS:
        joined = listings._newest(listings._rows(kind, articles))
        assert found[kind] == joined
        if connection.vendor == "sqlite":  # PostgreSQL's join orders an article's tags anyhow
            assert list(found[kind]) == list(joined)
    assert len(found["tag"]) > 4  # tags in two languages
