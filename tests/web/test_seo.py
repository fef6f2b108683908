"""What search engines and link previews read in the head of the public pages."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image

from newscenter.news import services
from newscenter.news.models import Article, SiteSettings
from newscenter.news.policy import SYSTEM
from newscenter.web import seo
from tests.builders import make_article, make_image

pytestmark = pytest.mark.django_db

HOST = "https://testserver"


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def structured_data(page: BeautifulSoup) -> list[dict]:
    return [
        json.loads(script.string) for script in page.select('script[type="application/ld+json"]')
    ]


def one_of_type(page: BeautifulSoup, schema_type: str) -> dict:
    [data] = [data for data in structured_data(page) if data["@type"] == schema_type]
    assert data["@context"] == "https://schema.org"
    return data


def meta(page: BeautifulSoup, key: str) -> str | None:
    """The content of <meta property=key> (OpenGraph) or <meta name=key> (the others)."""
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def canonical(page: BeautifulSoup) -> str | None:
    link = page.select_one("link[rel=canonical]")
    return link["href"] if link else None


def png(width: int, height: int) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "steelblue").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="picture.png")


def set_logo(width: int = 160, height: int = 160) -> SiteSettings:
    site = SiteSettings.load()
    site.logo.save("logo.png", png(width, height), save=True)
    return site


@pytest.fixture
def full_article() -> Article:
    section = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    return make_article(
        headline="Ebersfurt foundry casts its first valve bodies",
        standfirst="The new foundry in Ebersfurt poured its first series of valve bodies.",
        section=section,
        tags=[
            services.tag_get_or_create(name=name, acting_user=SYSTEM)
            for name in ("Foundry", "Ebersfurt")
        ],
        authors=[services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)],
        lead_image=make_image(1200, 630, alt="Glowing metal poured into a sand mould"),
        language="en",
    )


# NewsArticle


def test_article_page_describes_a_news_article(client, full_article):
    page = soup(client.get(full_article.get_absolute_url()))
    data = one_of_type(page, "NewsArticle")
    own_url = HOST + full_article.get_absolute_url()
    assert data["headline"] == "Ebersfurt foundry casts its first valve bodies"
    assert data["description"] == full_article.standfirst
    published = dt.datetime.fromisoformat(data["datePublished"])
    assert published == full_article.pub_date.replace(microsecond=0)
    assert published.tzinfo is not None
    assert dt.datetime.fromisoformat(data["dateModified"]) >= published
    assert data["author"] == [
        {"@type": "Person", "name": "Jana Oster", "url": f"{HOST}/news/author/jana-oster/"}
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": SiteSettings.load().site_name,
        "url": f"{HOST}/news/",
    }
    # 1200 x 630 is too small to cut 1200-wide crops from: the picture itself.
    (image,) = data["image"]
    assert image["@type"] == "ImageObject"
    assert image["url"] == HOST + full_article.lead_image.file.url
    assert (image["width"], image["height"]) == (1200, 630)
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": own_url}
    assert data["articleSection"] == "Plants"
    assert sorted(data["keywords"]) == ["Ebersfurt", "Foundry"]
    assert data["inLanguage"] == "en"
    assert "isBasedOn" not in data


def test_article_without_byline_or_picture_names_the_publisher_as_author(client):
    article = make_article(standfirst="")
    data = one_of_type(soup(client.get(article.get_absolute_url())), "NewsArticle")
    assert data["author"] == [data["publisher"]]
    assert data["inLanguage"] == "en"  # the site's language when the article names none
    assert not {"image", "description", "articleSection", "keywords"} & data.keys()


def test_republished_item_is_based_on_its_source_and_honours_its_canonical_url(client):
    article = make_article(
        source_name="Flow Trade Weekly",
        source_url="https://flowtrade.example/2024/pump-story",
        canonical_url="https://flowtrade.example/2024/pump-story?ref=canonical",
    )
    page = soup(client.get(article.get_absolute_url()))
    data = one_of_type(page, "NewsArticle")
    assert data["isBasedOn"] == "https://flowtrade.example/2024/pump-story"
    assert canonical(page) == "https://flowtrade.example/2024/pump-story?ref=canonical"
    assert meta(page, "og:url") == canonical(page)
    assert data["mainEntityOfPage"]["@id"] == canonical(page)
    # The breadcrumb still walks this site, not the original's.
    trail = one_of_type(page, "BreadcrumbList")["itemListElement"]
    assert trail[-1]["item"] == HOST + article.get_absolute_url()


def test_article_canonical_is_its_own_absolute_url(client):
    article = make_article(headline="Pump hall reopens")
    page = soup(client.get(article.get_absolute_url()))
    assert canonical(page) == HOST + article.get_absolute_url()
    assert page.select("link[rel=canonical]").__len__() == 1


def test_publisher_logo_is_an_image_object_when_the_site_has_one(client):
    set_logo(160, 120)
    article = make_article()
    page = soup(client.get(article.get_absolute_url()))
    logo = one_of_type(page, "NewsArticle")["publisher"]["logo"]
    assert logo["@type"] == "ImageObject"
    assert logo["url"].startswith(f"{HOST}/media/site/logo")
    assert (logo["width"], logo["height"]) == (160, 120)
    # Without a lead image the link preview shows the logo, in a small card.
    assert meta(page, "og:image") == logo["url"]
    assert meta(page, "twitter:card") == "summary"


def test_article_breadcrumbs_lead_from_the_index_through_the_section(client, full_article):
    page = soup(client.get(full_article.get_absolute_url()))
    items = one_of_type(page, "BreadcrumbList")["itemListElement"]
    assert [(item["@type"], item["position"]) for item in items] == [
        ("ListItem", 1),
        ("ListItem", 2),
        ("ListItem", 3),
    ]
    assert [(item["name"], item["item"]) for item in items] == [
        ("News center", f"{HOST}/news/"),
        ("Plants", f"{HOST}/news/section/plants/"),
        (full_article.headline, HOST + full_article.get_absolute_url()),
    ]


def test_article_without_section_has_a_two_step_trail(client):
    article = make_article(headline="Open day at the works")
    items = one_of_type(soup(client.get(article.get_absolute_url())), "BreadcrumbList")
    assert [(item["position"], item["name"]) for item in items["itemListElement"]] == [
        (1, "News center"),
        (2, "Open day at the works"),
    ]


# Meta, OpenGraph, Twitter


def test_article_page_has_description_opengraph_and_twitter_tags(client, full_article):
    page = soup(client.get(full_article.get_absolute_url()))
    image_url = HOST + full_article.lead_image.file.url
    assert meta(page, "description") == full_article.standfirst
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:title") == full_article.headline
    assert meta(page, "og:description") == full_article.standfirst
    assert meta(page, "og:url") == HOST + full_article.get_absolute_url()
    assert meta(page, "og:site_name") == "newscenter"
    assert meta(page, "og:locale") == "en_US"
    assert meta(page, "og:image") == image_url
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    assert meta(page, "og:image:alt") == "Glowing metal poured into a sand mould"
    published = dt.datetime.fromisoformat(meta(page, "article:published_time"))
    assert published == full_article.pub_date.replace(microsecond=0)
    assert dt.datetime.fromisoformat(meta(page, "article:modified_time")) >= published
    assert meta(page, "article:section") == "Plants"
    tags = page.find_all("meta", attrs={"property": "article:tag"})
    assert sorted(tag["content"] for tag in tags) == ["Ebersfurt", "Foundry"]
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:title") == full_article.headline
    assert meta(page, "twitter:description") == full_article.standfirst
    assert meta(page, "twitter:image") == image_url
    assert meta(page, "twitter:image:alt") == "Glowing metal poured into a sand mould"


def test_long_standfirst_is_shortened_and_flattened_for_the_description(client):
    article = make_article(standfirst="Valves\n\nand   pumps. " + "More news. " * 60)
    description = meta(soup(client.get(article.get_absolute_url())), "description")
    assert description.startswith("Valves and pumps. More news.")
    assert len(description) == seo.DESCRIPTION_MAX_LENGTH
    assert description.endswith("…")


def test_og_locale_follows_the_language(client):
    article = make_article(language="de-CH")
    page = soup(client.get(article.get_absolute_url()))
    assert meta(page, "og:locale") == "de_CH"
    assert one_of_type(page, "NewsArticle")["inLanguage"] == "de-CH"


@pytest.mark.parametrize(
    ("language", "locale"),
    [
        ("en", "en_US"),
        ("de", "de_DE"),
        ("de-CH", "de_CH"),
        ("pt_br", "pt_BR"),
        ("zh-Hant", "zh_TW"),
        ("zh-Hant-TW", "zh_TW"),
        ("", ""),
    ],
)
def test_og_locale_writes_language_and_region_with_an_underscore(language, locale):
    assert seo.og_locale(language) == locale


def crops_of(client, data: dict) -> dict[str, tuple[int, int]]:
    """The pictures of ``NewsArticle.image`` as search engines fetch them: ratio name -> size."""
    sizes = {}
    for image in data["image"]:
        response = client.get(image["url"].removeprefix(HOST))
        assert response.status_code == 200
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as picture:
            assert picture.size == (image["width"], image["height"])
        ratio = picture.width / picture.height
        name = {16 / 9: "16x9", 4 / 3: "4x3", 1.0: "1x1"}[ratio]
        sizes[name] = picture.size
    return sizes


def test_a_large_lead_image_is_given_in_the_three_ratios_google_asks_for(client):
    article = make_article(lead_image=make_image(2400, 1600, alt="The foundry hall"))
    data = one_of_type(soup(client.get(article.get_absolute_url())), "NewsArticle")
    assert crops_of(client, data) == {"16x9": (1200, 675), "4x3": (1200, 900), "1x1": (1200, 1200)}


def test_an_article_without_a_picture_shows_the_sites_share_image(client):
    site = SiteSettings.load()
    share = make_image(1600, 1600, alt="The Kesselmark logo on the works gate")
    services.site_settings_update(acting_user=SYSTEM, share_image=share)
    article = make_article()
    page = soup(client.get(article.get_absolute_url()))
    data = one_of_type(page, "NewsArticle")
    assert crops_of(client, data) == {"16x9": (1200, 675), "4x3": (1200, 900), "1x1": (1200, 1200)}
    # Link previews get the share image whole, before the logo.
    site.refresh_from_db()
    assert meta(page, "og:image") == HOST + share.file.url


def test_the_index_is_a_collection_page_listing_its_articles(client):
    older = make_article(pub_date=timezone.now() - dt.timedelta(days=2))
    newer = make_article()
    data = one_of_type(soup(client.get("/news/")), "CollectionPage")
    assert data["url"] == f"{HOST}/news/"
    assert data["name"] == "News center"
    items = data["mainEntity"]["itemListElement"]
    assert [(item["position"], item["url"]) for item in items] == [
        (1, HOST + newer.get_absolute_url()),
        (2, HOST + older.get_absolute_url()),
    ]


def test_an_author_page_is_a_profile_page_of_a_person(client):
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    author.job_title = "Head of Communications"
    author.bio = "Jana writes about the plants."
    author.photo = make_image(600, 600, alt="Jana Oster")
    author.links = ["https://www.linkedin.com/in/jana-oster-example"]
    services.taxonomy_save(obj=author, acting_user=SYSTEM)
    make_article(authors=[author])
    page = soup(client.get(author.get_absolute_url()))
    data = one_of_type(page, "ProfilePage")
    person = data["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Jana Oster"
    assert person["jobTitle"] == "Head of Communications"
    assert person["image"]["url"] == HOST + author.photo.file.url
    assert person["sameAs"] == ["https://www.linkedin.com/in/jana-oster-example"]
    assert person["url"] == HOST + author.get_absolute_url()
    assert meta(page, "og:image") == HOST + author.photo.file.url
    assert not [d for d in structured_data(page) if d["@type"] == "CollectionPage"]


# Escaping


@pytest.mark.parametrize(
    "headline",
    [
        "Valves </script><script>alert(1)</script> on sale",
        "Pumps <!-- <script> & more",
    ],
)
def test_a_headline_cannot_break_out_of_the_json_ld(client, headline):
    article = make_article(headline=headline)
    response = client.get(article.get_absolute_url())
    page = soup(response)
    inline = [script for script in page.find_all("script") if not script.get("src")]
    assert [script.get("type") for script in inline] == ["application/ld+json"] * 2
    assert one_of_type(page, "NewsArticle")["headline"] == headline
    assert one_of_type(page, "BreadcrumbList")["itemListElement"][-1]["name"] == headline
    assert "<script>alert" not in response.text
    assert "<!-- <script>" not in response.text


def test_public_pages_carry_no_csp_nonce_so_that_they_can_be_shared(client, settings):
    settings.NEWSCENTER_PAGE_CACHE_SECONDS = 600
    # JSON-LD is data, never executed, so CSP does not govern it; a nonce in a cached page
    # would be the same secret for every reader.
    response = client.get(make_article().get_absolute_url())
    assert "'nonce-" not in response["Content-Security-Policy"]
    scripts = soup(response).select('script[type="application/ld+json"]')
    assert scripts
    assert not [script for script in scripts if script.has_attr("nonce")]
    assert response["X-Page-Cache"] == "miss"


# Listings


def test_listing_canonical_is_the_pages_own_path_without_query(client):
    now = timezone.now()
    articles = [make_article(pub_date=now - dt.timedelta(minutes=n + 1)) for n in range(21)]
    assert canonical(soup(client.get("/news/"))) == f"{HOST}/news/"
    assert canonical(soup(client.get("/news/?page=2&utm_source=mail"))) == f"{HOST}/news/"
    older = f"/news/older/{articles[19].pk}/"
    second = soup(client.get(f"{older}?utm_source=mail"))
    assert canonical(second) == f"{HOST}{older}"
    assert meta(second, "og:url") == f"{HOST}{older}"


def test_index_page_tells_the_sites_tagline(client):
    site = SiteSettings.load()
    site.tagline = "News from Kesselmark Valves & Pumps"
    site.save()
    page = soup(client.get("/news/"))
    assert meta(page, "description") == "News from Kesselmark Valves & Pumps"
    assert meta(page, "og:description") == "News from Kesselmark Valves & Pumps"
    assert meta(page, "og:type") == "website"
    assert meta(page, "og:title") == "News center"
    assert meta(page, "twitter:card") == "summary"
    # A trail of the index alone is no breadcrumb, and a listing is no article.
    assert [data["@type"] for data in structured_data(page)] == ["CollectionPage"]


def test_section_page_uses_the_section_description_and_breadcrumb(client):
    section = services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    section.description = "Our works in Ebersfurt and beyond."
    section.save()
    make_article(section=section)
    page = soup(client.get("/news/section/plants/?page=1"))
    assert meta(page, "description") == "Our works in Ebersfurt and beyond."
    assert meta(page, "og:title") == "Plants"
    assert canonical(page) == f"{HOST}/news/section/plants/"
    items = one_of_type(page, "BreadcrumbList")["itemListElement"]
    assert [(item["position"], item["name"], item["item"]) for item in items] == [
        (1, "News center", f"{HOST}/news/"),
        (2, "Plants", f"{HOST}/news/section/plants/"),
    ]
    assert not [data for data in structured_data(page) if data["@type"] == "NewsArticle"]


def test_author_page_uses_the_bio(client):
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    author.bio = "Jana writes about the foundry."
    author.save()
    make_article(authors=[author])
    page = soup(client.get("/news/author/jana-oster/"))
    assert meta(page, "description") == "Jana writes about the foundry."
    items = one_of_type(page, "BreadcrumbList")["itemListElement"]
    assert [item["item"] for item in items] == [f"{HOST}/news/", f"{HOST}/news/author/jana-oster/"]


def test_tag_page_falls_back_to_the_tagline(client):
    site = SiteSettings.load()
    site.tagline = "Valves, pumps and the people who make them"
    site.save()
    make_article(tags=[services.tag_get_or_create(name="Foundry", acting_user=SYSTEM)])
    page = soup(client.get("/news/tag/foundry/"))
    assert meta(page, "description") == "Valves, pumps and the people who make them"
    items = one_of_type(page, "BreadcrumbList")["itemListElement"]
    assert [item["name"] for item in items] == ["News center", "Foundry"]


def test_listing_link_preview_shows_the_banner_in_a_large_card(client):
    site = SiteSettings.load()
    site.banner_image = make_image(1500, 400, alt="The Kesselmark works at dawn")
    site.save()
    page = soup(client.get("/news/"))
    assert meta(page, "og:image") == HOST + site.banner_image.file.url
    assert meta(page, "og:image:alt") == "The Kesselmark works at dawn"
    assert meta(page, "twitter:card") == "summary_large_image"


# Kept out of search


@pytest.mark.parametrize("public", [False, True])
def test_preview_is_noindex_with_no_canonical_and_no_structured_data(admin_client, public):
    if public:
        article = make_article(canonical_url="https://flowtrade.example/original")
    else:
        article = make_article(status=Article.Status.DRAFT, pub_date=None)
    response = admin_client.get(f"/news/preview/{article.pk}/")
    page = soup(response)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert [tag["content"] for tag in page.select("meta[name=robots]")] == ["noindex, nofollow"]
    assert canonical(page) is None
    assert page.select('script[type="application/ld+json"]') == []
    assert meta(page, "og:url") is None


def test_public_pages_are_indexable(client, full_article):
    for path in (
        "/news/",
        "/news/section/plants/",
        "/news/tag/foundry/",
        "/news/author/jana-oster/",
        full_article.get_absolute_url(),
    ):
        response = client.get(path)
        assert soup(response).select("meta[name=robots]") == [], path
        assert "X-Robots-Tag" not in response, path


def test_noindex_in_the_context_keeps_a_listing_out_of_search(rf):
    """The contract for pages such as search results: ``noindex=True`` in the context."""
    request = rf.get("/news/search/", {"q": "valves", "page": "2"}, secure=True)
    html = render_to_string("web/article_list.html", {"noindex": True}, request=request)
    page = BeautifulSoup(html, "html.parser")
    assert [tag["content"] for tag in page.select("meta[name=robots]")] == ["noindex"]
    assert canonical(page) is None
    assert structured_data(page) == []
    assert meta(page, "og:url") == "https://testserver/news/search/?q=valves&page=2"


def test_noindex_works_on_any_page_built_on_the_base_template(rf):
    request = rf.get("/news/somewhere/", secure=True)
    html = render_to_string("web/base.html", {"noindex": True}, request=request)
    page = BeautifulSoup(html, "html.parser")
    assert [tag["content"] for tag in page.select("meta[name=robots]")] == ["noindex"]
    assert canonical(page) is None
    html = render_to_string("web/base.html", {}, request=request)
    assert BeautifulSoup(html, "html.parser").select("meta[name=robots]") == []
