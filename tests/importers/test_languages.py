# ruff: noqa: RUF001  (Chinese text has its own full-width punctuation)
"""Imports carry their source's language: a WordPress export's per post (Polylang) or its
blog's, a feed's, a page's ``lang``; an article lands in the edition its language falls
under."""

from __future__ import annotations

import pytest
from lxml import html

from newscenter.conf import site_url
from newscenter.importers.run import ImportOptions, Source, import_sources
from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM

pytestmark = pytest.mark.django_db

POST = """<item><title>{title}</title><link>https://firm.example/?p={n}</link>
<dc:creator><![CDATA[editor]]></dc:creator>
<content:encoded><![CDATA[<p>{title}.</p>]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date>2024-01-02 10:00:00</wp:post_date>
<wp:post_date_gmt>2024-01-02 09:00:00</wp:post_date_gmt><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>{language}
<category domain="category" nicename="news"><![CDATA[News]]></category></item>"""


def polylang_export(items: str | None = None) -> bytes:
    german = '<category domain="language" nicename="de"><![CDATA[Deutsch]]></category>'
    french = '<category domain="language" nicename="fr"><![CDATA[Français]]></category>'
    items = items or "\n".join(
        (
            POST.format(n=1, title="Plant opens", language=""),
            POST.format(n=2, title="Werk eröffnet", language=german),
            POST.format(n=3, title="Usine ouverte", language=french),
        )
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Firm</title><link>https://firm.example</link><language>en-us</language>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://firm.example</wp:base_site_url>
{items}
</channel></rss>""".encode()


def imported(name: str, data: bytes) -> dict[str, Article]:
    report = import_sources(
        [Source(name=name, data=data)], options=ImportOptions(), acting_user=SYSTEM
    )
    assert report.ok, report.failed
    assert report.created, report.skipped
    return {a.headline: a for a in Article.objects.all()}


def test_a_polylang_export_gives_each_post_its_own_language(client):
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    articles = imported("blog.xml", polylang_export())
    assert {h: a.language for h, a in articles.items()} == {
        "Plant opens": "en-US",  # the blog's language, in BCP 47's casing
        "Werk eröffnet": "de",  # Polylang's term for the post
        "Usine ouverte": "fr",  # kept, though the site has no French edition
    }
    german = articles["Werk eröffnet"]
    assert german.get_absolute_url().startswith("/de/news/")
    assert articles["Usine ouverte"].get_absolute_url().startswith("/news/")  # the default's
    assert "Werk eröffnet" in client.get("/de/news/").content.decode()
    assert "Werk eröffnet" not in client.get("/news/").content.decode()


def test_a_feeds_language_places_its_entries_in_that_edition():
    services.site_settings_update(acting_user=SYSTEM, languages=["de", "zh-Hans"])
    feed = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Presse</title><link>https://firm.example/de/</link><language>de-de</language>
<item><title>Neue Ventile</title><link>https://firm.example/de/ventile</link>
<guid>https://firm.example/de/ventile</guid><pubDate>Tue, 02 Jan 2024 09:00:00 GMT</pubDate>
<description>Neue Ventile für Wasserwerke.</description></item></channel></rss>""".encode()
    article = imported("presse.rss", feed)["Neue Ventile"]
    assert article.language == "de-DE"
    assert article.edition == "de"


def test_a_pages_lang_attribute_is_its_language():
    services.site_settings_update(acting_user=SYSTEM, languages=["zh-Hans"])
    page = """<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">
<title>新工厂开业</title></head><body><article><h1>新工厂开业</h1>
<p>我们在苏州的新工厂今天开业，生产阀门和泵。这是公司在亚洲的第一家工厂。</p>
<p>工厂雇用了两百名员工，明年将增加到四百名。新的生产线采用了最先进的自动化技术，每年可以生产十万台阀门。</p>
<p>公司总经理在开业典礼上表示，苏州工厂将成为公司在中国市场的重要基地，并为当地创造更多的就业机会。他还感谢了地方政府和合作伙伴在工厂建设期间给予的大力支持与帮助。</p></article></body></html>""".encode()
    article = imported("page.html", page)["新工厂开业"]
    assert article.language == "zh-Hans"
    assert article.edition == "zh-Hans"


def polylang_group_export() -> bytes:
    """Three posts, two of them one news in two languages (Polylang's post_translations)."""
    group = '<category domain="post_translations" nicename="pll_5f1c">pll_5f1c</category>'
    german = '<category domain="language" nicename="de"><![CDATA[Deutsch]]></category>'
    return polylang_export(
        "\n".join(
            (
                POST.format(n=1, title="Plant opens", language=group),
                POST.format(n=2, title="Werk eröffnet", language=german + group),
                POST.format(n=3, title="Line starts", language=""),
            )
        )
    )


def test_polylang_translations_become_one_translation_group(client):
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    articles = imported("blog.xml", polylang_group_export())
    english, german = articles["Plant opens"], articles["Werk eröffnet"]
    assert english.translation_group is not None
    assert german.translation_group == english.translation_group
    assert german.translated_from == english
    assert articles["Line starts"].translation_group is None
    # Readers and search engines see them as one news in two languages.
    page = html.fromstring(client.get(english.get_absolute_url()).content)
    links = {a.get("hreflang"): a.get("href") for a in page.xpath("//link[@hreflang]")}
    assert links["de"] == site_url(german.get_absolute_url())


def wpml_meta(language: str, group: str, source: str = "") -> str:
    """The post meta WPML Export and Import adds to each post of a WordPress export."""
    pairs = [("_wpml_import_language_code", language), ("_wpml_import_translation_group", group)]
    if source:
        pairs.append(("_wpml_import_source_language_code", source))
    return "".join(
        f"<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
        for key, value in pairs
    )


def test_wpml_translation_groups_and_their_original(client):
    """A German original with its English and French translations (WPML's group 41), a
    German post of its own, and a post whose group holds it alone."""
    services.site_settings_update(acting_user=SYSTEM, languages=["de", "fr"])
    export = polylang_export(
        "\n".join(
            (
                POST.format(n=1, title="Plant opens", language=wpml_meta("en", "41", "de")),
                POST.format(n=2, title="Werk eröffnet", language=wpml_meta("de", "41")),
                POST.format(n=3, title="Usine ouverte", language=wpml_meta("fr", "41", "de")),
                POST.format(n=4, title="Lehrlinge gesucht", language=wpml_meta("de", "42")),
                POST.format(n=5, title="Line starts", language=""),
            )
        )
    )
    articles = imported("wpml.xml", export)
    german, english, french = (
        articles["Werk eröffnet"], articles["Plant opens"], articles["Usine ouverte"]
    )  # fmt: skip
    assert (german.language, english.language, french.language) == ("de", "en", "fr")
    assert articles["Lehrlinge gesucht"].language == "de"
    assert articles["Line starts"].language == "en-US"  # no meta: the blog's language
    # The original is the one WPML names, not the one in the site's default language.
    assert german.translation_group is not None
    assert german.translated_from is None
    assert english.translation_group == french.translation_group == german.translation_group
    assert english.translated_from == german
    assert french.translated_from == german
    assert articles["Lehrlinge gesucht"].translation_group is None
    assert articles["Line starts"].translation_group is None
    page = html.fromstring(client.get(french.get_absolute_url()).content)
    links = {a.get("hreflang") for a in page.xpath("//link[@hreflang]")}
    assert {"en", "de", "fr"} <= links


PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="https://firm.example/{path}">
<link rel="alternate" hreflang="en" href="/news/{english}">
<link rel="alternate" hreflang="de" href="https://firm.example/de/news/werk-eroeffnet">
<link rel="alternate" hreflang="x-default" href="https://firm.example/news/">
<meta property="article:published_time" content="2024-01-02T09:00:00Z"></head>
<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"""


def page(lang: str, title: str, path: str, english: str = "plant-opens") -> Source:
    """A page naming its English and German editions by hreflang (relative and absolute)."""
    sentences = [
        f"{title}: paragraph {n} of the news, with enough words to read." for n in range(6)
    ]
    paragraphs = "".join(f"<p>{sentence}</p>" for sentence in sentences)
    text = PAGE.format(lang=lang, title=title, path=path, english=english, paragraphs=paragraphs)
    return Source(name=f"{path.replace('/', '-')}.html", data=text.encode())


def test_pages_naming_each_other_by_hreflang_become_one_group():
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    sources = [
        page("en", "Plant opens", "news/plant-opens"),
        page("de", "Werk eröffnet", "de/news/werk-eroeffnet"),
        # Names another English page, so it is not of the group.
        page("de", "Lehrlinge gesucht", "de/news/lehrlinge", english="apprentices"),
    ]
    report = import_sources(sources, options=ImportOptions(), acting_user=SYSTEM)
    assert report.ok, report.failed
    articles = {a.headline: a for a in Article.objects.all()}
    plant, werk = articles["Plant opens"], articles["Werk eröffnet"]
    assert werk.language == "de"
    assert werk.translated_from == plant
    assert plant.translation_group is not None
    assert werk.translation_group == plant.translation_group
    assert articles["Lehrlinge gesucht"].translation_group is None


def test_hugo_files_sharing_a_translation_key_become_one_group():
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    english = (
        b"---\ntitle: Plant opens\ndate: 2024-01-02\ntranslationKey: plant\n---\nThe plant opens.\n"
    )
    german = (
        b"---\ntitle: Werk eroeffnet\ndate: 2024-01-02\ntranslationKey: plant\n---\nDas Werk.\n"
    )
    other = b"---\ntitle: Werk zwei\ndate: 2024-01-03\ntranslationKey: plant\n---\nNoch eins.\n"
    report = import_sources(
        [Source(name="plant.md", data=english), Source(name="plant.de.md", data=german),
         Source(name="zwei.de.md", data=other)],
        options=ImportOptions(), acting_user=SYSTEM,
    )  # fmt: skip
    assert report.ok
    found = {a.headline: a for a in Article.objects.all()}
    assert found["Werk eroeffnet"].translated_from == found["Plant opens"]
    assert found["Werk zwei"].translation_group is None  # a second German one: left out
    assert any("the group has a de article already" in note for _, note in report.notes)
