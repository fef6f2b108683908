"""The html importer: one saved web page in, one article (or a clear refusal) out.

Parser tests are pure (no database); the last section goes through the real import path.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import re
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscenter.importers.parsers.base import ImportedArticle, ImportParseError, ParseOptions
from newscenter.importers.parsers.html import (
    FULL_EXTRACTION_ELEMENTS,
    MAX_BYTES,
    MAX_ELEMENTS,
    MAX_TEXT_CHARS,
    ORIGINAL_CHARS,
    parser,
)
from newscenter.news.policy import SYSTEM
from newscenter.news.rendering import plain_text, sanitise_html

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
BERLIN = ParseOptions(time_zone="Europe/Berlin")
UTC = dt.UTC


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse_one(data: bytes, options: ParseOptions = BERLIN, origin: str = "page.html"):
    articles = list(parser.parse(data, origin=origin, options=options))
    assert len(articles) == 1
    return articles[0]


def paragraphs(body_html: str) -> list[str]:
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", body_html, re.S)]


def offset(hours: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


# --- fixture pages ----------------------------------------------------------------------------

EXPECTED = {
    "en_press_release_jsonld.html": {
        "headline": "Norrvik Pumps opens a service centre in Aldbury",
        "pub_date": dt.datetime(2024, 3, 5, 9, 30, tzinfo=offset(1)),
        "standfirst": "The new centre repairs and tests industrial pumps for customers in the "
        "north of the country. It employs 35 technicians.",
        "source_url": "https://www.norrvik-pumps.example/news/2024/service-centre-aldbury",
        "source_name": "Norrvik Pumps",
        "authors": ["Maren Lindqvist", "Owen Pratt"],
        "tags": ["service", "Aldbury", "pumps"],
        "section": "Company news",
        "language": "en-GB",
        "lead_image_url": "https://www.norrvik-pumps.example/media/aldbury-hall.jpg",
        "lead_image_alt": "Technicians in the new test hall in Aldbury",
    },
    "en_press_release_graph.html": {
        "headline": "Calloway Filters halves the water used to clean its membranes",
        # A date without a time: midnight in the site's zone.
        "pub_date": dt.datetime(2024, 6, 12, tzinfo=ZoneInfo("Europe/Berlin")),
        "standfirst": "A closed rinsing loop at the Wexley plant saves 42 million litres of "
        "water a year.",
        "source_url": "https://calloway-filters.example/press/2024/06/membrane-rinsing-loop/",
        "source_name": "Calloway Filters",  # og:site_name before the publisher's legal name
        "authors": ["Dana Whitcombe"],  # resolved through the graph's @id
        "tags": ["water", "membranes", "Wexley"],
        "section": "Press releases",
        "language": "en-US",
        "lead_image_url": "https://calloway-filters.example/wp-content/uploads/2024/06/"
        "rinsing-loop.jpg",
        "lead_image_alt": "The closed rinsing loop in hall 3 at Wexley",
    },
    "en_blog_opengraph.html": {
        "headline": "What our grippers learned from bakers",
        "pub_date": dt.datetime(2024, 9, 18, 14, 5, tzinfo=UTC),
        "standfirst": "Soft dough taught our engineers more about grip force than any steel "
        "part. Here is what changed in the third generation of our gripper.",
        "source_url": "https://blog.fernhill-robotics.example/2024/09/grippers-and-bakers",
        "source_name": "Fernhill Robotics Blog",
        "authors": ["Priya Raman"],  # the second article:author is a profile URL
        "tags": ["grippers", "food industry", "design"],
        "section": "Engineering",
        "language": "en-US",  # from og:locale: the page has no lang attribute
        "lead_image_url": "https://blog.fernhill-robotics.example/images/gripper-dough.jpg",
        "lead_image_alt": "A white robot gripper lifting a ball of dough",
    },
    "en_meta_time.html": {
        # Not the logo's h1, and without the title's " - Brightwater Coatings".
        "headline": "Brightwater Coatings wins a contract for the Holm Bridge repaint",
        "pub_date": dt.datetime(2024, 2, 14, 8, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        "standfirst": "The company will repaint the steel of the 1930s bridge over two summers.",
        "source_url": "",
        "source_name": "",
        "authors": ["Colm Brennan"],
        "tags": [],  # meta keywords are search-engine bait, not tags
        "section": "",
        "language": "en",
        "lead_image_url": "",
        "lead_image_alt": "",
    },
    "de_pressemitteilung_cp1252.html": {
        "headline": "Kessler Armaturen liefert Absperrklappen für das Klärwerk Lindenau",
        # Only a visible date line: "Veröffentlicht am 3. April 2024 um 10:15 Uhr".
        "pub_date": dt.datetime(2024, 4, 3, 10, 15, tzinfo=ZoneInfo("Europe/Berlin")),
        "standfirst": "Das Klärwerk erhält 64 neue Absperrklappen aus Edelstahl. "
        "Die Montage beginnt im Sommer.",
        "source_url": "https://www.kessler-armaturen.example/presse/klaerwerk-lindenau",
        "source_name": "Kessler Armaturen GmbH",
        "authors": ["Katrin Vogel"],
        "tags": [],
        "section": "",
        "language": "de",
        "lead_image_url": "",
        "lead_image_alt": "",
    },
    "en_republished_outlet.html": {
        "headline": "Tarnby harbour secures order for two electric cranes",
        "pub_date": dt.datetime(2024, 10, 7, 6, 45, tzinfo=offset(1)),
        "standfirst": "The port authority has ordered two electric ship-to-shore cranes from "
        "Osterlund Lifting. They replace diesel cranes from 1991.",
        "source_url": "https://www.tarnby-courier.example/business/2024/10/07/"
        "harbour-crane-order-secured",
        "source_name": "The Tarnby Courier",
        "authors": ["Hannah Okafor"],
        "tags": ["harbour", "cranes", "Osterlund Lifting"],
        "section": "Business",
        "language": "en-GB",
        "lead_image_url": "https://cdn.tarnby-courier.example/img/2024/10/harbour-cranes-1200.jpg",
        "lead_image_alt": "",
    },
    "malformed_jsonld.html": {
        # The broken JSON-LD's headline and 2021 date are not used: OpenGraph is.
        "headline": "Oakridge Cables tests a fire-safe cable for tunnels",
        "pub_date": dt.datetime(2024, 8, 1, 10, 0, tzinfo=offset(10)),
        "standfirst": "The cable kept working for 120 minutes at 950 degrees in an "
        "independent test.",
        "source_url": "https://oakridge-cables.example/news/fire-safe-tunnel-cable",
        "source_name": "Oakridge Cables",
        "authors": ["Sam Whitfield"],
        "tags": [],
        "section": "",
        "language": "en-AU",
        "lead_image_url": "https://oakridge-cables.example/media/fire-test.jpg",
        "lead_image_alt": "",
    },
    "xss_article.html": {
        "headline": "Quarry Lane Bakery opens a second oven line",  # JSON-LD, script removed
        "pub_date": dt.datetime(2024, 5, 20, 7, 0, tzinfo=offset(2)),
        "standfirst": "Twice the bread, half the night shifts.",  # the <img onerror> is gone
        "source_url": "",
        "source_name": "",
        "authors": [],
        "tags": [],
        "section": "",
        "language": "en",
        "lead_image_url": "",  # javascript: in og:image, data: in JSON-LD: both refused
        "lead_image_alt": "",
    },
}

# Paragraph count, first words of the first paragraph, last paragraph.
BODIES = {
    "en_press_release_jsonld.html": (
        5,
        "Norrvik Pumps has opened a service centre in Aldbury",
        "The company expects the centre to handle about 1,800 repairs in its first full year.",
    ),
    "en_press_release_graph.html": (
        4,
        "Calloway Filters has put a closed rinsing loop into service",
        "Calloway will fit the same loop at its second plant in Brookhaven next year.",
    ),
    "en_blog_opengraph.html": (
        5,
        "When a mid-sized bakery asked us to move raw dough",
        "The change also helped in places we did not expect. A cheese maker now uses the same "
        "paddles for soft wheels, and a pharmacy supplier for bags of saline. You can read the "
        'technical details in our <a href="https://docs.fernhill-robotics.example/grippers/g3" '
        'rel="noopener noreferrer nofollow">gripper documentation</a>.',
    ),
    "en_meta_time.html": (
        4,
        "Brightwater Coatings will repaint the Holm Bridge",
        "It is the largest contract in the company's history and will employ around forty "
        "painters and blasters.",
    ),
    "de_pressemitteilung_cp1252.html": (
        4,
        "Die Stadtwerke Lindenau modernisieren ihr Klärwerk",
        "Der Auftrag hat ein Volumen von rund 1,3 Millionen Euro.",
    ),
    "en_republished_outlet.html": (
        5,
        "The Tarnby Port Authority has ordered two electric ship-to-shore cranes",
        "Dock workers' representatives welcomed the order but asked for training places on the "
        "new machines to be agreed before they arrive.",
    ),
    "malformed_jsonld.html": (
        3,
        "Oakridge Cables has passed an independent fire test",
        "The company will start selling the cable early next year, first for rail tunnels in "
        "Queensland and New South Wales.",
    ),
}

# Page furniture in the fixtures that must never reach a body.
CHROME = (
    "Careers", "Related news", "©", "Share", "Facebook", "LinkedIn", "Skip to content",
    "Recent press releases", "Previous:", "Subscribe", "More from the blog", "cookies",
    "Advertisement", "Most read", "Comments (3)", "harbourwatcher", "business briefing",
    "Latest news", "Drucken", "Teilen", "Impressum", "Sie sind hier", "Posted on",
    "Veröffentlicht am", "Business reporter", "6 min read", "Tagged",
)  # fmt: skip


@pytest.mark.parametrize("name", EXPECTED)
def test_fixture_metadata(name):
    article = parse_one(fixture(name), origin=name)
    expected = EXPECTED[name]
    assert {field: getattr(article, field) for field in expected} == expected
    assert article.pub_date.utcoffset() == expected["pub_date"].utcoffset()  # the offset too
    assert (article.origin, article.where, article.status) == (name, "page", "")


@pytest.mark.parametrize("name", BODIES)
def test_fixture_body_paragraphs(name):
    count, first, last = BODIES[name]
    body = paragraphs(parse_one(fixture(name)).body_html)
    assert len(body) == count
    assert body[0].startswith(first)
    assert body[-1] == last


@pytest.mark.parametrize("name", EXPECTED)
def test_fixture_chrome_and_headline_stay_out_of_the_body(name):
    article = parse_one(fixture(name))
    text = plain_text(article.body_html)
    assert article.headline not in text
    if article.standfirst:
        assert article.standfirst not in text
    for chrome in CHROME:
        assert chrome not in text, chrome


def test_body_keeps_structure():
    release = parse_one(fixture("en_press_release_jsonld.html")).body_html
    assert "<h2>Faster repairs for northern customers</h2>" in release
    assert "<li>Opening hours: Monday to Friday, 7:00 to 17:00</li>" in release
    graph = parse_one(fixture("en_press_release_graph.html")).body_html
    assert "<td>84 million litres</td>" in graph
    # A relative link is made absolute with the page's canonical address.
    assert 'href="https://calloway-filters.example/partners/wexley-water/"' in graph
    blog = parse_one(fixture("en_blog_opengraph.html")).body_html
    assert "<blockquote><p>We had been designing for grip force." in blog
    assert '<pre>gripper.approach(mode="slide", speed=0.2)</pre>' in blog


def test_links_the_page_cannot_resolve_keep_only_their_text():
    body = ARTICLE_PARAGRAPHS.replace(
        "rollers and sifters", '<a href="/mill/rollers">rollers</a> and <a href="#s">sifters</a>'
    ).replace("breakfast cereals", '<a href="https://cereal.example/">breakfast cereals</a>')
    article = parse_one(ARTICLE_TEMPLATE.format(head="", body=body).encode())
    assert "rollers and sifters" in plain_text(article.body_html)
    assert re.findall(r'href="([^"]*)"', article.body_html) == ["https://cereal.example/"]


def test_malformed_json_ld_is_ignored_with_a_note():
    article = parse_one(fixture("malformed_jsonld.html"))
    assert article.notes == ["malformed JSON-LD ignored (script 1 of the page)"]


def test_original_and_source_keys():
    data = fixture("en_press_release_jsonld.html")
    article = parse_one(data)
    assert article.source_key == (
        "html:https://www.norrvik-pumps.example/news/2024/service-centre-aldbury"
    )
    assert article.original == data.decode("utf-8")
    assert article.canonical_url == article.source_url
    # Without a canonical address the key is the page's content hash: the same bytes, the same key.
    undated = fixture("en_meta_time.html")
    key = parse_one(undated).source_key
    assert key.startswith("html:sha256:")
    assert parse_one(undated).source_key == key
    assert parse_one(undated.replace(b"forty painters", b"fifty painters")).source_key != key


def test_a_home_page_canonical_is_not_an_identity():
    data = fixture("en_press_release_jsonld.html").replace(
        b"https://www.norrvik-pumps.example/news/2024/service-centre-aldbury",
        b"https://www.norrvik-pumps.example/",
    )
    article = parse_one(data)
    assert article.source_url == ""
    assert article.source_key.startswith("html:sha256:")
    assert any("home page" in note for note in article.notes)


def test_a_very_long_canonical_is_hashed_into_the_key():
    long_url = "https://www.norrvik-pumps.example/news/" + "a" * 400
    data = fixture("en_press_release_jsonld.html").replace(
        b"https://www.norrvik-pumps.example/news/2024/service-centre-aldbury", long_url.encode()
    )
    article = parse_one(data)
    assert article.source_url == long_url
    assert article.source_key.startswith("html:url:sha256:")
    assert len(article.source_key) <= 300


def test_original_is_capped():
    filler = "<!-- " + "x" * (ORIGINAL_CHARS + 1000) + " -->"
    data = fixture("en_meta_time.html").replace(b"</body>", filler.encode() + b"</body>")
    article = parse_one(data)
    assert len(article.original) == ORIGINAL_CHARS
    assert f"the stored original is cut at {ORIGINAL_CHARS:,} characters" in article.notes


# --- headlines and standfirsts -------------------------------------------------------------

HEADLINE = "Harlan Mills doubles its output of oat flour"


@pytest.mark.parametrize(
    ("head", "h1", "expected"),
    [
        (f"<title>{HEADLINE} | Harlan Mills</title>"
         '<meta property="og:site_name" content="Harlan Mills">', "", HEADLINE),
        (f"<title>Harlan Mills — {HEADLINE}</title>"
         '<meta property="og:site_name" content="Harlan Mills">', "", HEADLINE),
        (f'<meta property="og:title" content="{HEADLINE} - Harlan Mills">'
         '<meta property="og:site_name" content="Harlan Mills">', "", HEADLINE),
        (f"<title>{HEADLINE} :: Mill News</title>", "", HEADLINE),  # an unknown site's name
        (f"<title>{HEADLINE} | Mill News</title>", HEADLINE.upper(), HEADLINE.upper()),
        ("<title>Mill News</title>", HEADLINE, HEADLINE),
        ("<title>Oats - a short history of the mill and its people</title>", "",
         "Oats - a short history of the mill and its people"),
        ("", HEADLINE, HEADLINE),
    ],
)  # fmt: skip
def test_headline_from_title_and_h1(head, h1, expected):
    heading = f"<h1>{h1}</h1>" if h1 else ""
    page = (
        f"<html><head>{head}</head><body><main>{heading}{ARTICLE_PARAGRAPHS}</main></body></html>"
    )
    assert parse_one(page.encode()).headline == expected


def test_a_long_headline_is_cut_with_a_note():
    page = ARTICLE_TEMPLATE.format(head="", body=ARTICLE_PARAGRAPHS).replace(
        "<title>Harlan Mills", "<title>" + "Harlan Mills " * 40
    )
    page = page.replace("<h1>Harlan Mills doubles its output of oat flour</h1>", "")
    article = parse_one(page.encode())
    assert len(article.headline) <= 300
    assert article.headline.endswith("…")
    assert "the headline was cut to 300 characters" in article.notes


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("One sentence.", "One sentence."),
        ("First sentence here. Second one, cut off by the CMS and then…",
         "First sentence here."),
        ("A whole sentence cut off by the content management system...", ""),
        ("A. " * 5 + "Sentence one is long. " + "Then comes more text. " * 20,
         None),  # at most two sentences of a description that is the whole text
        ("word " * 400, None),
    ],
)  # fmt: skip
def test_standfirst_is_one_or_two_sentences(description, expected):
    head = f'<meta name="description" content="{description}">'
    standfirst = parse_one(ARTICLE_TEMPLATE.format(head=head, body=ARTICLE_PARAGRAPHS).encode())
    standfirst = standfirst.standfirst
    if expected is not None:
        assert standfirst == expected
    else:
        assert len(standfirst) <= 600
        assert description.startswith(standfirst.rstrip("…").strip())


def test_a_standfirst_repeated_as_the_first_paragraph_is_dropped_from_the_body():
    first = re.search(r"<p>(.*?)</p>", ARTICLE_PARAGRAPHS).group(1)
    head = f'<meta name="description" content="{first}">'
    article = parse_one(ARTICLE_TEMPLATE.format(head=head, body=ARTICLE_PARAGRAPHS).encode())
    assert article.standfirst == first
    assert paragraphs(article.body_html) == [re.findall(r"<p>(.*?)</p>", ARTICLE_PARAGRAPHS)[1]]


# --- dates and time zones ---------------------------------------------------------------------


def test_a_time_without_zone_is_in_the_site_zone():
    article = parse_one(fixture("en_meta_time.html"), ParseOptions(time_zone="America/New_York"))
    assert article.pub_date == dt.datetime(2024, 2, 14, 8, tzinfo=ZoneInfo("America/New_York"))


def test_only_a_modified_date_leaves_the_page_undated():
    data = fixture("en_blog_opengraph.html").replace(b"article:published_time", b"x-removed")
    article = parse_one(data)
    assert article.pub_date is None
    assert "the page gives only a modification date (2024-09-19); left undated" in article.notes


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ('<meta name="date" content="2024-07-01">', dt.datetime(2024, 7, 1, tzinfo=UTC)),
        ('<meta name="dc.date" content="2024-07-01T10:00:00+02:00">',
         dt.datetime(2024, 7, 1, 8, tzinfo=UTC)),
        ('<meta name="citation_publication_date" content="July 1, 2024">',
         dt.datetime(2024, 7, 1, tzinfo=UTC)),
        ('<meta name="pubdate" content="Mon, 01 Jul 2024 09:00:00 +0000">',
         dt.datetime(2024, 7, 1, 9, tzinfo=UTC)),
        ('<meta itemprop="datePublished" content="2024-07-01T09:00:00Z">',
         dt.datetime(2024, 7, 1, 9, tzinfo=UTC)),
        ('<meta name="date" content="0001-01-01">', None),
        ('<meta name="date" content="soon">', None),
    ],
)  # fmt: skip
def test_meta_tag_dates(meta, expected):
    page = ARTICLE_TEMPLATE.format(head=meta, body=ARTICLE_PARAGRAPHS)
    assert parse_one(page.encode(), ParseOptions(time_zone="UTC")).pub_date == expected


def test_unknown_time_zone_is_refused():
    with pytest.raises(ImportParseError, match="unknown time zone"):
        parse_one(fixture("en_meta_time.html"), ParseOptions(time_zone="Mars/Olympus"))


# --- encodings --------------------------------------------------------------------------------


def german_text() -> str:
    return fixture("de_pressemitteilung_cp1252.html").decode("cp1252")


@pytest.mark.parametrize(
    "encode",
    [
        # Re-saved as UTF-8 with the old windows-1252 declaration left in: UTF-8 wins.
        lambda text: text.encode("utf-8"),
        lambda text: text.replace("windows-1252", "utf-8").encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),  # with its byte-order mark
        # No declaration at all: not UTF-8, so Windows-1252.
        lambda text: text.replace("; charset=windows-1252", "").encode("cp1252"),
        lambda text: text.replace("windows-1252", "iso-8859-1").encode("cp1252"),
        lambda text: text.replace("windows-1252", "rot13").encode("cp1252"),  # not a charset
    ],
    ids=["utf8-declared-1252", "utf8", "utf8-bom", "utf16-bom", "undeclared", "latin1", "rot13"],
)
def test_encodings_read_the_same(encode):
    reference = parse_one(fixture("de_pressemitteilung_cp1252.html"))
    article = parse_one(encode(german_text()))
    assert (article.headline, article.standfirst) == (reference.headline, reference.standfirst)
    assert article.body_html == reference.body_html


def test_a_wrong_declaration_is_noted():
    data = german_text().replace("windows-1252", "utf-8").encode("cp1252")
    article = parse_one(data)
    assert "Klärwerk" in article.headline
    assert "the page declares the charset utf-8 but is not written in it" in article.notes


def test_shift_jis_declared_is_read():
    page = ARTICLE_TEMPLATE.format(
        head='<meta charset="shift_jis">', body=ARTICLE_PARAGRAPHS + "<p>東京の新しい工場です。</p>"
    )
    article = parse_one(page.encode("shift_jis"))
    assert "東京の新しい工場です。" in article.body_html


# --- refusals ---------------------------------------------------------------------------------

ARTICLE_TEMPLATE = """<!doctype html><html lang="en"><head>
<title>Harlan Mills doubles its output of oat flour</title>{head}</head><body><article>
<h1>Harlan Mills doubles its output of oat flour</h1>{body}</article></body></html>"""
ARTICLE_PARAGRAPHS = (
    "<p>Harlan Mills has doubled the output of its oat flour line after a year of work on the "
    "mill's rollers and sifters, the company said on Monday in a statement to its customers.</p>"
    "<p>The mill now grinds forty tonnes of oats a day, most of it for bakeries and for makers "
    "of breakfast cereals in the region, and it plans to hire four more millers next spring.</p>"
)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("refuse_home.html", "no article text found: is this a listing or a home page?"),
        ("refuse_listing.html", "no article text found: is this a listing or a home page?"),
    ],
)
def test_home_pages_and_listings_are_refused(name, reason):
    with pytest.raises(ImportParseError, match=re.escape(reason)) as refused:
        parse_one(fixture(name), origin=name)
    assert refused.value.where == name


def test_a_listing_with_long_teasers_is_refused():
    teaser = (
        '<div class="item"><span class="date">{day}.10.2024</span><h2><a href="/n/{day}">Second '
        "shift number {day}</a></h2><p>The plant in Tarnby ships valves to customers across the "
        "region every week, and this month it added a second shift that runs until ten in the "
        'evening.</p><a href="/n/{day}">Read more</a></div>'
    )
    teasers = "".join(teaser.format(day=day) for day in range(10, 16))
    page = ARTICLE_TEMPLATE.format(head="", body=teasers).replace("<h1>Harlan", "<h1>News Harlan")
    with pytest.raises(ImportParseError, match="'read more' alone on a line"):
        parse_one(page.encode())


def test_a_page_without_headline_is_refused():
    page = f"<html><body><div>{ARTICLE_PARAGRAPHS}</div></body></html>"
    with pytest.raises(ImportParseError, match="no headline found"):
        parse_one(page.encode())


def test_a_short_page_is_refused():
    page = ARTICLE_TEMPLATE.format(head="", body="<p>Harlan Mills grinds more oats now.</p>")
    with pytest.raises(ImportParseError, match=r"\(6 words of main text"):
        parse_one(page.encode())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the input is empty"),
        (b" \n\t ", "the input is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data, not a web page"),
        (b"<html>\x81\x8d\x8f\x90\x9d</html>", "not text in its declared charset"),
        (b"<html><body></body></html>", "no headline found"),
        (b"<!-- only a comment -->", "no HTML document could be read"),
        (b"<html><body>" + b'<p a="x" ' * 1 + b" ".join(b"a%d=x" % i for i in range(900)) + b">",
         "more than 500 attributes"),
    ],
)  # fmt: skip
def test_unreadable_input_is_refused(data, message):
    with pytest.raises(ImportParseError, match=re.escape(message)):
        parse_one(data)


def test_input_over_the_cap_is_refused_before_reading_it_all():
    class Endless:
        read_sizes: list[int] = []

        def read(self, size=-1):
            self.read_sizes.append(size)
            return b"<" * size

    source = Endless()
    with pytest.raises(ImportParseError, match="larger than the limit"):
        list(parser.parse(source, origin="big.html", options=BERLIN))
    assert source.read_sizes == [MAX_BYTES + 1]
    with pytest.raises(ImportParseError, match="larger than the limit"):
        parse_one(b"<html>" + b"a" * (MAX_BYTES + 1 - 6))


@pytest.mark.parametrize("cut", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_truncated_pages_parse_or_are_refused(cut):
    data = fixture("en_republished_outlet.html")
    try:
        article = parse_one(data[: int(len(data) * cut)])
    except ImportParseError:
        return
    assert_safe(article.body_html)


# --- bounded work on adversarial pages ------------------------------------------------------

# A hang guard, not a speed figure (the suite holds no speed thresholds): these pages take
# 0.04-1.6 s on a quiet 2-core machine; a blow-up past linear would take minutes.
SECONDS = 30.0
HEAD = "<!doctype html><html><head><title>Valves shipped from the Tarnby plant</title></head><body>"
PARA = "<p>" + "The plant in Tarnby ships valves to customers across the region every week. " * 5
ADVERSARIAL = {
    "1 MB of nested divs": HEAD + "<div>" * 200_000 + PARA,
    "1 MB of nested closed divs": HEAD + "<div>" * 100_000 + PARA + "</div>" * 100_000,
    "nested inline tags": HEAD + "<p>" + "<span><b><i>" * 40_000 + PARA,
    "divs at the full-extraction limit": HEAD
    + "<div><p>The plant ships valves to customers.</p></div>"
    * (FULL_EXTRACTION_ELEMENTS // 2 - 10)
    + PARA,
    "paragraphs at the full-extraction limit": HEAD
    + "<div>The plant ships valves to customers across the region.</div>"
    * (FULL_EXTRACTION_ELEMENTS - 10)
    + PARA,
    "divs at the element limit": HEAD
    + "<div><p>The plant ships valves to customers.</p></div>" * (MAX_ELEMENTS // 2 - 10)
    + PARA,
    "divs over the element limit": HEAD
    + "<div><p>The plant ships valves to customers.</p></div>" * (MAX_ELEMENTS // 2 + 10),
    "table rows at the element limit": HEAD
    + "<table>"
    + "<tr><td>valve</td><td>pump</td></tr>" * (MAX_ELEMENTS // 3 - 10)
    + "</table>"
    + PARA,
    "links at the element limit": HEAD + "<a href='/x'>a link</a> " * (MAX_ELEMENTS - 100) + PARA,
    "text at the limit": HEAD + "<p>" + "word " * (MAX_TEXT_CHARS // 5 - 100) + "</p>",
    "text over the limit": HEAD + "<p>" + "word " * (MAX_TEXT_CHARS // 5 + 100) + "</p>",
    "100,000 attributes": HEAD + "<p " + " ".join(f"a{i}=x" for i in range(100_000)) + ">",
    "deep JSON-LD": HEAD.replace(
        "</head>", '<script type="application/ld+json">' + "[" * 100_000 + "</script></head>"
    )
    + PARA,
    "many meta tags": HEAD.replace(
        "</head>", '<meta property="article:tag" content="x">' * 25_000 + "</head>"
    )
    + PARA,
    "long title": HEAD.replace("Valves", "Valves | " * 100_000) + PARA,
    "unclosed comment": HEAD + "<!--" + "x" * 1_000_000 + PARA,
}


@pytest.fixture(scope="module")
def warm_parser():
    """The first extraction imports trafilatura and loads its stop lists: not the input's cost."""
    parse_one(fixture("en_meta_time.html"))


