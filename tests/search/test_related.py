"""Related articles: shared tags first, then the section, then shared words."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from django.utils import timezone

from newscenter.news import services
from newscenter.news.policy import SYSTEM
from newscenter.search.related import related_articles


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
