"""The feed importer: RSS 0.9x, 1.0, 2.0 and Atom entries in, sanitised articles out."""

# Typographic quotes and dashes below are what the fixtures contain.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
import io
import time
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscenter.importers.parsers.base import (
    ImportedArticle,
    ImportParseError,
    ParseOptions,
    SkippedItem,
)
from newscenter.importers.parsers.feed import parser, truncate
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM

FIXTURES = Path(__file__).parent / "fixtures" / "feed"
UTC = dt.UTC


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(data: bytes, origin: str = "feed.xml") -> list[ImportedArticle | SkippedItem]:
    return list(parser.parse(data, origin=origin, options=ParseOptions()))


def articles(name: str) -> list[ImportedArticle]:
    items = parse(fixture(name), origin=name)
    assert all(isinstance(item, ImportedArticle) for item in items)
    return items  # type: ignore[return-value]


def refusal(data: bytes) -> str:
    with pytest.raises(ImportParseError) as refused:
        parse(data)
    return refused.value.message


def rss(items: str, head: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0"><channel>'
        f"<title>Proseware Daily</title><link>https://daily.proseware.example/</link>"
        f"{items}</channel></rss>"
    ).encode()


# --- detection ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.xml")))
def test_every_fixture_is_detected(name):
    assert parser.detect(fixture(name)[:65536], filename=name)


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">',
        b"<!DOCTYPE html><html><head><title>News</title>",
        b'<html><link rel="alternate" type="application/rss+xml" href="/rss">',
        b"<feed><title>no Atom namespace</title>",
        b'{"version": "https://jsonfeed.org/version/1.1", "items": []}',
        b"Plant opens\n\nNov 28, 2023\n\nThe plant opened today.",
        b"",
        b"\xff\xfe\x00\x00garbage",
        b"<<<<<<",
    ],
)
def test_other_inputs_are_not_taken_for_feeds(head):
    assert not parser.detect(head)