@pytest.mark.parametrize("page", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_adversarial_pages_are_bounded(warm_parser, page):
    started = time.perf_counter()
    try:
        article = parse_one(page.encode())
    except ImportParseError:
        pass
    else:
        assert_safe(article.body_html)
        assert len(article.headline) <= 300
    assert time.perf_counter() - started < SECONDS


# --- XSS ----------------------------------------------------------------------------------------

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "svg", "form", "style", "base", "meta",
                  "math", "input", "button", "link", "frame", "applet"}  # fmt: skip
BAD_URL = re.compile(r"^\s*(?:javascript|data|vbscript):", re.I)


def assert_safe(body_html: str) -> None:
    assert sanitise_html(body_html) == body_html  # what we emit is already sanitised
    if not body_html.strip():
        return
    tree = lxml.html.fragment_fromstring(body_html, create_parent="div")
    for element in tree.iter():
        assert element.tag not in FORBIDDEN_TAGS, element.tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            assert name != "style"
            if name in {"href", "src", "cite", "action", "formaction"}:
                assert not BAD_URL.match(html.unescape(value)), value
    # Text may well say "javascript:" (escaped, it is harmless); markup may not.
    assert not re.search(r"<\s*(?:script|iframe|svg|object|embed|style)", body_html, re.I)


