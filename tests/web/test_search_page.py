"""The search page and its JSON twin, through HTTP."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from newscenter.news import services
from newscenter.news.policy import SYSTEM
from tests.builders import make_article


@pytest.fixture
def publish(db, django_capture_on_commit_callbacks):
    def make(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return make_article(**fields)

    return make


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_results_keep_the_query_count_and_highlight(client, publish):
    publish(headline="Ball valves for breweries", body="<p>The ball valves are food safe.</p>")
    publish(headline="Unrelated")
    page = client.get("/news/search/", {"q": "ball valves"})
    assert page.status_code == 200
    html = soup(page)
    assert html.select_one("input[name=q]")["value"] == "ball valves"
    assert html.select_one(".result-count").get_text(" ", strip=True) == (
        "1 result for “ball valves”"
    )
    [result] = html.select(".search-results > li")
    assert result.select_one("h2 a")["href"].startswith("/news/")
    assert [m.get_text() for m in result.select("h2 mark")] == ["Ball", "valves"]
    assert "food safe" in result.select_one(".snippet").get_text()


def test_search_pages_are_not_indexed(client, publish):
    publish(headline="Valves")
    for response in (client.get("/news/search/", {"q": "valves"}),
                     client.get("/news/search.json", {"q": "valves"})):  # fmt: skip
        assert response["X-Robots-Tag"] == "noindex"
    page = soup(client.get("/news/search/", {"q": "valves"}))
    assert page.select_one("meta[name=robots]")["content"] == "noindex"
    assert page.select_one("link[rel=canonical]") is None


def test_no_results_offers_help(client, publish):
    section = services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    publish(headline="Valves", section=section)
    page = soup(client.get("/news/search/", {"q": "zeppelin"}))
    help_text = page.select_one(".no-results").get_text(" ", strip=True)
    assert "Nothing matches “zeppelin”" in help_text
    assert "Check the spelling" in help_text
    assert page.select_one(".no-results a[href='/news/section/company-news/']")
    filtered = soup(client.get("/news/search/", {"q": "zeppelin", "section": "company-news"}))
    assert filtered.select_one(".no-results a[href='?q=zeppelin']")


def test_a_corrected_query_is_announced(client, publish):
    publish(headline="Centrifugal pumps for breweries")
    page = soup(client.get("/news/search/", {"q": "centrifugl"}))
    summary = page.select_one(".search-summary").get_text(" ", strip=True)
    assert "Showing results for “centrifugal” instead" in summary
    assert len(page.select(".search-results > li")) == 1


def test_empty_query_shows_the_form_and_help(client, db):
    page = client.get("/news/search/")
    assert page.status_code == 200
    assert soup(page).select_one("form[role=search] input[type=search]")
    assert soup(page).select_one(".search-help")


def test_bad_parameters_are_explained_not_crashed(client, db):
    for params in ({"q": "x", "page": "abc"}, {"q": "x", "page": "0"}, {"q": "x", "page": "101"},
                   {"q": "x", "date_from": "2024-13-40"}, {"q": "x", "section": "nope"},
                   {"q": "x", "date_from": "2024-05-01", "date_to": "2024-01-01"},
                   {"q": "x", "sort": "sideways"}):  # fmt: skip
        page = client.get("/news/search/", params)
        assert page.status_code == 400, params
        assert soup(page).select_one("[role=alert]"), params
        data = client.get("/news/search.json", params)
        assert data.status_code == 400, params
        assert data.json()["errors"], params


def test_hostile_queries_answer_200(client, publish):
    publish(headline="Valves")
    for q in ('"unbalanced', "NEAR(", "x" * 10_000, "\x00", "'); DROP TABLE x; --", "*"):
        assert client.get("/news/search/", {"q": q}).status_code == 200
        assert client.get("/news/search.json", {"q": q}).status_code == 200


def test_pages_link_to_each_other_with_the_query_kept(
    client, db, django_capture_on_commit_callbacks
):
    new = [services.NewArticle(fields={"headline": f"Pump {n}", "status": "published",
                                       "pub_date": make_article().pub_date})
           for n in range(25)]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.article_bulk_create(acting_user=SYSTEM, new=new)
    first = soup(client.get("/news/search/", {"q": "pump", "sort": "date"}))
    assert len(first.select(".search-results > li")) == 20
    next_href = first.select_one("a[rel=next]")["href"]
    assert "q=pump" in next_href
    assert "sort=date" in next_href
    assert "page=2" in next_href
    second = soup(client.get("/news/search/" + next_href))
    assert len(second.select(".search-results > li")) == 5
    assert second.select_one("a[rel=prev]")


def test_json_gives_the_same_results(client, publish):
    section = services.section_get_or_create(name="Product news", acting_user=SYSTEM)
    publish(headline="Gate valves, new sizes", standfirst="Sizes up to DN 600.", section=section)
    publish(headline="Valve seminar", body="<p>About valves.</p>")
    html = soup(client.get("/news/search/", {"q": "valves"}))
    data = client.get("/news/search.json", {"q": "valves"})
    assert data["Content-Type"] == "application/json"
    body = data.json()
    assert body["total"] == 2
    assert body["total_is_lower_bound"] is False
    assert body["query"] == "valves"
    assert body["corrected_query"] is None
    assert body["next"] is None
    assert body["pages"] == 1
    assert [r["url"].removeprefix("https://testserver") for r in body["results"]] == [
        a["href"] for a in html.select(".search-results h2 a")
    ]
    first = body["results"][0]
    assert first["headline"] == "Gate valves, new sizes"
    assert "<mark>valves</mark>" in first["headline_html"]
    assert first["section"] == {
        "name": "Product news",
        "url": "https://testserver/news/section/product-news/",
    }
    assert first["date_published"].endswith("+00:00")


def test_only_public_articles_are_found(client, publish):
    import datetime as dt

    from django.utils import timezone

    publish(headline="Draft hydrant", status="draft", pub_date=None)
    publish(headline="Scheduled hydrant", pub_date=timezone.now() + dt.timedelta(days=1))
    publish(headline="Public hydrant")
    body = client.get("/news/search.json", {"q": "hydrant"}).json()
    assert [r["headline"] for r in body["results"]] == ["Public hydrant"]


def test_a_headline_the_index_lacks_is_shown_escaped_from_the_database(rf, db):
    """When the index has no text for a hit (it and the database disagree for a moment), the
    page falls back to the stored headline, escaped like any other text."""
    from django.template.loader import render_to_string

    from newscenter.search.base import Hit, Results

    article = make_article(headline="<script>alert(1)</script> Pump news")
    hit = Hit(article.pk, 1.0, headline="", snippet="")
    request = rf.get("/news/search/", {"q": "pump"})
    html = render_to_string(
        "web/search.html",
        {"query": "pump", "results": Results(hits=[hit], total=1), "hits": [(hit, article)]},
        request=request,
    )
    heading = BeautifulSoup(html, "html.parser").select_one(".search-results h2 a")
    assert heading.get_text() == "<script>alert(1)</script> Pump news"
    assert "<script>alert" not in html


def test_a_hit_without_a_snippet_shows_its_standfirst_escaped(rf, db):
    from django.template.loader import render_to_string

    from newscenter.search.base import MARK_END, MARK_START, Hit, Results

    told = make_article(headline="Pump news", standfirst="Sizes <b>up</b> to DN 600 & more")
    bare = make_article(headline="Pump fair", standfirst="")
    hits = [
        (Hit(told.pk, 2.0, headline=f"{MARK_START}Pump{MARK_END} news"), told),
        (Hit(bare.pk, 1.0, headline=f"{MARK_START}Pump{MARK_END} fair"), bare),
    ]
    html = render_to_string(
        "web/search.html",
        {"query": "pump", "results": Results(hits=[h for h, _ in hits], total=2), "hits": hits},
        request=rf.get("/news/search/", {"q": "pump"}),
    )
    first, second = BeautifulSoup(html, "html.parser").select(".search-results > li")
    assert first.select_one(".standfirst").get_text() == "Sizes <b>up</b> to DN 600 & more"
    assert [m.get_text() for m in first.select("h2 mark")] == ["Pump"]
    assert first.select_one("h2 a")["href"] == told.get_absolute_url()
    assert second.select_one(".standfirst") is None
    assert second.select_one(".snippet") is None
    assert second.select_one(".meta time") is not None