def test_detection_sees_past_prolog_and_encodings():
    atom = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
    assert parser.detect(b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- generated -->\n' + atom)
    assert parser.detect('<?xml version="1.0" encoding="utf-16"?><rss>'.encode("utf-16"))
    assert parser.detect(b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">')


@given(st.binary(max_size=2000))
def test_detection_never_raises(head):
    assert parser.detect(head) in (True, False)


# --- the formats ------------------------------------------------------------------------------


def test_rss_092_with_latin_1_html_descriptions_and_an_enclosure():
    lyon, catalogue = articles("rss092.xml")
    assert lyon.headline == "Northwind opens a service centre in Lyon"
    assert lyon.body_html == (
        "<p>The new centre repairs <b>every pump</b> we have built since 1987 – café included.</p>"
    )
    assert lyon.standfirst == ""  # a description alone is the body, not also the standfirst
    assert lyon.pub_date is None
    assert lyon.source_name == "Northwind Pumps Newsroom"
    assert lyon.source_url == "https://news.northwind-pumps.example/2024/lyon-service-centre"
    assert lyon.source_key == "feed:https://news.northwind-pumps.example/2024/lyon-service-centre"
    assert lyon.lead_image_url == "https://news.northwind-pumps.example/media/lyon.jpg"
    assert lyon.language == "en-gb"
    assert (lyon.origin, lyon.where) == ("rss092.xml", "entry 1")
    assert catalogue.body_html == "Forty new impellers. Café price list inside."
    assert catalogue.source_url == ""
    assert catalogue.source_key.startswith("feed:sha256:")


def test_rss_20_with_content_encoded_media_categories_and_dc_creator():
    contract, figures, untitled = articles("rss20.xml")
    assert contract.headline == "Tailspin Gears wins the Harbour Logistics contract"
    assert contract.pub_date == dt.datetime(2024, 4, 30, 12, 30, tzinfo=UTC)
    assert contract.standfirst == (
        "The gearbox maker will equip forty cranes at the Harbour Logistics terminal."
    )
    assert contract.body_html == (
        "<p>The gearbox maker will equip <strong>forty cranes</strong>.</p>\n"
        '<p>Delivery starts in <a href="https://www.tailspin-journal.example/news/schedule" '
        'rel="noopener noreferrer nofollow">June</a>.</p>\n\n'
        '<p><img alt="bad"> <a rel="noopener noreferrer nofollow">click</a></p>'
    )
    assert contract.tags == ["Contracts", "Logistics"]  # "contracts" again is the same tag
    assert contract.authors == ["Mira Okafor"]
    assert contract.lead_image_url == "https://cdn.tailspin-journal.example/img/cranes.jpg"
    assert contract.language == "en-US"
    assert contract.source_name == "Tailspin Trade Journal"
    # A guid without a scheme is unique only in its feed, so the feed's link qualifies it.
    assert contract.source_key == (
        "feed:https://www.tailspin-journal.example/#tailspin-journal.example/news/4711"
    )
    assert contract.where == "entry 1 (id tailspin-journal.example/news/4711)"
    assert '"author": "Mira Okafor"' in contract.original

    assert figures.authors == ["Jonas Lindqvist", "Mira Okafor"]
    assert figures.body_html == "Revenue rose by <em>eight</em> percent."
    assert figures.lead_image_url == "https://cdn.tailspin-journal.example/img/q2-thumb.png"
    assert figures.source_key == "feed:https://www.tailspin-journal.example/#4712"

    assert untitled.headline == (
        "An item with neither title nor link: the start of its text becomes the…"
    )
    assert untitled.notes == ["the entry has no title: the headline is the start of its text"]
    assert untitled.source_key.startswith("feed:sha256:")


def test_rss_10_rdf():
    [plant] = articles("rss10.xml")
    assert plant.headline == "Fabrikam eröffnet ein neues Werk in Görlitz"
    assert plant.pub_date == dt.datetime(2024, 3, 3, 9, 15, tzinfo=UTC)
    assert plant.body_html == "Zweihundert neue Arbeitsplätze entstehen bis 2026."
    assert plant.authors == ["Pressestelle Fabrikam"]
    assert plant.tags == ["Standorte"]
    assert plant.language == "de"
    assert plant.source_name == "Fabrikam Sensors Presse"
    assert plant.source_key == "feed:https://press.fabrikam-sensors.example/2024/03/neues-werk"


def test_atom_with_xml_base_relative_links_html_xhtml_and_text_content():
    sorting, open_day, undated = articles("atom.xml")
    assert sorting.headline == "Robots learn to sort parcels"
    assert sorting.pub_date == dt.datetime(2024, 6, 1, 7, 30, tzinfo=UTC)  # published wins
    assert sorting.standfirst == "A new gripper sorts four thousand parcels an hour."
    assert sorting.body_html == (
        '<p>The gripper was built in <a href="https://blog.woodgrove-robotics.example/labs/" '
        'rel="noopener noreferrer nofollow">our lab</a>.</p>'
        '<p><img src="https://blog.woodgrove-robotics.example/news/img/gripper.jpg" '
        'alt="The gripper"></p>'
    )
    assert sorting.source_url == "https://blog.woodgrove-robotics.example/news/2024/sorting"
    assert sorting.lead_image_url == "https://blog.woodgrove-robotics.example/media/sorting.png"
    assert sorting.source_name == "Woodgrove Robotics & Friends"
    assert sorting.authors == ["Priya Raman"]
    assert sorting.tags == ["Automation"]
    assert sorting.language == "en"
    assert sorting.source_key == "feed:tag:woodgrove-robotics.example,2024:news/1"

    assert open_day.pub_date == dt.datetime(2023, 11, 20, 21, 0, tzinfo=UTC)  # updated
    assert open_day.body_html == (
        "<p>Visit us on <strong>Saturday</strong>. "
        '<a href="https://archive.woodgrove-robotics.example/2023/map.html" '
        'rel="noopener noreferrer nofollow">Directions</a>.</p>'
    )
    assert open_day.standfirst == ""  # no summary of its own
    assert open_day.source_url == "https://archive.woodgrove-robotics.example/2023/open-day"

    assert undated.pub_date is None
    assert undated.body_html == "<p>First paragraph &lt;not a tag&gt;.</p><p>Second paragraph.</p>"
    assert undated.standfirst == ""


def test_rss_091_with_the_netscape_doctype_is_read():
    [frame] = articles("rss091.xml")
    assert frame.headline == "New touring frame"
    assert frame.language == "en-us"


def test_emoji_cdata_terminators_right_to_left_and_control_characters():
    emoji, hebrew, controls = articles("unusual.xml")
    assert emoji.headline == "Emoji 🎉 and a family 👩\u200d👩\u200d👧 survive"
    assert emoji.source_name == "Margie’s Travel 🚆 news"
    assert emoji.body_html == "<p>The sequence ]]&gt; ends a CDATA section.</p>"
    assert hebrew.headline == "עדכון: קו חדש לחיפה"
    assert hebrew.body_html == "<p>רכבת חדשה יוצאת כל שעה. ]]&gt; نص عربي</p>"
    assert controls.headline == "Tabs and …next-line ŸC1 controls"  # C1 refs read as cp1252
    for article in (emoji, hebrew, controls):
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in article.headline)


def test_a_feed_that_is_not_well_formed_but_has_entries_is_read_with_a_note():
    [merger] = articles("bozo.xml")
    assert merger.headline == "Clinics & labs merge today"  # the \x01 is dropped
    assert merger.pub_date == dt.datetime(2024, 5, 2, 7, 0, tzinfo=UTC)
    [note] = merger.notes
    assert note.startswith("the feed is not well-formed (")
    assert note.endswith("); it was read leniently")


def test_relative_links_resolve_against_the_fetched_feed_url():
    data = rss(
        "<item><title>Relative</title><guid>https://daily.proseware.example/r</guid>"
        '<description>&lt;a href="more.html"&gt;More&lt;/a&gt;</description></item>'
    )
    [item] = parse(data, origin="https://daily.proseware.example/feeds/all.rss")
    assert 'href="https://daily.proseware.example/feeds/more.html"' in item.body_html


def test_long_titles_ids_and_names_are_cut_to_fit():
    long_id = "x" * 400
    data = rss(
        f"<item><title>{'Word ' * 100}</title><guid>urn:{long_id}</guid>"
        f"<category>{'c' * 150}</category><category>🙂</category><category>ok</category>"
        "<description>Body.</description></item>"
    )
    [item] = parse(data)
    assert len(item.headline) <= 300
    assert item.headline.endswith("Word…")
    assert item.source_key.startswith("feed:sha256:")
    assert item.tags == ["ok"]
    assert any("shortened" in note for note in item.notes)
    assert any("too long and was left out" in note for note in item.notes)


def test_an_entry_without_title_or_text_is_skipped():
    [skipped] = parse(rss("<item><guid>urn:empty</guid></item>"))
    assert skipped == SkippedItem(
        where="entry 1 (id urn:empty)", reason="entry without title or text"
    )


def test_a_feed_without_entries_is_fine():
    assert parse(rss("")) == []


def test_truncate_cuts_at_a_word():
    assert truncate("short", 10) == "short"
    assert truncate("one two three four", 12) == "one two…"


# --- refusals -------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title></item></channel></rss>"""
QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "'
    + b"A" * 50_000
    + b'">]><rss version="2.0"><channel><item><title>'
    + b"&a;" * 50_000
    + b"</title></item></channel></rss>"
)
EXTERNAL_ENTITY = rss(
    "<item><title>&xxe;</title></item>",
    head='<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
)
EXTERNAL_DTD = rss(
    "<item><title>x</title></item>", head='<!DOCTYPE rss SYSTEM "http://dtd.example/x.dtd">'
)
PARAMETER_ENTITY = rss(
    "<item><title>x</title></item>",
    head='<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://dtd.example/evil.dtd"> %remote;]>',
)
MALFORMED_WITH_ENTITY = b'<!DOCTYPE rss [<!ENTITY e "boom">]><rss><channel><item><title>&e; & x'


