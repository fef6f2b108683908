"""Public pages as a reader's browser sees them: status codes, structure, content."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.builders import make_article

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_root_redirects_to_news_index(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/news/"


def test_index_lists_public_articles_newest_first(client):
    now = timezone.now()
    make_article(headline="Older news", pub_date=now - dt.timedelta(days=2))
    make_article(headline="Newer news", pub_date=now - dt.timedelta(days=1))
    make_article(headline="Draft news", status=Article.Status.DRAFT)
    make_article(headline="Future news", pub_date=now + dt.timedelta(days=1))
    page = soup(client.get("/news/"))
    headlines = [h.get_text(strip=True) for h in page.select(".article-list h2")]
    assert headlines == ["Newer news", "Older news"]
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == ["News center"]


def _walk(client, url, *, rel):
    """Headlines page by page, following the rel=next (older) or rel=prev (newer) links."""
    pages = []
    while url:
        page = soup(client.get(url))
        pages.append([h.get_text(strip=True) for h in page.select(".article-list h2")])
        link = page.select_one(f"a[rel={rel}]")
        url = link["href"] if link else None
    return pages, page


def test_index_pages_follow_each_other_by_the_article_they_come_after(client):
    now = timezone.now()
    articles = [
        make_article(headline=f"Item {n:02d}", pub_date=now - dt.timedelta(minutes=n + 1))
        for n in range(45)
    ]
    make_article(headline="Draft", status=Article.Status.DRAFT)
    pages, _ = _walk(client, "/news/", rel="next")
    assert pages == [
        [f"Item {n:02d}" for n in range(0, 20)],
        [f"Item {n:02d}" for n in range(20, 40)],
        [f"Item {n:02d}" for n in range(40, 45)],
    ]
    assert soup(client.get("/news/")).select_one("a[rel=next]")["href"] == (
        f"/news/older/{articles[19].pk}/"
    )
    # And back again from the last page, through the "Newer" links, to the first.
    back, first = _walk(client, f"/news/older/{articles[39].pk}/", rel="prev")
    assert back == list(reversed(pages))
    assert first.select_one("a[rel=prev]") is None


def test_articles_published_at_the_same_moment_are_neither_lost_nor_repeated(client):
    moment = timezone.now() - dt.timedelta(hours=1)
    for n in range(30):
        make_article(headline=f"Same time {n:02d}", pub_date=moment)
    pages, _ = _walk(client, "/news/", rel="next")
    shown = [headline for page in pages for headline in page]
    assert sorted(shown) == [f"Same time {n:02d}" for n in range(30)]
    assert [len(page) for page in pages] == [20, 10]


def test_older_pages_refuse_anchors_that_are_not_public_articles(client):
    now = timezone.now()
    public = [make_article(pub_date=now - dt.timedelta(minutes=n + 1)) for n in range(3)]
    draft = make_article(status=Article.Status.DRAFT)
    future = make_article(pub_date=now + dt.timedelta(days=1))
    assert client.get(f"/news/older/{public[0].pk}/").status_code == 200
    for anchor in (draft.pk, future.pk, 999999, public[-1].pk):  # the last has nothing after it
        assert client.get(f"/news/older/{anchor}/").status_code == 404, anchor
    for bad in ("x", "-1", "2.5", "1e3", "%00"):
        assert client.get(f"/news/older/{bad}/").status_code == 404, bad
    # An old ?page= address shows the first page, and names it as its canonical URL.
    assert client.get("/news/?page=2").status_code == 200


def test_section_pages_are_paged_within_their_section(client):
    section = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    now = timezone.now()
    for n in range(25):
        make_article(
            headline=f"Plant {n:02d}", section=section, pub_date=now - dt.timedelta(minutes=2 * n)
        )
        make_article(headline=f"Other {n:02d}", pub_date=now - dt.timedelta(minutes=2 * n + 1))
    pages, _ = _walk(client, "/news/section/plants/", rel="next")
    assert pages == [
        [f"Plant {n:02d}" for n in range(20)],
        [f"Plant {n:02d}" for n in range(20, 25)],
    ]


def test_section_and_tag_pages(client):
    section = services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    tag = services.tag_get_or_create(name="Sustainability", acting_user=SYSTEM)
    make_article(headline="In the section", section=section, tags=[tag])
    make_article(headline="Elsewhere")
    section_page = client.get("/news/section/company-news/")
    assert section_page.status_code == 200
    assert "In the section" in section_page.text
    assert "Elsewhere" not in section_page.text
    assert soup(section_page).h1.get_text(strip=True) == "Company news"
    tag_page = client.get("/news/tag/sustainability/")
    assert "In the section" in tag_page.text
    assert "Elsewhere" not in tag_page.text
    assert client.get("/news/section/nope/").status_code == 404
    assert client.get("/news/tag/nope/").status_code == 404


def test_author_page_lists_their_public_articles_and_is_linked_from_the_byline(client):
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    author.bio = "Writes about the works."
    author.save()
    mine = make_article(headline="Written by Jana", authors=[author])
    make_article(headline="Somebody else's")
    make_article(headline="Jana's draft", authors=[author], status="draft", pub_date=None)
    page = client.get("/news/author/jana-oster/")
    assert page.status_code == 200
    assert soup(page).h1.get_text(strip=True) == "Jana Oster"
    assert "Writes about the works." in page.text
    assert [h.get_text(strip=True) for h in soup(page).select(".article-list h2")] == [
        "Written by Jana"
    ]
    byline = soup(client.get(mine.get_absolute_url())).select_one(".byline a")
    assert byline["href"] == "/news/author/jana-oster/"
    assert client.get("/news/author/nobody/").status_code == 404


def test_article_page_layout(client):
    article = make_article(
        headline="Valve plant opens in Lisbon",
        standfirst="A new plant doubles output.",
        body="<p>First paragraph.</p><p>Second paragraph.</p>",
        pub_date=dt.datetime(2024, 5, 6, 10, 0, tzinfo=dt.UTC),
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.get_absolute_url() == "/news/2024/05/06/valve-plant-opens-in-lisbon/"
    page = soup(response)
    assert [h1.get_text() for h1 in page.find_all("h1")] == ["Valve plant opens in Lisbon"]
    time = page.select_one("article time")
    assert time["datetime"].startswith("2024-05-06T10:00:00")
    assert time.get_text() == "May 6, 2024"
    assert page.select_one("article .standfirst").get_text() == "A new plant doubles output."
    assert [p.get_text() for p in page.select("article .body p")] == [
        "First paragraph.",
        "Second paragraph.",
    ]
    assert page.select_one("link[rel=canonical]")["href"] == (
        "https://testserver/news/2024/05/06/valve-plant-opens-in-lisbon/"
    )
    assert page.select_one("meta[name=description]")["content"] == "A new plant doubles output."
    assert page.html["lang"] == "en"
    assert page.select_one(".section-title").get_text() == "News center"


def test_republished_article_shows_its_source(client):
    article = make_article(
        source_name="Flow Trade Weekly", source_url="https://flowtrade.example/story"
    )
    page = soup(client.get(article.get_absolute_url()))
    source = page.select_one("article .source")
    assert source.get_text(" ", strip=True) == "Source: Flow Trade Weekly"
    assert source.a["href"] == "https://flowtrade.example/story"
    plain = make_article()
    assert soup(client.get(plain.get_absolute_url())).select_one(".source") is None


@pytest.mark.parametrize(
    "path",
    [
        "/news/2024/02/30/anything/",
        "/news/2024/13/01/anything/",
        "/news/2024/00/00/anything/",
        "/news/0000/01/01/anything/",
        "/news/2024/1/1/anything/",
        "/news/99999999999999999999/01/01/x/",
        "/news/2024/05/06/",
        "/news/2024/05/06/no-such-article/",
        "/news/section/",
        "/news/%00/",
        "/news/" + "a" * 5000 + "/",
        "/nothing-here",
    ],
)
def test_malformed_and_unknown_paths_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_not_found_page_is_friendly(client):
    page = soup(client.get("/news/no/such/page/"))
    assert [h1.get_text() for h1 in page.find_all("h1")] == ["Page not found"]
    assert page.find("a", href="/news/") is not None


def test_server_error_page(client, settings):
    from django.urls import path

    def broken(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type(
        "urls",
        (),
        {
            "urlpatterns": [path("broken/", broken)],
            "handler500": "newscenter.web.views.server_error",
        },
    )
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "boom" not in response.text


def test_drafts_and_scheduled_articles_are_not_public(client):
    draft = make_article(
        status=Article.Status.DRAFT, pub_date=timezone.now() - dt.timedelta(days=1)
    )
    future = make_article(pub_date=timezone.now() + dt.timedelta(hours=1))
    for article in (draft, future):
        assert client.get(article.get_absolute_url()).status_code == 404
        assert article.headline not in client.get("/news/").text


def test_preview_is_for_staff_only_and_never_indexed(client, admin_client):
    draft = make_article(status=Article.Status.DRAFT, pub_date=None)
    url = f"/news/preview/{draft.pk}/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert draft.headline in response.text
    assert soup(response).select_one("meta[name=robots]")["content"] == "noindex, nofollow"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("pk", ["99999999999999999999999", "0", "123456"])
def test_preview_of_unknown_article_is_404_for_staff(admin_client, pk):
    assert admin_client.get(f"/news/preview/{pk}/").status_code == 404


def test_body_html_is_sanitised_before_it_is_stored(client):
    article = make_article(
        body='<p onclick="steal()">Hi<script>alert(1)</script>'
        '<a href="javascript:alert(1)">x</a><iframe src="https://evil.example"></iframe></p>'
    )
    assert article.body == '<p>Hi<a rel="noopener noreferrer nofollow">x</a></p>'
    html = client.get(article.get_absolute_url()).text
    assert "<script>alert" not in html
    assert "iframe" not in html


def test_the_stylesheet_and_the_years_follow_settings_and_the_clock(client, settings, time_machine):
    """Their addresses and the footer's year are remembered or written without Django's tags
    (web.paths.static_path, news_site.this_year): they still follow what they come from."""
    time_machine.move_to(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC))
    page = BeautifulSoup(client.get("/news/").content, "html.parser")
    assert page.find("link", rel="stylesheet")["href"].startswith("/static/newscenter/")
    assert "© 2026 " in page.footer.get_text()
    settings.STATIC_URL = "/assets/"
    services.site_settings_update(time_zone="Europe/Berlin", acting_user=SYSTEM)
    page = BeautifulSoup(client.get("/news/").content, "html.parser")
    assert page.find("link", rel="stylesheet")["href"].startswith("/assets/newscenter/")
    assert "© 2027 " in page.footer.get_text()  # already the new year in Berlin
