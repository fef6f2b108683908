"""The public interface in the reader's language: gettext catalogues and dates per language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from lxml import html

import newscenter.web
from newscenter.news import services
from newscenter.news.policy import SYSTEM
from tests.builders import make_article

LOCALE = Path(newscenter.web.__file__).parent / "locale"
LANGUAGES = ["de", "fr", "es", "zh_Hans", "ar"]


def catalogue(path: Path, reader) -> dict:
    """(context, id) -> translation; a plural's id and forms as tuples."""

    def plain(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    with path.open("rb") as file:
        return {(m.context, plain(m.id)): plain(m.string) for m in reader(file) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalogue_is_complete_and_compiled(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po = catalogue(folder / "django.po", read_po)
    assert len(po) >= 20
    untranslated = [
        key for key, text in po.items() if not (all(text) if isinstance(text, tuple) else text)
    ]
    assert not untranslated
    # The committed .mo says what the .po says: `make messages` was run after the last edit.
    assert catalogue(folder / "django.mo", read_mo) == po


def tree_of(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, url
    return html.fromstring(response.content.decode())


@pytest.fixture
def several(db):
    return services.site_settings_update(
        acting_user=SYSTEM, languages=["de", "fr", "es", "zh-Hans", "ar"]
    )


@pytest.mark.parametrize(
    ("prefix", "heading"),
    [("", "Page not found"), ("/de", "Seite nicht gefunden"), ("/zh-hans", "找不到页面"),
     ("/ar", "الصفحة غير موجودة"), ("/fr", "Page introuvable"), ("/es", "Página no encontrada")],
)  # fmt: skip
def test_pages_speak_the_language_of_their_address(client, several, prefix, heading):
    tree = tree_of(client, f"{prefix}/news/no-such-page/", 404)
    assert tree.xpath("string(//h1)") == heading
    skip = tree.xpath("string(//a[@class='skip-link'])")
    assert skip == {"": "Skip to content", "/de": "Zum Inhalt springen"}.get(prefix, skip)


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "Mar 2, 2026"), ("de", "2. März 2026"), ("zh-Hans", "2026年3月2日"),
     ("fr", "2 mars 2026"), ("es", "2 de marzo de 2026")],
)  # fmt: skip
def test_dates_are_written_the_way_each_language_writes_them(client, several, language, shown):
    when = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    article = make_article(language=language, pub_date=when)
    tree = tree_of(client, article.get_absolute_url())
    assert tree.xpath("string(//header//p[@class='meta']/time)") == shown


def test_the_search_page_and_the_feeds_speak_german(
    client, several, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(headline="Neue Ventile für Wasserwerke", language="de")
    tree = tree_of(client, "/de/news/search/?q=Ventil")
    assert tree.xpath("string(//h1)") == "Suchen"
    assert tree.xpath("string(//label[@for='id_q'])") == "Nachrichten durchsuchen"
    assert tree.xpath("string(//details[@class='search-filters']/summary)") == "Filter"
    assert tree.xpath("string(//label[@for='id_section'])") == "Rubrik"
    assert tree.xpath("//select[@id='id_section']/option[1]/text()") == ["Alle Rubriken"]
    assert tree.xpath("//select[@id='id_sort']/option/text()") == [
        "Beste Treffer",
        "Neueste zuerst",
    ]
    count = " ".join(tree.xpath("string(//p[@class='result-count'])").split())
    assert count == "1 Ergebnis für „Ventil“"
    none = tree_of(client, "/de/news/search/?q=Zahnrad")
    assert none.xpath("string(//div[@class='no-results']/p)") == "Nichts passt zu „Zahnrad“."
    # The site kept its default section title: each language's own words for it.
    assert tree.xpath("string(//title)").startswith("“Ventil” · Suchen · Aktuelles · ")
    feed = feedparser.parse(client.get("/de/news/feed/rss/").content)
    assert feed.feed.title == "Aktuelles · newscenter"
    assert feedparser.parse(client.get("/zh-hans/news/feed/atom/").content).feed.title == (
        "新闻中心 · newscenter"
    )
    assert feedparser.parse(client.get("/news/feed/rss/").content).feed.title == (
        "News center · newscenter"
    )