def test_xss_fixture_body_is_clean_and_keeps_the_text():
    article = parse_one(fixture("xss_article.html"))
    assert_safe(article.body_html)
    text = plain_text(article.body_html)
    for kept in (
        "Quarry Lane Bakery has opened a second oven line",
        "The night shift now begins at three",
        "the bakers rebuilt it over the winter with a local engineer and a new burner",
        "Owner Greta Halvorsen says",
        "Older browsers and all our news are listed on the news page.",
    ):
        assert kept in text
    for dropped in ("injected paragraph", "svg text", "alert", "Your browser does not show"):
        assert dropped not in text
    assert 'href="https://quarrylane-bakery.example/visits"' in article.body_html


PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>", '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6a;avascript:alert(1)">x</a>', '<a href="data:text/html,<script>1</script>">x</a>',
    "<object data=x></object>", "<embed src=x>", "<form action=x><input></form>",
    "<style>*{}</style>", '<p style="x" onclick="alert(1)">', "<math><style>", "<base href=x>",
    '<meta http-equiv="refresh" content="0">', "</p>", "<p>", "<div>", "</div>", "<!--", "-->",
    "<![CDATA[", "]]>", "<table><tr><td>", "<a href='vbscript:x'>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'>",
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PAYLOADS) | st.text(max_size=40), min_size=1, max_size=12))
def test_any_payload_in_an_article_comes_out_safe(pieces):
    payload = "".join(pieces)
    body = ARTICLE_PARAGRAPHS.replace("on Monday", f"on Monday {payload}")
    try:
        article = parse_one(ARTICLE_TEMPLATE.format(head="", body=body + payload).encode())
    except ImportParseError:
        return
    assert_safe(article.body_html)


