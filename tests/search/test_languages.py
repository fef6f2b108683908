"""Search in the site's languages, part of the contract both backends pass: Chinese and
Japanese found by any run of their characters, Korean by its words with particles, Arabic
with or without its short vowels, tatweel and alef forms; each edition searching its own."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from lxml import html

from newscenter.news import services
from newscenter.news.policy import SYSTEM
from newscenter.search import stemming
from newscenter.search.searching import SearchRequest, search
from tests.search.test_contract import days_ago, found


@pytest.fixture
def chinese(publish):
    publish(
        headline="苏州新工厂开业",
        standfirst="公司在亚洲的第一家工厂今天正式投产。",
        body="<p>新的生产线每年可以生产十万台阀门和水泵。</p>",
        pub_date=days_ago(1),
        language="zh-Hans",
    )
    publish(
        headline="北京办事处迁址",
        body="<p>办事处搬到了离工厂更近的地方。</p>",
        pub_date=days_ago(2),
        language="zh-Hans",
    )
    publish(headline="Valve plant opens in Suzhou", pub_date=days_ago(3))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("工厂", ["苏州新工厂开业", "北京办事处迁址"]),  # in a headline, then only in a body
        ("新工厂", ["苏州新工厂开业"]),  # a run inside a longer one
        ("苏州", ["苏州新工厂开业"]),  # the run's beginning
        ("开业", ["苏州新工厂开业"]),  # its end
        ("阀门", ["苏州新工厂开业"]),  # a body's words
        ("阀门 水泵", ["苏州新工厂开业"]),
        ("京", ["北京办事处迁址"]),  # one character, inside a run
        ("业", ["苏州新工厂开业"]),  # one character, ending a run
        ("工厂 -北京", ["苏州新工厂开业"]),
        ("厂工", []),  # the characters, not in that order
        ("上海工厂", []),  # every pair must be there
        ("Suzhou", ["Valve plant opens in Suzhou"]),
    ],
)
def test_chinese_is_found_by_any_run_of_its_characters(chinese, query, expected):
    assert found(query) == expected


def test_chinese_matches_are_marked_where_they_stand(chinese):
    hit = search(SearchRequest("新工厂")).hits[0]
    assert str(hit.headline_html) == "苏州<mark>新工厂</mark>开业"


def test_japanese_kana_and_kanji(publish):
    publish(headline="新しい工場が稼働しました", body="<p>バルブの生産を始めます。</p>")
    publish(headline="東京オフィスのお知らせ")
    assert found("工場") == ["新しい工場が稼働しました"]
    assert found("バルブ") == ["新しい工場が稼働しました"]
    assert found("オフィス") == ["東京オフィスのお知らせ"]
    assert found("稼働") == ["新しい工場が稼働しました"]


def test_korean_words_with_particles(publish):
    publish(headline="새 공장이 문을 열었습니다", body="<p>공장에서 밸브를 생산합니다.</p>")
    assert found("공장") == ["새 공장이 문을 열었습니다"]
    assert found("밸브") == ["새 공장이 문을 열었습니다"]


@pytest.fixture
def arabic(publish):
    publish(headline="افتتاح المَصْنَعِ الجديد في الرياض", pub_date=days_ago(1), language="ar")
    publish(headline="أخبار الشركة: إطلاق صمامات جديدة", pub_date=days_ago(2), language="ar")
    publish(headline="زيارة المدرسة للمصـــنع", pub_date=days_ago(3), language="ar")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Without the harakat the headline is written with, and with them.
        ("المصنع", ["افتتاح المَصْنَعِ الجديد في الرياض"]),
        ("المَصْنَع", ["افتتاح المَصْنَعِ الجديد في الرياض"]),
        ("اخبار", ["أخبار الشركة: إطلاق صمامات جديدة"]),  # alef with hamza, as bare alef
        ("اطلاق", ["أخبار الشركة: إطلاق صمامات جديدة"]),  # alef with hamza below
        ("المدرسه", ["زيارة المدرسة للمصـــنع"]),  # teh marbuta as heh
        ("للمصنع", ["زيارة المدرسة للمصـــنع"]),  # the tatweel stretched the word
        ("صمامات", ["أخبار الشركة: إطلاق صمامات جديدة"]),
    ],
)
def test_arabic_is_folded(arabic, query, expected):
    assert found(query) == expected


def test_an_arabic_word_inside_another_is_only_a_correction(arabic):
    # A whole word or its beginning matches: "مصنع" inside "للمصنع" is offered as a
    # correction (the nearest known word), not a match.
    results = search(SearchRequest("مصنع"))
    assert results.corrected is not None
    assert results.corrected.text() == "للمصنع"


def test_arabic_matches_are_marked_with_their_vowels(arabic):
    hit = search(SearchRequest("المصنع")).hits[0]
    assert "<mark>المَصْنَع" in str(hit.headline_html)


@pytest.fixture
def editions(publish):
    """The same news in the editions of a site in English, German and Chinese."""
    services.site_settings_update(acting_user=SYSTEM, languages=["de", "zh-Hans"])
    publish(headline="Ebersfurt plant opens", pub_date=days_ago(1))
    publish(headline="Werk Ebersfurt eröffnet", pub_date=days_ago(2), language="de")
    publish(headline="Ebersfurt: Werk in Österreich", pub_date=days_ago(3), language="de-AT")
    publish(headline="Ebersfurt 工厂开业", pub_date=days_ago(4), language="zh-Hans")


def test_each_edition_searches_its_own_articles(editions):
    assert found("Ebersfurt", edition="de") == [
        "Werk Ebersfurt eröffnet",
        "Ebersfurt: Werk in Österreich",
    ]
    assert found("Ebersfurt", edition="zh-Hans") == ["Ebersfurt 工厂开业"]
    assert found("Ebersfurt", edition="en") == ["Ebersfurt plant opens"]
    assert len(found("Ebersfurt")) == 4


def test_each_editions_search_page_searches_its_language(publish, client):
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    english = publish(headline="Ebersfurt plant opens", pub_date=days_ago(1))
    german = publish(headline="Werk Ebersfurt eröffnet", pub_date=days_ago(2), language="de")
    with translation.override("de"):
        german_search = reverse("news:search")
    assert german_search.startswith("/de/")

    def results(url: str) -> list[str]:
        page = html.fromstring(client.get(url, {"q": "Ebersfurt"}).content)
        return [a.get("href") for a in page.xpath("//ol[@class]//h2/a")]

    assert results(german_search) == [german.get_absolute_url()]
    assert results(reverse("news:search")) == [english.get_absolute_url()]


# Stemming per language ----------------------------------------------------------------------


@pytest.fixture
def stemmed(publish):
    services.site_settings_update(acting_user=SYSTEM, languages=["de", "fr", "es"])
    publish(headline="Die neue Pumpe läuft", pub_date=days_ago(1), language="de")
    publish(headline="Ein Haus für die Lehrlinge", pub_date=days_ago(2), language="de")
    publish(headline="La nouvelle usine de Lyon", pub_date=days_ago(3), language="fr")
    publish(headline="La fábrica de Sevilla", pub_date=days_ago(4), language="es")
    publish(headline="The new factory in Leeds", pub_date=days_ago(5))


@pytest.mark.parametrize(
    ("query", "edition", "expected"),
    [
        # A plural finds the singular by their stem, which the prefix alone would not.
        ("Pumpen", "de", ["Die neue Pumpe läuft"]),
        ("Häuser", "de", ["Ein Haus für die Lehrlinge"]),  # umlaut plural: stem "haus"
        ("Hauser", "de", ["Ein Haus für die Lehrlinge"]),  # typed without the umlaut
        ("usines", "fr", ["La nouvelle usine de Lyon"]),
        ("fábricas", "es", ["La fábrica de Sevilla"]),
        ("factories", "en", ["The new factory in Leeds"]),
        ("factories", None, ["The new factory in Leeds"]),  # the default language's stems
        # Stop words of the language are still words of the text.
        ("die", "de", ["Die neue Pumpe läuft", "Ein Haus für die Lehrlinge"]),
        # A quoted word is exact: no stem, no prefix.
        ('"Pumpen"', "de", []),
        # Stems are the query's language's: German stems are not English ones.
        ("Pumpen", "en", []),
    ],
)
def test_bare_words_match_their_stems_in_the_querys_language(stemmed, query, edition, expected):
    assert found(query, edition=edition) == expected


def test_stems_are_indexed_alike_once_the_judged_words_are_many(publish, monkeypatch):
    # SQLite's index keeps each word's stem once judged, up to a bound, then judges afresh.
    monkeypatch.setattr(stemming, "JUDGED_WORDS", 5)
    publish(headline="The new factory in Leeds opens", pub_date=days_ago(1))
    publish(headline="Two factories train apprentices", pub_date=days_ago(2))
    publish(headline="Apprentice trains on the new line", pub_date=days_ago(3))
    assert sorted(found("factories")) == ["The new factory in Leeds opens",
                                          "Two factories train apprentices"]  # fmt: skip
    assert sorted(found("apprentices")) == ["Apprentice trains on the new line",
                                            "Two factories train apprentices"]  # fmt: skip


def test_a_match_by_stem_is_marked(stemmed):
    hit = search(SearchRequest("Pumpen", edition="de")).hits[0]
    assert "<mark>Pumpe</mark>" in str(hit.headline_html)


# The reader's language first ----------------------------------------------------------------


def test_with_every_edition_searched_the_readers_language_comes_first(editions):
    assert found("Ebersfurt", language="de") == [
        "Werk Ebersfurt eröffnet",
        "Ebersfurt: Werk in Österreich",
        "Ebersfurt plant opens",
        "Ebersfurt 工厂开业",
    ]
    assert found("Ebersfurt", language="zh-Hans")[0] == "Ebersfurt 工厂开业"
    assert found("Ebersfurt", language="en")[0] == "Ebersfurt plant opens"
    # Sorting by date is the reader's own order, and an edition searches its own articles.
    assert found("Ebersfurt", language="de", by_date=True)[0] == "Ebersfurt plant opens"
    assert found("Ebersfurt", language="de", edition="zh-Hans") == ["Ebersfurt 工厂开业"]


def test_the_readers_language_gives_the_stems(stemmed):
    assert found("Pumpen", language="de") == ["Die neue Pumpe läuft"]