BOMBS = {
    "billion-laughs": BILLION_LAUGHS,
    "quadratic": QUADRATIC,
    "external-entity": EXTERNAL_ENTITY,
    "external-dtd": EXTERNAL_DTD,
    "parameter-entity": PARAMETER_ENTITY,
    "malformed-with-entity": MALFORMED_WITH_ENTITY,
    "utf-16": BILLION_LAUGHS.decode().replace('<?xml version="1.0"?>', "").encode("utf-16"),
}


@pytest.mark.parametrize("data", list(BOMBS.values()), ids=list(BOMBS))
def test_xml_bombs_and_external_references_are_refused_quickly(data, monkeypatch):
    def no_open(*args, **kwargs):
        raise AssertionError("the parser tried to open a file")

    monkeypatch.setattr("builtins.open", no_open)
    tracemalloc.start()
    started = time.monotonic()
    try:
        message = refusal(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 30  # a hang guard; the memory bound is the measure
    assert peak < 50 * 1024 * 1024
    assert "refused for safety" in message
    assert "DTD" in message or "entity" in message


class Zeros(io.RawIOBase):
    """100 MB of input that is never in memory at once."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.left)
        buffer[:count] = b"\0" * count
        self.left -= count
        return count


def test_a_100_mb_file_is_refused_at_the_size_cap():
    with pytest.raises(ImportParseError, match="larger than the limit of 10,485,760 bytes"):
        parse(io.BufferedReader(Zeros(100 * 1024 * 1024)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<b></b>" * 60_000, "more than 50,000 elements"),
        ("<b>" * 60_000, "more than 50,000 elements"),  # not well-formed: counted roughly
        ("&lt;b&gt;" * 130_000, "more than 250,000 character references"),
    ],
    ids=["elements", "malformed-elements", "references"],
)
def test_markup_that_would_take_feedparser_minutes_is_refused_at_once(body, message):
    started = time.monotonic()
    data = rss(f"<item><title>Heavy</title><description>{body}</description></item>")
    assert message in refusal(data)
    assert time.monotonic() - started < 1


def test_an_entry_with_a_huge_body_is_skipped():
    huge = "<![CDATA[" + "<p>Lorem ipsum dolor sit amet.</p>" * 40_000 + "]]>"
    data = rss(
        f"<item><title>Huge</title><guid>urn:huge</guid><description>{huge}</description></item>"
        "<item><title>Fine</title><guid>urn:fine</guid><description>Short.</description></item>"
    )
    skipped, fine = parse(data)
    assert skipped == SkippedItem(
        where="entry 1 (id urn:huge)", reason="body longer than 1,000,000 characters"
    )
    assert fine.headline == "Fine"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the feed is empty"),
        (b"  \n\t ", "the feed is empty"),
        (b"<!DOCTYPE html><html><body><p>News</p></body></html>", "HTML page, not an RSS"),
        (b"<html><head><title>x</title></head></html>", "HTML page, not an RSS"),
        (b'{"items": []}', "cannot be read"),
        (b'<?xml version="1.0"?><catalog><book/></catalog>', "no RSS or Atom feed found"),
        (rss("<item><title>cut off</title></item>")[:-30], "the feed is cut off"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>x', "is cut off"),
    ],
    ids=["empty", "whitespace", "html5", "html", "json", "other-xml", "truncated", "truncated-2"],
)
def test_what_is_not_a_feed_is_refused_with_a_reason(data, message):
    assert message in refusal(data)


def test_a_bozo_feed_without_entries_names_the_problem():
    message = refusal(b'<?xml version="1.0"?><rss version="2.0"><channel><title>A & B</title>')
    assert message.startswith("the feed cannot be read: ")
    assert "not well-formed" in message or "no element found" in message


# --- fuzzing --------------------------------------------------------------------------------------

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _only_typed_errors(data: bytes) -> None:
    try:
        for item in parse(data):
            if isinstance(item, ImportedArticle):
                assert item.pub_date is None or item.pub_date.tzinfo is not None
    except ImportParseError:
        pass


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_give_articles_or_a_parse_error(data):
    _only_typed_errors(data)


@FUZZ
@given(
    st.sampled_from(sorted(p.name for p in FIXTURES.glob("*.xml"))),
    st.integers(min_value=0, max_value=3000),
    st.integers(min_value=0, max_value=200),
    st.binary(max_size=40),
)
def test_mutated_feeds_give_articles_or_a_parse_error(name, at, cut, inserted):
    data = fixture(name)
    at = at % (len(data) + 1)
    _only_typed_errors(data[:at] + inserted + data[at + cut :])


@FUZZ
@given(st.text(max_size=300))
def test_any_markup_in_an_entry_comes_out_sanitised(markup):
    escaped = markup.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    payload = f"{escaped}&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
    data = rss(f"<item><title>t</title><description>{payload}</description></item>")
    try:
        items = parse(data)
    except ImportParseError:
        return  # text XML cannot carry, such as most control characters
    for item in items:
        if isinstance(item, ImportedArticle):
            lowered = item.body_html.lower()
            assert "<script" not in lowered
            assert "onerror" not in lowered
            assert "javascript:" not in lowered


# --- through the import command -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_command_reads_feeds_through_the_registry(settings, tmp_path):
    settings.NEWSCENTER_IMPORT_FORMATS = {"feed": "newscenter.importers.parsers.feed"}
    path = tmp_path / "journal.xml"
    path.write_bytes(fixture("rss20.xml"))
    out = io.StringIO()
    call_command("import", str(path), "--status", "source", stdout=out)  # detected, not named
    assert "3 created" in out.getvalue()
    contract = Article.objects.get(headline__startswith="Tailspin Gears")
    assert contract.status == Article.Status.PUBLISHED
    assert contract.source_name == "Tailspin Trade Journal"
    assert sorted(contract.tags.values_list("name", flat=True)) == ["Contracts", "Logistics"]
    assert contract.import_record.format == "feed"
    assert contract.import_record.lead_image_url.endswith("/img/cranes.jpg")
    untitled = Article.objects.get(import_key__startswith="feed:sha256:")
    assert untitled.status == Article.Status.DRAFT  # no date: never published by an import
    again = io.StringIO()
    call_command("import", str(path), stdout=again)
    assert "0 created, 0 updated, 3 skipped" in again.getvalue()


@pytest.mark.django_db
def test_every_fixture_imports_without_a_failure(settings):
    from newscenter.importers.run import ImportOptions, Source, import_sources

    settings.NEWSCENTER_IMPORT_FORMATS = {"feed": "newscenter.importers.parsers.feed"}
    sources = [Source(name=p.name, path=p) for p in sorted(FIXTURES.glob("*.xml"))]
    report = import_sources(sources, options=ImportOptions(format="feed"), acting_user=SYSTEM)
    assert report.failed == []
    assert len(report.created) == Article.objects.count() == 14
    bozo_notes = [note for label, note in report.notes if label.startswith("bozo.xml")]
    assert len(bozo_notes) == 1