# --- detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "filename", "expected"),
    [
        (b"<!DOCTYPE html><html><head>", "", True),
        (b"\n\n  <html lang='en'>", "", True),
        (b"<!-- saved from url=(0030)https://example.example/ -->\n<!DOCTYPE html>", "", True),
        (codecs.BOM_UTF8 + b"<!doctype html>", "", True),
        ("<!doctype html><p>ü</p>".encode("utf-16"), "", True),
        (b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">', "", True),
        (b"<meta charset=utf-8><head><title>x</title></head>", "", True),
        (b"<div><body>", "", True),
        (b"<div class='article'><p>Text</p></div>", "saved.HTML", True),
        (b"<div class='article'><p>Text</p></div>", "", False),
        (b'<?xml version="1.0"?><rss version="2.0"><channel>', "news.html", False),
        (b'<?xml version="1.0"?>\n<!-- generator="WordPress" -->\n<rss xmlns:wp="x">', "", False),
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', "", False),
        (b'<rdf:RDF xmlns:rdf="x"><channel>', "", False),
        (b'<?xml version="1.0"?><rss><channel><description><![CDATA[<html><body>', "", False),
        (b"Harlan Mills doubles its output\n\nNov 28, 2023\n", "", False),
        (b'{"headline": "<html>"}', "", False),
        (b"# A markdown headline\n\n<b>bold</b>", "", False),
        (b"", "", False),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "", False),
    ],
)  # fmt: skip
def test_detect(head, filename, expected):
    assert parser.detect(head, filename=filename) is expected


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000), st.text(max_size=20))
def test_detect_never_raises(head, filename):
    assert parser.detect(head, filename=filename) in (True, False)


