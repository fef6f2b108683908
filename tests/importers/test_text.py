"""The text importer: one scraped or pasted web page in, one article (or a clear refusal) out.

Pure parser tests: no database and no Django settings.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscenter.importers.parsers.base import ImportedArticle, ImportParseError, ParseOptions
from newscenter.importers.parsers.text import MAX_BYTES, TextParser, parser

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_954d7fd58fde2234.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "text"
BRUSSELS = ParseOptions(time_zone="Europe/Brussels")

# Page furniture that appears in the fixtures and must never reach an article.
CHROME = (
    "Share", "Read more", "Back to", "©", "Copyright", "Tags:", "Filed under", "Previous article",
    "Next article", "Related news", "Home >", "Home |", "You are here", "Startseite", "Teilen",
    "Drucken", "Zurück", "Weitere Meldungen", "Impressum", "首页", "分享", "上一篇", "下一篇",
    "版权所有", "浏览次数", "News center", "Latest news", "banner", "Media contact", "Today is",
)  # fmt: skip


def parse_one(data: bytes, options: ParseOptions = BRUSSELS, origin: str = "page.txt"):
    articles = list(parser.parse(data, origin=origin, options=options))
    assert len(articles) == 1
    return articles[0]


def paragraphs(body_html: str) -> list[str]:
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", body_html)]


def article_text(article: ImportedArticle) -> str:
    return "\n".join([article.headline, article.standfirst, *paragraphs(article.body_html)])


def midnight(year: int, month: int, day: int, zone: str = "Europe/Brussels") -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=ZoneInfo(zone))


# --- the seed page ----------------------------------------------------------------------------


@pytest.fixture
def seed_lines() -> list[str]:
    if not SEED.exists():
        pytest.skip(f"the shared seed page is not available at {SEED}")
    return [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def seed_article() -> ImportedArticle:
    if not SEED.exists():
        pytest.skip(f"the shared seed page is not available at {SEED}")
    return parse_one(SEED.read_bytes(), origin=SEED.name)


def test_seed_headline_is_the_line_above_the_date(seed_lines, seed_article):
    # Non-empty lines: banner, section title, tagline, headline, date, standfirst, body...
    # (the headline is the 5th line of the file, counting the blank one after the tagline).
    assert seed_article.headline == seed_lines[3]


def test_seed_date_is_midnight_in_the_site_zone(seed_article):
    assert seed_article.pub_date == midnight(2023, 11, 28)
    assert seed_article.pub_date.utcoffset() == dt.timedelta(hours=1)


def test_seed_standfirst_is_the_line_after_the_date(seed_lines, seed_article):
    assert seed_article.standfirst == seed_lines[5]


def test_seed_body_is_the_nine_paragraphs_in_order(seed_lines, seed_article):
    body = paragraphs(seed_article.body_html)
    assert len(body) == 9
    assert body == seed_lines[6:]


def test_seed_chrome_stays_out(seed_lines, seed_article):
    text = article_text(seed_article)
    for chrome in seed_lines[:3]:  # "banner", the section title, the tagline
        assert chrome not in text


def test_seed_hard_wrapped_reads_the_same(seed_article):
    # The same page pasted from an e-mail: every paragraph broken at 72 columns.
    blocks = SEED.read_text(encoding="utf-8").split("\n\n")
    wrapped = "\n\n".join(
        "\n".join(textwrap.wrap(block, 72, break_on_hyphens=False)) for block in blocks
    )
    article = parse_one(wrapped.encode())
    assert (article.headline, article.standfirst) == (
        seed_article.headline,
        seed_article.standfirst,
    )
    assert (article.pub_date, article.body_html) == (seed_article.pub_date, seed_article.body_html)


SEED_VARIANTS = {
    "crumbs above": lambda text: "Home > News > World\n" + text,
    "footer below": lambda text: (
        text
        + "\n\nShare this article\nFacebook | X | LinkedIn\n\nRelated news\nMinisters meet again\n"
        + "Nov 27, 2023\nSummit closes early\nNov 26, 2023\n\n© 2023 Example Media\n"
    ),
    "no blank lines": lambda text: re.sub(r"\n\n+", "\n", text),
    "windows line ends": lambda text: text.replace("\n", "\r\n"),
    "date in a byline": lambda text: text.replace(
        "Nov 28, 2023", "Posted on Nov 28, 2023 by Staff Writer | 4 min read"
    ),
    "date glued to headline": lambda text: text.replace("\n\nNov 28, 2023", "Nov 28, 2023"),
    "numeric date": lambda text: text.replace("Nov 28, 2023", "28/11/2023"),
}


@pytest.mark.parametrize("change", SEED_VARIANTS.values(), ids=SEED_VARIANTS.keys())
def test_seed_variants_read_the_same(seed_article, change):
    article = parse_one(change(SEED.read_text(encoding="utf-8")).encode())
    assert (article.headline, article.standfirst) == (
        seed_article.headline,
        seed_article.standfirst,
    )
    assert (article.pub_date, article.body_html) == (seed_article.pub_date, seed_article.body_html)


def test_seed_identity_and_origin(seed_article):
    assert seed_article.source_key.startswith("text:sha256:")
    assert seed_article.origin == SEED.name
    assert (seed_article.tags, seed_article.authors, seed_article.status) == ([], [], "")


# --- fixture pages ----------------------------------------------------------------------------

ARTICLES = [
    # file, headline, pub_date, body paragraphs after the standfirst
    (
        "en_release_date_valves.txt",
        "Harlow Valve Works opens a second foundry in Tarnby",
        midnight(2024, 3, 5),
        4,
    ),
    (
        "en_posted_by_logistics.txt",
        "Brightline Freight adds electric trucks to its Rhine corridor fleet",
        midnight(2024, 3, 3),
        3,
    ),
    (
        "en_published_numeric_pumps.txt",
        "Kestrel Pumps wins contract for six flood defence stations",
        dt.datetime(2024, 3, 21, 9, 30, tzinfo=ZoneInfo("Europe/Brussels")),
        3,
    ),
    (
        "en_glued_iso_labs.txt",
        "Carrow Labs releases its calibration data to the public",
        midnight(2023, 11, 28),
        3,
    ),
    (
        "en_glued_month_cables.txt",
        "Tollmere Cables completes the solar array on its factory roof",
        midnight(2023, 11, 28),
        3,
    ),
    (
        "en_date_before_headline_robotics.txt",
        "Corvane Robotics appoints a new head of research",
        midnight(2024, 2, 5),
        3,
    ),
    (
        "en_standfirst_above_date_paper.txt",
        "Halvern Paper Mills cuts water use at its Dunmore mill by a quarter",
        midnight(2024, 1, 15),
        3,
    ),
    (
        "en_event_in_body_filtration.txt",
        "Ostrander Filtration invites neighbours to its first open day",
        midnight(2025, 2, 28),
        5,
    ),
    (
        "en_no_date_coatings.txt",
        "Inside the test tank where our hull coatings earn their keep",
        None,
        3,
    ),
    (
        "de_armaturen.txt",
        "Nordwind Armaturen liefert Absperrklappen für das Klärwerk Sandhafen",
        midnight(2024, 3, 3),
        3,
    ),
    (
        "de_spedition_numeric.txt",
        "Neues Umschlaglager in Kornwestheim eröffnet",
        dt.datetime(2024, 3, 12, 14, 30, tzinfo=ZoneInfo("Europe/Brussels")),
        3,
    ),
    ("zh_company_news.txt", "东岚精密新一代数控转台通过客户验收", midnight(2024, 3, 3), 3),
]

NON_ARTICLES = [
    ("refuse_listing_en.txt", "listing"),
    ("refuse_listing_zh.txt", "index page"),
    ("refuse_contact_en.txt", "contact or product page"),
    ("refuse_product_en.txt", "product page"),
    ("refuse_product_de.txt", "product page"),
]


def fixture_lines(name: str) -> list[str]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(("name", "headline", "pub_date", "body_count"), ARTICLES)
def test_fixture_headline_date_and_body(name, headline, pub_date, body_count):
    article = parse_one((FIXTURES / name).read_bytes(), origin=name)
    assert article.headline == headline
    assert article.pub_date == pub_date
    assert len(paragraphs(article.body_html)) == body_count


@pytest.mark.parametrize(("name", "headline", "pub_date", "body_count"), ARTICLES)
def test_fixture_text_comes_from_the_page_in_order(name, headline, pub_date, body_count):
    article = parse_one((FIXTURES / name).read_bytes(), origin=name)
    lines = fixture_lines(name)
    body = paragraphs(article.body_html)
    positions = [lines.index(text) for text in [article.standfirst, *body]]
    assert positions == sorted(positions)
    assert body[-1] == lines[positions[-1]]


@pytest.mark.parametrize("name", [row[0] for row in ARTICLES])
def test_fixture_chrome_stays_out(name):
    text = article_text(parse_one((FIXTURES / name).read_bytes(), origin=name))
    assert [chrome for chrome in CHROME if chrome in text] == []


@pytest.mark.parametrize(("name", "reason"), NON_ARTICLES)
def test_non_article_pages_are_refused(name, reason):
    with pytest.raises(ImportParseError, match=reason) as refused:
        parser.parse((FIXTURES / name).read_bytes(), origin=name, options=BRUSSELS)
    assert refused.value.where == name


def test_event_date_in_the_body_is_not_the_pub_date():
    article = parse_one((FIXTURES / "en_no_date_coatings.txt").read_bytes())
    assert article.pub_date is None
    assert "12 May 2025" in article.body_html


def test_short_sentences_that_look_like_links_stay_in_the_body():
    kept = [
        "Next steps are planned for the spring.",
        "Terms of the deal were not disclosed.",
        "Related work on the pumps continues.",
        "Both input / output modules and / or sensors can be replaced in the field.",
        "»Wir sind stolz auf das Team«, sagt die Leiterin.",
    ]
    data = page(HEADLINE, "2024-03-05") + "\n\n".join(kept).encode()
    assert paragraphs(parse_one(data).body_html)[-5:] == kept


# --- dates ------------------------------------------------------------------------------------

PROSE = (
    "The company has opened a new training centre for service engineers in the north.\n\n"
    "Courses on hydraulics and controls will start next month and run for six weeks each.\n"
)


HEADLINE = "Acme opens a training centre"
PLUS_ONE = dt.timezone(dt.timedelta(hours=1))


def page(*top: str) -> bytes:
    return ("Acme news\n\n" + "\n".join(top) + "\n\n" + PROSE).encode()


@pytest.mark.parametrize(
    ("date", "zone", "expected"),
    [
        ("2024-03-05", "UTC", dt.datetime(2024, 3, 5, tzinfo=dt.UTC)),
        ("2024-03-05T09:15:00+01:00", "UTC", dt.datetime(2024, 3, 5, 9, 15, tzinfo=PLUS_ONE)),
        ("Published: 03/04/2024", "Europe/Berlin", midnight(2024, 4, 3, "Europe/Berlin")),
        ("Published: 03/04/2024", "America/New_York", midnight(2024, 3, 4, "America/New_York")),
        ("28 November 2023", "Asia/Shanghai", midnight(2023, 11, 28, "Asia/Shanghai")),
        ("Tuesday, 28. November 2023", "UTC", midnight(2023, 11, 28, "UTC")),
        ("2024年3月3日", "Asia/Shanghai", midnight(2024, 3, 3, "Asia/Shanghai")),
        (
            "Jane Roe | Nov 28, 2023, 4:05 pm",
            "UTC",
            dt.datetime(2023, 11, 28, 16, 5, tzinfo=dt.UTC),
        ),
    ],
)
def test_date_line_formats(date, zone, expected):
    article = parse_one(page(HEADLINE, date), ParseOptions(time_zone=zone))
    assert article.headline == HEADLINE
    assert article.pub_date == expected
    assert article.pub_date.tzinfo is not None


@pytest.mark.parametrize("glued", [f"{HEADLINE} 2023-11-28", f"{HEADLINE}Nov 28, 2023"])
def test_date_glued_to_the_headline(glued):
    article = parse_one(page(glued), ParseOptions(time_zone="UTC"))
    assert article.headline == HEADLINE
    assert article.pub_date == midnight(2023, 11, 28, "UTC")


@pytest.mark.parametrize(
    "top",
    [
        ("Today is Tuesday, 28 November 2023", HEADLINE),
        (HEADLINE, "2023-02-30"),  # no such day
        (HEADLINE, "Nov 28"),  # no year: do not guess one
    ],
)
def test_lines_that_are_not_the_pub_date(top):
    article = parse_one(page(*top))
    assert article.headline == HEADLINE
    assert article.pub_date is None
    assert article.standfirst == PROSE.split("\n")[0]


def test_event_date_line_in_the_body_is_not_the_pub_date():
    data = page(HEADLINE).replace(b"north.\n", b"north.\nWhen: 12 May 2025\n")
    article = parse_one(data)
    assert article.pub_date is None
    assert "When: 12 May 2025" in paragraphs(article.body_html)


def test_date_inside_a_paragraph_is_not_the_pub_date():
    data = (
        b"Acme opens a training centre\n\n"
        b"The centre opens on 12 May 2025 and will train two hundred engineers a year.\n\n"
        b"Courses on hydraulics and controls will run for six weeks each.\n"
    )
    assert parse_one(data).pub_date is None


def test_unknown_time_zone_is_refused():
    with pytest.raises(ImportParseError, match="time zone"):
        parser.parse(page(HEADLINE), origin="x", options=ParseOptions("Mars/Olympus"))


def test_page_without_a_headline_is_refused():
    with pytest.raises(ImportParseError, match="no headline"):
        parser.parse(PROSE.encode(), origin="x", options=BRUSSELS)


# --- refusals and identity --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \n\t\r\n  \n", "whitespace"),
        ("\ufeff  \n".encode(), "whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (b"Headline here\n\n\x81\x8d\x90\x9d broken bytes", "not UTF-8"),
        (b"Headline here\n\n\xc3\x28\x1b\x02 broken bytes", "not UTF-8"),
    ],
)
def test_unreadable_input_is_refused(data, reason):
    with pytest.raises(ImportParseError, match=reason) as refused:
        parser.parse(data, origin="upload.txt", options=BRUSSELS)
    assert refused.value.where == "upload.txt"
    assert refused.value.message


def test_input_over_the_cap_is_refused_before_decoding():
    with pytest.raises(ImportParseError, match="limit"):
        parser.parse(b"\xff" * (MAX_BYTES + 1), origin="big.txt", options=BRUSSELS)


def test_other_encodings_are_read():
    text = page(HEADLINE, "2024-03-05").decode()
    utf8 = parse_one(text.encode())
    assert parse_one(text.encode("utf-16")) == utf8
    assert parse_one(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()) == utf8
    cafe = parse_one(text.replace("training centre", "caf\xe9").encode("cp1252"))
    assert cafe.headline == "Acme opens a café"


def test_same_page_same_key_other_page_other_key():
    data = (FIXTURES / "en_release_date_valves.txt").read_bytes()
    first, again = parse_one(data), parse_one(data)
    assert first.source_key == again.source_key
    assert parse_one(data.replace(b"\n", b"\r\n")).source_key == first.source_key
    assert parse_one(data.replace(b"Tarnby", b"Tarnbury")).source_key != first.source_key


# --- detection --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Acme news\n\nAcme opens a training centre", True),
        ("\ufeffAcme news".encode(), True),
        ("Acme news".encode("utf-16"), True),
        (b"  \n<!doctype html><html></html>", False),
        (b'{"headline": "Acme"}', False),
        (b"[1, 2]", False),
        (b"\xef\xbb\xbf<?xml version='1.0'?><rss/>", False),
        (b"\x00\x01\x02binary", False),
        (b"", False),
        (b"   \n", False),
    ],
)
def test_detect(data, expected):
    assert TextParser().detect(data, filename="upload") is expected


# --- properties -------------------------------------------------------------------------------

PAGE_LINES = st.sampled_from(
    [
        "", "banner", "News center", "Home > News", "Nov 28, 2023", "2023-11-28", "28.11.2023",
        "Release date: 2024-03-05", "Posted on March 3, 2024 by Jane Roe", "2024年3月3日",
        "Acme opens a training centre", "Acme opens a training centre 2023-11-28",
        PROSE, "Share", "Read more", "© 2024 Acme", "Tags: news", "31/31/2031", "9999-99-99",
    ]
)  # fmt: skip


def parses_or_refuses(data: bytes) -> None:
    try:
        articles = list(parser.parse(data, origin="prop", options=BRUSSELS))
    except ImportParseError as refused:
        articles, message = [], refused.message
    else:
        message = "parsed"
    assert message
    assert all(isinstance(article, ImportedArticle) for article in articles)
    assert all(a.pub_date is None or a.pub_date.tzinfo is not None for a in articles)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_parses_or_is_refused(text):
    parses_or_refuses(text.encode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_any_bytes_parse_or_are_refused(data):
    parses_or_refuses(data)
    assert TextParser().detect(data) in {True, False}


@settings(max_examples=200, deadline=None)
@given(st.lists(PAGE_LINES | st.text(max_size=80), max_size=30))
def test_any_page_shaped_text_parses_or_is_refused(lines):
    parses_or_refuses("\n".join(lines).encode("utf-8"))
