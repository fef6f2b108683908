"""The search contract: every backend passes this same suite.

`make test` runs it on SQLite, then again on a real PostgreSQL 15 server (DATABASE_URL), so
the two backends are held to the same behaviour through the same public functions.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from newscenter.search import searching
from newscenter.search.backends import backend
from newscenter.search.query import parse
from newscenter.search.searching import SearchRequest, search

NOW = timezone.now()


def found(text: str, **options) -> list[str]:
    """Headlines a search returns, in order."""
    results = search(SearchRequest(text, **options))
    names = dict(
        Article.objects.filter(pk__in=[h.article_id for h in results.hits]).values_list(
            "pk", "headline"
        )
    )
    return [names[h.article_id] for h in results.hits]


def days_ago(n: float) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def test_the_backend_is_the_one_for_the_database(db):
    expected = {"sqlite": "SqliteBackend", "postgresql": "PostgresBackend"}[connection.vendor]
    assert type(backend()).__name__ == expected


# Ranking ------------------------------------------------------------------------------------


def test_headline_outranks_standfirst_outranks_body(publish):
    publish(headline="Annual report", body="<p>The flowmeter line grew.</p>", pub_date=days_ago(1))
    publish(headline="Quarterly figures", standfirst="Flowmeter sales rose.", pub_date=days_ago(1))
    publish(headline="Flowmeter factory opens", pub_date=days_ago(1))
    assert found("flowmeter") == ["Flowmeter factory opens", "Quarterly figures", "Annual report"]


def test_recency_breaks_ties_and_tempers_relevance(publish):
    publish(headline="Gasket news from last year", pub_date=days_ago(400))
    publish(headline="Gasket news from this week", pub_date=days_ago(3))
    publish(headline="Gasket news from last month", pub_date=days_ago(30))
    assert found("gasket") == [
        "Gasket news from this week",
        "Gasket news from last month",
        "Gasket news from last year",
    ]
    # A headline match a month old still beats a passing mention in today's body.
    publish(headline="Plant tour", body="<p>Also: a gasket.</p>", pub_date=days_ago(0.1))
    ranked = found("gasket")
    assert ranked.index("Gasket news from last month") < ranked.index("Plant tour")


def test_sorting_by_date_instead_of_relevance(publish):
    publish(headline="Impeller story", pub_date=days_ago(9))
    publish(headline="Other", body="<p>An impeller.</p>", pub_date=days_ago(1))
    assert found("impeller", by_date=True) == ["Other", "Impeller story"]


# Highlighting -------------------------------------------------------------------------------


def test_matches_are_highlighted_in_headline_and_snippet(publish):
    publish(
        headline="New pressure valves for district heating",
        body="<p>Engineers in Ebersfurt tested the valves for two winters in a row.</p>",
    )
    hit = search(SearchRequest("valves")).hits[0]
    assert "<mark>valves</mark>" in hit.headline_html
    assert "tested the <mark>valves</mark> for" in hit.snippet_html


def test_highlighting_folds_diacritics_and_marks_prefixes(publish):
    publish(headline="Dr. Müller visits the Ebersfurt works", body="<p>Müller saw valves.</p>")
    hit = search(SearchRequest("muller valv")).hits[0]
    assert hit.headline_html == "Dr. <mark>Müller</mark> visits the Ebersfurt works"
    assert hit.snippet_html == "<mark>Müller</mark> saw <mark>valves</mark>."


def test_highlighting_escapes_the_articles_text(publish):
    publish(
        headline="Tags like <b> in a headline",
        body="<p>Write &lt;script&gt;alert(1)&lt;/script&gt; and a sealant.</p>",
    )
    hit = search(SearchRequest("sealant")).hits[0]
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert "&lt;b&gt;" in hit.headline_html
    assert "<mark>sealant</mark>" in hit.snippet_html


# Query language -----------------------------------------------------------------------------


def test_phrase_queries_match_words_in_order(publish):
    publish(headline="The new assembly hall opens")
    publish(headline="A hall for the assembly of pumps")
    assert found('"assembly hall"') == ["The new assembly hall opens"]
    assert sorted(found("assembly hall")) == [
        "A hall for the assembly of pumps",
        "The new assembly hall opens",
    ]


def test_prefixes_match_longer_words(publish):
    publish(headline="Valves shipped to Norway")
    publish(headline="Pumphouse renovated")
    assert found("valv") == ["Valves shipped to Norway"]
    assert found("valve") == ["Valves shipped to Norway"]
    assert found("pump*") == ["Pumphouse renovated"]
    assert found('"valve"') == []  # quoted: that word exactly, and no spelling correction


def test_excluded_words(publish):
    publish(headline="Pump sales in Norway")
    publish(headline="Pump sales in Spain")
    assert found("pump -spain") == ["Pump sales in Norway"]
    assert found("-spain") == []  # exclusions alone find nothing rather than everything


def test_every_word_must_match(publish):
    publish(headline="Turbine order from Chile")
    publish(headline="Turbine maintenance")
    assert found("turbine chile") == ["Turbine order from Chile"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("muller", ["Dr. Müller joins the board"]),
        ("MÜLLER", ["Dr. Müller joins the board"]),
        ("Muller board", ["Dr. Müller joins the board"]),
        ("café", ["Works cafe reopens", "Le Café du Port"]),
        ("cafe", ["Works cafe reopens", "Le Café du Port"]),
        ("São", ["Sao Paulo office"]),
    ],
)
def test_diacritics_and_case_are_folded(publish, query, expected):
    publish(headline="Dr. Müller joins the board", pub_date=days_ago(1))
    publish(headline="Works cafe reopens", pub_date=days_ago(2))
    publish(headline="Le Café du Port", pub_date=days_ago(3))
    publish(headline="Sao Paulo office", pub_date=days_ago(4))
    assert found(query) == expected


def test_misspellings_are_corrected_when_nothing_matches(publish):
    publish(headline="Stainless steel valves certified")
    publish(headline="Centrifugal pumps for breweries")
    results = search(SearchRequest("centrifugl pumsp"))
    assert results.total == 1
    assert results.corrected is not None
    assert results.corrected.text() == "centrifugal pumps"
    assert found("stainles") == ["Stainless steel valves certified"]  # a prefix, no correction
    assert search(SearchRequest("stainles")).corrected is None
    assert search(SearchRequest("qqqqxxxx")).total == 0


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        'a "b',
        '""',
        "AND OR NOT",
        "NEAR(valves pumps, 2)",
        "valves AND",
        "(",
        ")",
        "*",
        "-",
        "--",
        "-*",
        "^valves",
        "headline:valves",
        "{headline body}: valves",
        "valves' OR 1=1; --",
        "'); DROP TABLE news_article; --",
        "\\",
        "%_%",
        "a & b | !c <-> d",
        "valves:*",
        "\x00\x01\x1b",
        "\u202evalves",
        "😀 valves 🚰",
        "ß",
        " ",
        "",
        "x" * 10_000,
        "valves " * 2_000,
        '"' * 10_000,
        "a" + "\u0301" * 5_000,
    ],
)
def test_any_query_string_answers_without_an_error(publish, query):
    publish(headline="Valves and pumps")
    results = search(SearchRequest(query))
    assert results.total >= 0
    assert len(results.hits) <= 20


# Filters and pages ---------------------------------------------------------------------------


def test_filters_by_section_tag_and_date(publish):
    company = services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    products = services.section_get_or_create(name="Product news", acting_user=SYSTEM)
    fairs = services.tag_get_or_create(name="Trade fairs", acting_user=SYSTEM)
    publish(headline="Compressor at the Hanover fair", section=products, tags=[fairs],
            pub_date=dt.datetime(2024, 4, 22, 9, tzinfo=dt.UTC))  # fmt: skip
    publish(headline="Compressor line expanded", section=company,
            pub_date=dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC))  # fmt: skip
    publish(headline="Compressor recall notice", section=products,
            pub_date=dt.datetime(2023, 1, 9, 9, tzinfo=dt.UTC))  # fmt: skip
    assert len(found("compressor")) == 3
    assert found("compressor", section=company) == ["Compressor line expanded"]
    assert found("compressor", tag=fairs) == ["Compressor at the Hanover fair"]
    in_2024 = {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31)}
    assert sorted(found("compressor", **in_2024)) == [
        "Compressor at the Hanover fair",
        "Compressor line expanded",
    ]
    assert found("compressor", date_from=dt.date(2024, 6, 3)) == ["Compressor line expanded"]
    assert found("compressor", date_to=dt.date(2024, 4, 22), section=products, tag=fairs) == [
        "Compressor at the Hanover fair"
    ]


def test_pages_partition_the_results(db, committed):
    new = [
        services.NewArticle(
            fields={
                "headline": f"Flange report {n}",
                "status": "published",
                "pub_date": days_ago(n),
            }
        )
        for n in range(25)
    ]
    committed(services.article_bulk_create, acting_user=SYSTEM, new=new)
    pages = [search(SearchRequest("flange", page=p, per_page=10)) for p in (1, 2, 3)]
    assert [r.total for r in pages] == [25, 25, 25]
    headlines = [h for p in (1, 2, 3) for h in found("flange", page=p, per_page=10)]
    assert headlines == [f"Flange report {n}" for n in range(25)]
    assert search(SearchRequest("flange", page=4, per_page=10)).hits == []


def test_only_the_newest_matches_of_a_very_common_query_are_ranked(db, committed, monkeypatch):
    monkeypatch.setattr("newscenter.search.searching.RANKING_WINDOW", 5)
    new = [
        services.NewArticle(
            fields={"headline": f"Seal report {n}", "status": "published", "pub_date": days_ago(n)}
        )
        for n in range(8)
    ]
    new[7].fields["headline"] = "Seal seal seal: the oldest"  # most relevant, but outside
    committed(services.article_bulk_create, acting_user=SYSTEM, new=new)
    results = search(SearchRequest("seal"))
    assert (results.total, results.more) == (5, True)
    assert sorted(found("seal")) == sorted(f"Seal report {n}" for n in range(5))
    exact = search(SearchRequest("seal", date_to=days_ago(5).date()))
    assert (exact.total, exact.more) == (3, False)


def test_request_limits_are_checked():
    for bad in ({"page": 0}, {"page": 101}, {"per_page": 0}, {"per_page": 51}):
        with pytest.raises(ValueError, match="must be between"):
            SearchRequest("x", **bad)
    with pytest.raises(ValueError, match="start date is after the end date"):
        SearchRequest("x", date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 1, 1))


# Following the articles ---------------------------------------------------------------------


def test_the_index_follows_publish_edit_and_unpublish(publish, committed, edit):
    article = committed(
        services.article_create, acting_user=SYSTEM, headline="Hydrant programme", status="draft"
    )
    assert found("hydrant") == []
    committed(services.article_publish_or_schedule, article=article, acting_user=SYSTEM)
    assert found("hydrant") == ["Hydrant programme"]
    edit(article, headline="Sprinkler programme")
    assert found("hydrant") == []
    assert found("sprinkler") == ["Sprinkler programme"]
    committed(services.article_take_down, article=article, acting_user=SYSTEM)
    assert found("sprinkler") == []


def test_a_rolled_back_edit_never_reaches_the_index(publish, committed):
    article = publish(headline="Manifold order")

    def failing_edit():
        with transaction.atomic():
            services.article_update(article=article, acting_user=SYSTEM, headline="Bellows order")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        committed(failing_edit)
    assert found("bellows") == []
    assert found("manifold") == ["Manifold order"]


def test_scheduled_articles_appear_in_results_at_their_time(publish):
    publish(headline="Cooling tower contract", pub_date=NOW + dt.timedelta(hours=2))
    assert found("cooling") == []
    with time_machine.travel(NOW + dt.timedelta(hours=2, seconds=1)):
        assert found("cooling") == ["Cooling tower contract"]


def test_deleted_articles_leave_the_index(publish):
    article = publish(headline="Actuator recall")
    article.delete()  # not through a service: the index must follow any delete
    engine = backend()
    assert not engine.matches_any(parse("actuator"))
    assert found("actuator") == []


def test_reindex_rebuilds_the_index(publish, capsys):
    publish(headline="Strainer launch")
    publish(headline="Strainer draft", status="draft", pub_date=None)
    backend().clear()
    assert found("strainer") == []
    call_command("reindex")
    assert found("strainer") == ["Strainer launch"]
    assert "Indexed 1 published article" in capsys.readouterr().out


def test_the_window_is_the_newest_candidates_behind_any_number_of_newer_matches(
    publish, monkeypatch
):
    """The window is the newest matches among the candidates, however many newer matches a
    filter leaves out, or the clock (articles scheduled for later are indexed already). The
    PostgreSQL backend first looks at twice the window's newest matches alone, and must read
    on when too few of them are candidates."""
    monkeypatch.setattr(searching, "RANKING_WINDOW", 3)
    company = services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    products = services.section_get_or_create(name="Product news", acting_user=SYSTEM)
    now = timezone.now()
    for n in range(7):  # more than twice the window, all newer
        publish(
            headline=f"Compressor model {n} shipped", section=company,
            pub_date=now - dt.timedelta(days=n + 1),
        )  # fmt: skip
    for n in range(2):
        publish(
            headline=f"Compressor plant {n} visited", section=products,
            pub_date=now - dt.timedelta(days=n + 10),
        )  # fmt: skip
    assert found("compressor", section=products) == [
        "Compressor plant 0 visited",
        "Compressor plant 1 visited",
    ]
    assert found("compressor", section=company) == [
        f"Compressor model {n} shipped" for n in range(3)
    ]
    assert found("compressor") == [f"Compressor model {n} shipped" for n in range(3)]
    for n in range(7):  # scheduled: the newest matches in the index, and no candidates yet
        publish(headline=f"Compressor fair {n} announced", pub_date=now + dt.timedelta(days=n + 1))
    assert found("compressor") == [f"Compressor model {n} shipped" for n in range(3)]
    assert found("plant") == ["Compressor plant 0 visited", "Compressor plant 1 visited"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_a_remade_article_table_gets_the_index_trigger_back_after_migrate(publish):
    """SQLite drops a table's triggers when a migration remakes it: the index's trigger on
    articles is made again after ``migrate``, and what was deleted meanwhile leaves the index."""
    from newscenter.search import indexing

    publish(headline="Valve plant", pub_date=days_ago(1))
    gone = publish(headline="Seal plant", pub_date=days_ago(1))
    gone_id = gone.pk
    assert indexing.differences().count == 0
    with connection.cursor() as cursor:  # what SQLite's remaking of news_article leaves
        cursor.execute("DROP TRIGGER search_document_article_deleted")
    services.article_delete(article=gone, acting_user=SYSTEM)
    assert indexing.differences().extra == [gone_id]

    call_command("migrate", verbosity=0)

    assert indexing.differences().count == 0
    later = publish(headline="Pump plant", pub_date=days_ago(1))
    services.article_delete(article=later, acting_user=SYSTEM)
    assert indexing.differences().count == 0
    assert found("plant") == ["Valve plant"]