@pytest.mark.parametrize("name", [*EXPECTED, "refuse_home.html", "refuse_listing.html"])
def test_every_fixture_is_detected(name):
    assert parser.detect(fixture(name)[:65536], filename=name)


def test_registry_detects_html_before_text(settings):
    from newscenter.importers import detect_parser

    settings.NEWSCENTER_IMPORT_FORMATS = {"html": "newscenter.importers.parsers.html"}
    assert detect_parser(fixture("en_meta_time.html")).name == "html"
    assert detect_parser(b"Harlan Mills doubles its output\n\nNov 28, 2023\n").name == "text"


# --- fuzzing ------------------------------------------------------------------------------------


def outcome_is_typed(data: bytes) -> None:
    try:
        articles = list(parser.parse(data, origin="fuzz.html", options=BERLIN))
    except ImportParseError as exc:
        refusal = exc
    else:
        refusal = None
    if refusal is not None:
        assert refusal.message
        assert refusal.where == "fuzz.html"
        return
    [article] = articles
    assert isinstance(article, ImportedArticle)
    assert article.headline
    assert article.pub_date is None or article.pub_date.tzinfo is not None
    assert_safe(article.body_html)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=3000))
def test_any_text_parses_or_is_refused(text):
    outcome_is_typed(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_parse_or_are_refused(data):
    outcome_is_typed(data)


MUTATION_PIECES = [*PAYLOADS, "<", ">", '"', "'", "&", "&#0;", "\x00", "\ufeff", "\u202e", "<h1>",
                   "</h1>", "<title>", "<time datetime='9999-99-99'>", "</script>", "{", "}", "[",
                   '<script type="application/ld+json">', "]"]  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([*EXPECTED, "refuse_listing.html"]),
    st.lists(
        st.tuples(
            st.floats(0, 1), st.integers(0, 200), st.sampled_from(MUTATION_PIECES) | st.text()
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_mutated_fixtures_parse_or_are_refused(name, mutations):
    data = bytearray(fixture(name))
    for where, deleted, inserted in mutations:
        at = int(where * len(data))
        data[at : at + deleted] = inserted.encode("utf-8", "surrogatepass")
    outcome_is_typed(bytes(data))


HTML_PIECES = [
    "<html>", "<head>", "<title>", "</title>", "<h1>", "</h1>", "<p>", "</p>", "<article>",
    '<meta property="og:title" content="', '<meta property="og:image" content="', '">',
    '<script type="application/ld+json">', "</script>", '{"@type": "NewsArticle", "headline": "',
    '"}', '<time datetime="', '<link rel=canonical href="https://a.example/x">', "2024-02-30",
    "The plant ships valves to customers across the region every week. ", "<a href='javascript:x'>",
    "<!--", "-->", '<meta charset="', "utf-16", "shift_jis", '"', "&amp;", "&#x0;", "é", "東",
]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(HTML_PIECES) | st.text(max_size=10), max_size=200).map("".join))
def test_any_html_shaped_text_parses_or_is_refused(text):
    outcome_is_typed(text.encode("utf-8", "surrogatepass"))


# --- through the real import path ---------------------------------------------------------------


@pytest.fixture
def html_format(settings):
    settings.NEWSCENTER_IMPORT_FORMATS = {"html": "newscenter.importers.parsers.html"}


@pytest.mark.django_db
def test_import_creates_then_skips(html_format):
    from newscenter.importers.run import ImportOptions, Source, import_sources
    from newscenter.news.models import Article, ImportRecord

    source = Source(name="page.html", data=fixture("en_press_release_graph.html"))
    first = import_sources([source], options=ImportOptions(format="html"), acting_user=SYSTEM)
    assert first.failed == []
    assert first.created == [
        "page.html (page): Calloway Filters halves the water used to clean its membranes"
    ]
    article = Article.objects.get()
    expected = EXPECTED["en_press_release_graph.html"]
    assert article.headline == expected["headline"]
    # Dated without a time: midnight in the site's zone (the default site is in UTC).
    assert article.pub_date == dt.datetime(2024, 6, 12, tzinfo=UTC)
    assert article.status == Article.Status.PUBLISHED
    assert article.source_url == article.canonical_url == expected["source_url"]
    assert article.import_key == f"html:{expected['source_url']}"
    assert article.language == "en-US"
    assert article.section.name == "Press releases"
    assert sorted(tag.name for tag in article.tags.all()) == ["Wexley", "membranes", "water"]
    assert [author.name for author in article.authors.all()] == ["Dana Whitcombe"]
    assert "<td>84 million litres</td>" in article.body
    record = ImportRecord.objects.get(article=article)
    assert record.format == "html"
    assert record.where == "page"
    assert record.lead_image_url == expected["lead_image_url"]
    assert record.original.startswith("<!DOCTYPE html>")

    again = import_sources([source], options=ImportOptions(format="html"), acting_user=SYSTEM)
    assert again.created == again.updated == []
    assert [reason for _, reason in again.skipped] == ["unchanged since the last import"]
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_import_detects_html_and_reports_refusals(html_format):
    from newscenter.importers.run import ImportOptions, Source, import_sources
    from newscenter.news.models import Article

    report = import_sources(
        [
            Source(name="outlet.html", data=fixture("en_republished_outlet.html")),
            Source(name="home.html", data=fixture("refuse_home.html")),
        ],
        options=ImportOptions(),
        acting_user=SYSTEM,
    )
    assert report.created == [
        "outlet.html (page): Tarnby harbour secures order for two electric cranes"
    ]
    [(where, message)] = report.failed
    assert where == "home.html"
    assert message.startswith("no article text found: is this a listing or a home page?")
    assert Article.objects.get().source_name == "The Tarnby Courier"
