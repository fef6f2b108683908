"""Related articles: shared tags first, then the section, then shared words."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone

from newscenter.news import services
from newscenter.news.models import Article, RelatedArticle
from newscenter.news.policy import SYSTEM
from newscenter.search import related, sqlite
from newscenter.search.related import RELATED_COUNT, related_articles


def test_shared_tags_then_section_then_words(publish):
    pumps = services.section_get_or_create(name="Product news", acting_user=SYSTEM)
    company = services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    fairs = services.tag_get_or_create(name="Trade fairs", acting_user=SYSTEM)
    hanover = services.tag_get_or_create(name="Hanover", acting_user=SYSTEM)
    now = timezone.now()
    article = publish(headline="Kesselmark at the Hanover fair", section=pumps,
                      tags=[fairs, hanover])  # fmt: skip
    both_tags = publish(headline="Stand plan", tags=[fairs, hanover], section=company)
    one_tag = publish(headline="Fair calendar", tags=[fairs], section=company)
    same_section = publish(headline="New seal kit", section=pumps,
                           pub_date=now - dt.timedelta(days=2))  # fmt: skip
    words_only = publish(headline="Why Hanover matters to Kesselmark", section=company)
    publish(headline="Canteen menu", section=company)
    publish(headline="Draft about Hanover", tags=[fairs, hanover], status="draft", pub_date=None)
    assert related_articles(article) == [both_tags, one_tag, same_section, words_only]


def test_text_similarity_fills_in_without_tags_or_section(publish):
    article = publish(headline="Ebersfurt foundry doubles its casting capacity", standfirst="")
    similar = publish(headline="Casting capacity at the foundry", standfirst="Ebersfurt news.")
    publish(headline="Canteen menu", standfirst="Soup on Fridays.")
    assert related_articles(article) == [similar]


def test_the_article_page_links_its_related_articles(client, publish):
    fairs = services.tag_get_or_create(name="Trade fairs", acting_user=SYSTEM)
    article = publish(headline="Kesselmark at the fair", tags=[fairs])
    other = publish(headline="Fair calendar", tags=[fairs])
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    links = page.select(".related a")
    assert [(a.get_text(), a["href"]) for a in links] == [
        ("Fair calendar", other.get_absolute_url())
    ]
    lonely = publish(headline="Zzyzx", standfirst="")
    assert not BeautifulSoup(client.get(lonely.get_absolute_url()).content, "html.parser").select(
        ".related"
    )


def test_one_word_in_common_is_no_relation_and_then_nothing_is_shown(client, publish):
    article = publish(headline="Ebersfurt foundry doubles its casting capacity", standfirst="")
    publish(headline="Ebersfurt choir sings at the summer party", standfirst="")
    publish(headline="Canteen menu", standfirst="Soup on Fridays, with news from the kitchen.")
    assert related_articles(article) == []
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert not page.select(".related")


def _related_on_page(client, article) -> list[str]:
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    return [a.get_text() for a in page.select(".related a")]


def _stored(article) -> list[int]:
    rows = RelatedArticle.objects.filter(article=article).order_by("rank")
    return list(rows.values_list("related_id", flat=True))


def test_changing_a_tag_changes_the_neighbours_lists(client, publish, edit):
    fairs = services.tag_get_or_create(name="Trade fairs", acting_user=SYSTEM)
    # No words in common: only the tag relates them.
    article = publish(headline="Kesselmark at the exhibition", standfirst="", tags=[fairs])
    calendar = publish(headline="Calendar of dates", standfirst="", tags=[fairs])
    menu = publish(headline="Canteen menu", standfirst="")
    assert _related_on_page(client, article) == ["Calendar of dates"]
    assert _stored(article) == [calendar.pk]

    edit(menu, tags=[fairs])  # the menu's change reaches the lists it now belongs in
    assert _related_on_page(client, article) == ["Canteen menu", "Calendar of dates"]
    assert _stored(calendar) == [menu.pk, article.pk]

    edit(calendar, tags=[])  # and the lists it leaves
    assert _related_on_page(client, article) == ["Canteen menu"]
    assert _stored(menu) == [article.pk]


def test_a_withdrawn_article_leaves_the_lists_and_its_own_goes(client, publish, committed):
    fairs = services.tag_get_or_create(name="Trade fairs", acting_user=SYSTEM)
    article = publish(headline="Kesselmark at the fair", standfirst="", tags=[fairs])
    calendar = publish(headline="Fair calendar", standfirst="", tags=[fairs])
    committed(services.article_unpublish, article=calendar, acting_user=SYSTEM)
    assert _related_on_page(client, article) == []
    assert _stored(article) == []
    assert _stored(calendar) == []


def test_a_scheduled_article_joins_the_lists_at_its_time(client, publish, time_machine):
    fairs = services.tag_get_or_create(name="Trade fairs", acting_user=SYSTEM)
    article = publish(headline="Kesselmark at the fair", standfirst="", tags=[fairs])
    publish(headline="Fair calendar", standfirst="", tags=[fairs])
    later = timezone.now() + dt.timedelta(hours=2)
    publish(headline="Fair report", standfirst="", tags=[fairs], status="scheduled", pub_date=later)
    assert _related_on_page(client, article) == ["Fair calendar"]
    time_machine.move_to(later + dt.timedelta(minutes=1))
    # Nothing was ranked again: the stored list held it, and it is public now.
    assert _related_on_page(client, article) == ["Fair report", "Fair calendar"]


def test_the_page_reads_its_list_in_one_query(publish, django_assert_num_queries):
    fairs = services.tag_get_or_create(name="Trade fairs", acting_user=SYSTEM)
    article = publish(headline="Kesselmark at the fair", tags=[fairs])
    for n in range(6):
        publish(headline=f"Fair day {n}", tags=[fairs])
    with django_assert_num_queries(1):
        assert len(related_articles(article)) == RELATED_COUNT


def test_one_pass_over_every_article_stores_what_each_change_stored(publish, edit):
    """related.rebuild (reindex, large imports) and the per-change ranking agree."""
    pumps = services.section_get_or_create(name="Product news", acting_user=SYSTEM)
    fairs = services.tag_get_or_create(name="Trade fairs", acting_user=SYSTEM)
    valves = services.tag_get_or_create(name="Valves", acting_user=SYSTEM)
    now = timezone.now()
    for n in range(12):
        publish(
            headline=f"Valve line {n} at the Hanover fair" if n % 2 else f"Foundry news {n}",
            standfirst="Casting capacity" if n % 3 else "",
            tags=[[fairs], [valves], [fairs, valves], []][n % 4],
            section=pumps if n % 5 else None,
            pub_date=now - dt.timedelta(hours=n + 1),
        )
    stored = {pk: _stored(pk) for pk in Article.objects.values_list("pk", flat=True)}
    assert any(stored.values())
    related.rebuild()
    assert {pk: _stored(pk) for pk in stored} == stored


@pytest.mark.parametrize("window", [200, 3])
def test_the_packed_count_stores_what_the_counter_stores(publish, monkeypatch, window):
    """The rebuild counts a window held within search.base.PACKED_SPAN positions by adding
    packed integers, a larger one with a Counter: the same lists either way (a window of 3
    makes the window's edge and the article's own place in it matter)."""
    monkeypatch.setattr(related, "_WINDOW", window)
    sections = [services.section_get_or_create(name=f"Section {n}", acting_user=SYSTEM)
                for n in range(2)]  # fmt: skip
    tags = [services.tag_get_or_create(name=f"Tag {n}", acting_user=SYSTEM) for n in range(3)]
    now = timezone.now()
    for n in range(16):
        publish(
            headline=f"Valve line {n} at the Hanover fair" if n % 2 else f"Foundry valve {n}",
            standfirst="Casting capacity at the foundry" if n % 3 else "Hanover fair news",
            tags=[tag for k, tag in enumerate(tags) if (n >> k) & 1],
            section=sections[n % 2] if n % 5 else None,
            pub_date=now - dt.timedelta(hours=n + 1),
        )
    ids = list(Article.objects.values_list("pk", flat=True))
    related.rebuild()
    packed = {pk: _stored(pk) for pk in ids}
    assert sum(map(bool, packed.values())) > 8
    monkeypatch.setattr(related, "PACKED_SPAN", 0)  # every window past it: the Counter
    monkeypatch.setattr(sqlite, "PACKED_SPAN", 0)
    related.rebuild()
    assert {pk: _stored(pk) for pk in ids} == packed


def test_reindex_ranks_every_list_again(publish, capsys):
    fairs = services.tag_get_or_create(name="Trade fairs", acting_user=SYSTEM)
    article = publish(headline="Kesselmark at the fair", tags=[fairs])
    other = publish(headline="Fair calendar", tags=[fairs])
    RelatedArticle.objects.all().delete()  # as after changing articles directly in SQL
    call_command("reindex")
    assert "Ranked the related articles of 2" in capsys.readouterr().out
    assert _stored(article) == [other.pk]
