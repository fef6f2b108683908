"""Reads whose SQL is built once (news.prepared): each call still reads its own values and the
clock of its moment, and gives what the same queryset gives."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.db.models import signals
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newscenter.news import selectors, services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from newscenter.news.prepared import Prepared, PreparedCount, PreparedValues
from tests.builders import make_article, make_image

pytestmark = pytest.mark.django_db


def _headlines(response) -> list[str]:
    page = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in page.select(".article-list h2 a")]


def test_article_pages_read_each_address_and_the_clock(client, time_machine):
    now = timezone.now()
    plant = make_article(headline="Ebersfurt plant opens")
    fair = make_article(headline="At the Kesselmark fair", status=Article.Status.SCHEDULED,
                        pub_date=now + dt.timedelta(hours=1))  # fmt: skip
    assert client.get(plant.get_absolute_url()).status_code == 200  # the read's SQL is built
    assert client.get(fair.get_absolute_url()).status_code == 404  # not yet public
    time_machine.move_to(now + dt.timedelta(hours=2))
    page = BeautifulSoup(client.get(fair.get_absolute_url()).content, "html.parser")
    assert page.h1.get_text() == "At the Kesselmark fair"
    page = BeautifulSoup(client.get(plant.get_absolute_url()).content, "html.parser")
    assert page.h1.get_text() == "Ebersfurt plant opens"


def test_an_article_read_by_its_address_is_the_one_the_queryset_gives():
    section = services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    article = make_article(headline="Ebersfurt plant opens", section=section)
    found = selectors.public_article(day=article.pub_day, slug=article.slug)
    expected = selectors.public_articles(relations=False).get(pk=article.pk)
    assert [(f.attname, getattr(found, f.attname)) for f in Article._meta.concrete_fields] == [
        (f.attname, getattr(expected, f.attname)) for f in Article._meta.concrete_fields
    ]
    with CaptureQueriesContext(connection) as queries:
        assert found.section == section  # joined, not read again
        assert found.lead_image is None
    assert len(queries) == 0


def test_listings_read_their_own_subject_and_the_clock(client, time_machine):
    now = timezone.now()
    plants = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    fairs = services.section_get_or_create(name="Fairs", acting_user=SYSTEM)
    make_article(headline="Ebersfurt plant opens", section=plants)
    make_article(headline="Kesselmark fair", section=fairs, status=Article.Status.SCHEDULED,
                 pub_date=now + dt.timedelta(hours=1))  # fmt: skip
    make_article(headline="Hanover fair", section=fairs, pub_date=now - dt.timedelta(hours=2))
    assert _headlines(client.get("/news/section/plants/")) == ["Ebersfurt plant opens"]
    assert _headlines(client.get("/news/section/fairs/")) == ["Hanover fair"]
    assert _headlines(client.get("/news/")) == ["Ebersfurt plant opens", "Hanover fair"]
    time_machine.move_to(now + dt.timedelta(hours=2))
    assert _headlines(client.get("/news/section/fairs/")) == ["Kesselmark fair", "Hanover fair"]
    assert _headlines(client.get("/news/"))[0] == "Kesselmark fair"


def test_a_prepared_read_gives_instances_and_wants_its_values_by_name():
    article = make_article(headline="Ebersfurt plant opens")
    by_slug: Prepared[Article] = Prepared(
        lambda p: Article.objects.published(at=p.now).filter(slug=p.slug),
        now=Article._meta.get_field("pub_date"),
        slug=Article._meta.get_field("slug"),
    )
    assert by_slug(now=timezone.now(), slug=article.slug) == [article]
    assert by_slug(now=article.pub_date - dt.timedelta(seconds=1), slug=article.slug) == []
    assert by_slug(now=timezone.now(), slug="no-such-article") == []
    with pytest.raises(TypeError):
        by_slug(slug=article.slug)
    values = Prepared(lambda p: Article.objects.filter(slug=p.slug).values("pk"),
                      slug=Article._meta.get_field("slug"))  # fmt: skip
    with pytest.raises(ValueError, match="model instances"):
        values(slug=article.slug)


def _made(obj) -> tuple:
    """What an instance holds: its fields as set (deferred ones absent), its state, and the
    related objects cached on it."""
    # repr(): a date's time zone too, not only the moment it stands for.
    fields = {k: repr(v) for k, v in vars(obj).items() if k != "_state"}
    return (type(obj), fields, obj._state.adding, obj._state.db, obj.get_deferred_fields(),
            sorted(obj._state.fields_cache))  # fmt: skip


def test_prepared_instances_are_those_django_makes_deferred_fields_and_joins_included():
    section = services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    make_article(headline="Ebersfurt plant opens", section=section, lead_image=make_image())
    make_article(headline="Kesselmark fair")
    read = Prepared(
        lambda p: (
            Article.objects.published(at=p.now)
            .select_related("section", "lead_image")
            .defer("body", "labels")
            .order_by("-pub_date", "-id")
        ),
        now=Article._meta.get_field("pub_date"),
    )
    found = read(now=timezone.now())
    expected = list(
        Article.objects.published()
        .select_related("section", "lead_image")
        .defer("body", "labels")
        .order_by("-pub_date", "-id")
    )
    assert [_made(a) for a in found] == [_made(a) for a in expected]
    assert [_made(a.lead_image) for a in found if a.lead_image] == [
        _made(a.lead_image) for a in expected if a.lead_image
    ]
    assert [_made(a.section) for a in found if a.section] == [
        _made(a.section) for a in expected if a.section
    ]
    body = Article.objects.get(pk=found[0].pk).body
    with CaptureQueriesContext(connection) as queries:
        assert found[0].body == body  # a deferred field is read when asked for
    assert len(queries) == 1


def test_prepared_instances_are_made_by_django_when_someone_listens_to_post_init():
    article = make_article(headline="Ebersfurt plant opens")
    read = Prepared(
        lambda p: Article.objects.filter(slug=p.slug), slug=Article._meta.get_field("slug")
    )
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance.pk)

    signals.post_init.connect(listener, sender=Article)
    try:
        assert read(slug=article.slug) == [article]
    finally:
        signals.post_init.disconnect(listener, sender=Article)
    assert seen == [article.pk]


def _values_and_count():
    """A read of values and a count, each with the clock and a date as values."""
    date = Article._meta.get_field("pub_date")
    headlines = PreparedValues(
        lambda p: Article.objects.published(at=p.now).filter(pub_date__gte=p.since)
        .order_by("-pub_date").values_list("headline", "pub_date"),
        now=date, since=date,
    )  # fmt: skip
    ids = PreparedValues(
        lambda p: Article.objects.published(at=p.now).filter(pub_date__gte=p.since)
        .order_by("pub_date").values_list("pk", flat=True)[:2],
        now=date, since=date,
    )  # fmt: skip
    count = PreparedCount(
        lambda p: Article.objects.published(at=p.now).filter(pub_date__gte=p.since),
        now=date, since=date,
    )  # fmt: skip
    return headlines, ids, count


def test_prepared_values_and_counts_are_what_the_queryset_gives_at_each_call():
    now = timezone.now()
    for hours, headline in ((3, "Hanover fair"), (2, "Ebersfurt plant opens"), (1, "Kesselmark")):
        make_article(headline=headline, pub_date=now - dt.timedelta(hours=hours))
    make_article(headline="Embargoed", status=Article.Status.SCHEDULED,
                 pub_date=now + dt.timedelta(hours=1))  # fmt: skip
    headlines, ids, count = _values_and_count()
    for at, since in ((now, now - dt.timedelta(hours=4)), (now, now - dt.timedelta(hours=2)),
                      (now + dt.timedelta(hours=2), now - dt.timedelta(minutes=150)),
                      (now - dt.timedelta(days=1), now - dt.timedelta(days=2))):  # fmt: skip
        public = Article.objects.published(at=at).filter(pub_date__gte=since)
        expected = list(public.order_by("-pub_date").values_list("headline", "pub_date"))
        assert headlines(now=at, since=since) == expected
        assert ids(now=at, since=since) == list(
            public.order_by("pub_date").values_list("pk", flat=True)[:2]
        )
        assert count(now=at, since=since) == public.count()
    found = headlines(now=now, since=now - dt.timedelta(hours=4))
    assert [h for h, _ in found] == ["Kesselmark", "Ebersfurt plant opens", "Hanover fair"]
    assert all(isinstance(d, dt.datetime) and d.tzinfo is not None for _, d in found)
    assert count(now=now + dt.timedelta(hours=2), since=now - dt.timedelta(hours=4)) == 4


def test_a_prepared_count_runs_one_query_a_call_and_wants_its_values_by_name():
    make_article(headline="Ebersfurt plant opens")
    _, _, count = _values_and_count()
    earlier = timezone.now() - dt.timedelta(days=1)
    seen = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    # The first call catches count()'s SQL unsent: no log (the debug cursor's, as with
    # DEBUG on) and no execute wrapper sees it, only the query then run.
    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(watch):
        assert count(now=timezone.now(), since=earlier) == 1
        assert count(now=timezone.now(), since=earlier) == 1
        assert count(now=earlier, since=earlier) == 0
    assert len(queries) == 3
    assert len(seen) == 3
    assert all("COUNT(*)" in q["sql"] for q in queries)
    with pytest.raises(TypeError):
        count(now=timezone.now())


def test_a_prepared_read_of_values_refuses_instances_and_prefetches():
    article = make_article(headline="Ebersfurt plant opens")
    slug = Article._meta.get_field("slug")
    instances = PreparedValues(lambda p: Article.objects.filter(slug=p.slug), slug=slug)
    with pytest.raises(ValueError, match="values_list"):
        instances(slug=article.slug)
    prefetching = PreparedValues(
        lambda p: Article.objects.filter(slug=p.slug).prefetch_related("tags").values_list("pk"),
        slug=slug,
    )
    with pytest.raises(ValueError, match="prefetches nothing"):
        prefetching(slug=article.slug)
