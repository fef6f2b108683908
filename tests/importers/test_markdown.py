"""The Markdown importer: Hugo, Jekyll and Pelican posts in, one article (or a clear refusal) out.

Parser tests are pure (no database, no Django settings); the persistence tests at the end go
through ``importers.run`` as the ``import`` command does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import textwrap
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import hypothesis
import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from newscenter.importers.parsers.base import (
    ImportedArticle,
    ImportParseError,
    ParseOptions,
    SkippedItem,
)
from newscenter.importers.parsers.front_matter import FRONT_MATTER_CHARS
from newscenter.importers.parsers.markdown import MAX_BYTES, parser
from newscenter.importers.run import ImportOptions, Source, import_sources
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from newscenter.news.rendering import sanitise_html

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "markdown"
BRUSSELS = ParseOptions(time_zone="Europe/Brussels")
ZONE = ZoneInfo("Europe/Brussels")
PLUS_ONE = dt.timezone(dt.timedelta(hours=1))
PLUS_TWO = dt.timezone(dt.timedelta(hours=2))


def parse_items(data: bytes, origin: str = "post.md", options: ParseOptions = BRUSSELS) -> list:
    return list(parser.parse(data, origin=origin, options=options))


def parse_one(data: bytes, origin: str = "post.md", options: ParseOptions = BRUSSELS):
    [item] = parse_items(data, origin, options)
    assert isinstance(item, ImportedArticle)
    return item


def fixture(relative: str) -> ImportedArticle:
    return parse_one((FIXTURES / relative).read_bytes(), origin=relative)


def md(text: str) -> bytes:
    return textwrap.dedent(text).lstrip("\n").encode()


def refusal(data: bytes, origin: str = "post.md") -> ImportParseError:
    with pytest.raises(ImportParseError) as caught:
        parse_items(data, origin)
    return caught.value


def without_original(article: ImportedArticle) -> ImportedArticle:
    return dataclasses.replace(article, original="")


# --- the fixtures, field by field -------------------------------------------------------------


def test_hugo_post_with_yaml_front_matter():
    article = fixture("hugo/posts/new-press-line.md")
    assert without_original(article) == ImportedArticle(
        headline="Brightwater opens a second press line in Tilburg",
        source_key="markdown:second-press-line:2024-05-15",
        pub_date=dt.datetime(2024, 5, 15, 8, 0, tzinfo=PLUS_TWO),  # publishDate wins over date
        standfirst="The new line doubles our capacity for stainless pump housings "
        "and brings forty new jobs to the site.",
        body_html=article.body_html,
        source_url="https://www.brightwater.example/news/second-press-line",
        canonical_url="https://www.brightwater.example/news/second-press-line",
        section="Company news",
        tags=["manufacturing", "Tilburg", "Investments"],
        authors=["Marit de Vries", "Joost Bakker"],
        language="en-GB",
        status="",
        origin="hugo/posts/new-press-line.md",
        where="new-press-line.md",
        lead_image_url="https://cdn.brightwater.example/img/press-line.jpg",
        lead_image_alt="Two operators beside the new hydraulic press",
        notes=[
            "slug 'second-press-line' only in the import key: addresses come from headlines",
            "old addresses not redirected (add redirects by hand): /2024/05/press-line/",
        ],
    )
    assert article.pub_date.utcoffset() == dt.timedelta(hours=2)
    assert article.original == (FIXTURES / "hugo/posts/new-press-line.md").read_text()
    assert article.body_html == (
        "<p>Brightwater has started production on a second press line at its Tilburg plant.</p>\n"
        "<h2>What changes for customers</h2>\n"
        "<p>Lead times for the <strong>BX-40</strong> housing drop from six weeks to three. The\n"
        '<a href="https://www.brightwater.example/bx-40" rel="noopener noreferrer nofollow">'
        "product page</a> lists the new dates.</p>\n"
        "<table>\n<thead>\n<tr>\n<th>Model</th>\n<th>Before</th>\n<th>Now</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>BX-40</td>\n<td>6 weeks</td>\n<td>3 weeks</td>\n</tr>\n</tbody>\n"
        "</table>\n"
        "<p>The <s>2023</s> 2024 catalogue already shows the change.</p>"
    )


def test_hugo_page_bundle_with_toml_front_matter():
    article = fixture("hugo/posts/solar-roof/index.md")
    assert without_original(article) == ImportedArticle(
        headline="Solar roof on the Ghent warehouse is live",
        source_key="markdown:solar-roof:2024-06-03",  # a bundle is named by its folder
        pub_date=dt.datetime(2024, 6, 3, 10, 0, tzinfo=ZONE),  # TOML local time: the site's zone
        standfirst="Some 2,400 panels now cover the roof of our largest warehouse.",
        body_html="<p>The installation will supply about 60 percent of the warehouse's "
        "electricity.</p>\n"
        '<p><img src="roof-wide.jpg" alt="The roof from the loading bay"></p>',
        section="Sustainability",
        tags=["energy", "Ghent"],
        authors=["Lieve Claes"],
        origin="hugo/posts/solar-roof/index.md",
        where="index.md",
        notes=[
            "the body shows images by relative address: upload them and fix the links",
            "lead image 'roof.jpg' is not an http(s) address: upload it",
        ],
    )
    assert article.pub_date.utcoffset() == dt.timedelta(hours=2)


def test_hugo_post_with_json_front_matter():
    article = fixture("hugo/posts/careers-day.md")
    assert without_original(article) == ImportedArticle(
        headline="Careers day draws 300 students",
        source_key="markdown:careers-day:2024-04-20",
        pub_date=dt.datetime(2024, 4, 20, tzinfo=ZONE),
        standfirst="Students from four colleges met our engineers.",
        body_html="<p>Three hundred students visited the workshop and the test bay.</p>",
        source_name="Tilburg Courant",
        source_url="https://courant.example/brightwater-careers-day",
        tags=["careers", "students"],
        authors=["Sanne Peeters"],
        origin="hugo/posts/careers-day.md",
        where="careers-day.md",
        lead_image_url="https://cdn.brightwater.example/img/careers-day.jpg",
    )


def test_jekyll_post_takes_its_date_from_the_file_name():
    article = fixture("jekyll/_posts/2024-03-05-plant-tour.md")
    assert without_original(article) == ImportedArticle(
        headline="Schoolchildren tour the Tilburg plant",
        source_key="markdown:plant-tour:2024-03-05",  # the date prefix is not part of the name
        pub_date=dt.datetime(2024, 3, 5, tzinfo=ZONE),
        body_html="<p>Forty pupils from the Regenboog primary school spent a morning with our "
        "apprentices.</p>\n<p>They built a small pump and took it home.</p>",
        section="Community",
        tags=["education", "community"],
        authors=["Joost Bakker"],
        origin="jekyll/_posts/2024-03-05-plant-tour.md",
        where="2024-03-05-plant-tour.md",
        notes=["date taken from the file name"],
    )


def test_front_matter_date_wins_over_the_file_name():
    article = parse_one(md("---\ntitle: T\ndate: 2024-03-07\n---\nText."), "2024-03-05-t.md")
    assert article.pub_date == dt.datetime(2024, 3, 7, tzinfo=ZONE)
    assert article.source_key == "markdown:t:2024-03-07"
    assert article.notes == []


def test_pelican_post_with_metadata_lines():
    article = fixture("pelican/content/water-recycling.md")
    assert without_original(article) == ImportedArticle(
        headline="Water recycling cuts our use by a third",
        source_key="markdown:water-recycling:2024-02-12",
        pub_date=dt.datetime(2024, 2, 12, 14, 30, tzinfo=ZONE),
        standfirst="The closed loop in the test bay now reuses most of its rinse water.",
        body_html="<p>Every pump leaves the line after a pressure test with water.</p>\n"
        "<p>Since January that water runs through a filter and back into the tank.</p>",
        section="Sustainability",
        tags=["water", "recycling"],
        authors=["Lieve Claes", "Marit de Vries"],
        language="nl",
        origin="pelican/content/water-recycling.md",
        where="water-recycling.md",
        notes=["slug 'water-recycling' only in the import key: addresses come from headlines"],
    )
    assert article.pub_date.utcoffset() == dt.timedelta(hours=1)


def test_a_draft_stays_a_draft():
    article = fixture("hugo/posts/budget-draft.md")
    assert (article.status, article.headline) == ("draft", "Budget 2025 (not yet approved)")
    assert article.pub_date == dt.datetime(2024, 11, 2, tzinfo=ZONE)


def test_no_front_matter_the_first_heading_is_the_headline():
    article = fixture("plain/canteen-menu.md")
    assert without_original(article) == ImportedArticle(
        headline="New canteen menu from Monday",
        source_key="markdown:canteen-menu:undated",
        body_html="<p>Our canteen switches to a <em>seasonal</em> menu with a vegetarian dish "
        "every day.</p>\n<h2>Opening hours</h2>\n<p>Breakfast from 7:00, lunch from 11:30.</p>",
        origin="plain/canteen-menu.md",
        where="canteen-menu.md",
    )


def test_shortcodes_and_liquid_tags_are_removed_and_named():
    article = fixture("hugo/posts/open-day-photos.md")
    assert article.body_html == (
        "<p>Thank you to everyone who came to our open day.</p>\n"
        "<p>The next open day is in October.</p>\n"
        "<p>Posted on .</p>"
    )
    assert article.notes == [
        "Hugo shortcodes removed: gallery, notice",
        "Liquid tags removed: include, page.date",
    ]


def test_hostile_markdown_leaves_no_script_and_no_dangerous_link():
    article = fixture("hostile/script-and-links.md")
    soup = BeautifulSoup(article.body_html, "html.parser")
    assert soup.find_all(["script", "svg", "iframe", "object", "embed"]) == []
    for tag in soup.find_all(True):
        assert not [name for name in tag.attrs if name.lower().startswith("on")]
        for value in tag.attrs.values():
            assert not str(value).strip().lower().startswith(("javascript:", "data:"))
    assert [a["href"] for a in soup.find_all("a")] == ["https://www.brightwater.example/"]
    assert soup.find_all("img") == []
    # Raw HTML is shown as text (markdown-it html=False), never rendered.
    assert '<script>alert("body")</script>' in soup.get_text()
    assert "<img src=x onerror=alert(4)>" in soup.get_text()


def test_hugo_section_pages_are_skipped():
    items = parse_items((FIXTURES / "hugo/posts/_index.md").read_bytes(), "posts/_index.md")
    assert items == [SkippedItem(where="_index.md", reason="section page")]


# --- malformed and hostile front matter -----------------------------------------------------


def test_malformed_yaml_names_the_line():
    error = refusal((FIXTURES / "broken/bad-yaml.md").read_bytes(), "bad-yaml.md")
    assert error.where == "bad-yaml.md:5"  # where YAML noticed; the message names the opening
    assert error.message == (
        "malformed YAML front matter: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence on line 4)"
    )


def test_malformed_toml_names_the_line():
    error = refusal((FIXTURES / "broken/bad-toml.md").read_bytes(), "bad-toml.md")
    assert (error.where, error.message) == (
        "bad-toml.md:5",
        "malformed TOML front matter: Unclosed array",
    )


def test_yaml_alias_bomb_is_refused_at_the_first_alias_at_once():
    started = time.monotonic()
    error = refusal((FIXTURES / "broken/alias-bomb.md").read_bytes(), "alias-bomb.md")
    assert time.monotonic() - started < 30  # a hang guard: an expanding alias would not end
    assert (error.where, error.message) == (
        "alias-bomb.md:4",
        "malformed YAML front matter: aliases (*name) are not allowed",
    )


def test_yaml_merge_keys_need_aliases_and_are_refused_too():
    error = refusal(md("---\nbase: &b {title: T}\npost:\n  <<: *b\n---\n"))
    assert error.where == "post.md:4"


@pytest.mark.parametrize(
    ("data", "where", "message"),
    [
        (b"---\n- a\n- b\n---\nText", "post.md",
         "the front matter is not a set of key: value pairs"),
        (b"---\ntitle: T\n\nText", "post.md:1", "the front matter opened by --- is never closed"),
        (b"+++\ntitle = 'T'\n", "post.md:1", "the front matter opened by +++ is never closed"),
        (b'{\n"title": "T",\n"date" "x"\n}\n', "post.md:3",
         "malformed JSON front matter: Expecting ':' delimiter"),
        (b"---\ntitle: !!float many\n---\n", "post.md",
         "malformed YAML front matter: could not convert string to float: 'many'"),
        (b"---\ntitle: !!timestamp soon\n---\n", "post.md",
         "malformed YAML front matter: a value tagged !!... cannot be read"),
        (b"---\ntitle: !!python/object:os.system x\n---\n", "post.md:2",
         "malformed YAML front matter: could not determine a constructor for the tag "
         "'tag:yaml.org,2002:python/object:os.system'"),
        (b"---\ntitle: T\ndate: next tuesday\n---\nText", "post.md:3",
         "date 'next tuesday' is not a date we can read "
         "(write 2024-03-05 or 2024-03-05T10:00:00+01:00)"),
        (b"+++\ntitle = 'T'\ndate = 10:15:00\n+++\nText", "post.md:3",
         "date '10:15:00' is not a date we can read "
         "(write 2024-03-05 or 2024-03-05T10:00:00+01:00)"),
        (b"---\ntitle: T\npublishDate: 0001-01-01\n---\nText", "post.md:3",
         "publishdate '0001-01-01' is not a date we can read "
         "(write 2024-03-05 or 2024-03-05T10:00:00+01:00)"),
        (b"---\ndate: 2024-01-01\n---\nNo heading here.", "post.md",
         "no title in the front matter and no '# ' heading"),
        (b"---\ntitle: " + b"x" * 301 + b"\n---\n", "post.md",
         "the title is longer than 300 characters"),
    ],
)  # fmt: skip
def test_bad_front_matter_is_refused_with_a_clear_message(data, where, message):
    error = refusal(data)
    assert (error.where, error.message) == (where, message)


@pytest.mark.parametrize(
    "data",
    [
        b"---\na: " + b"[" * 5000 + b"\n---\n",
        b"+++\na = " + b"[" * 5000 + b"]" * 5000 + b"\n+++\n",
        b"{" + b'"a":[' * 5000,
        b"+++\na = " + b"9" * 5000 + b"\n+++\n",
    ],
    ids=["yaml", "toml", "json", "toml-huge-int"],
)
def test_deeply_nested_or_huge_front_matter_is_refused(data):
    assert refusal(data).message.startswith("malformed")


def test_front_matter_over_64_kb_is_refused():
    data = b"---\ntitle: T\nsummary: " + b"x" * FRONT_MATTER_CHARS + b"\n---\nText"
    assert refusal(data).message == (
        f"the front matter is {FRONT_MATTER_CHARS + 19:,} characters; "
        f"the limit is {FRONT_MATTER_CHARS:,}"
    )


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "where", "message"),
    [
        (b"", "post.md", "the file is empty"),
        (b" \n\t\n", "post.md", "the file is empty"),
        (b"\xef\xbb\xbf\n", "post.md", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "post.md",
         "the file contains NUL bytes: binary data, not Markdown"),
        (b"# Caf\xe9\n\nLatin-1 text.", "post.md:1", "the file is not UTF-8 text"),
        (b"x" * (MAX_BYTES + 1), "post.md", f"larger than the limit of {MAX_BYTES:,} bytes"),
        (b"x" * (5 * 1024 * 1024 + 1), "post.md", f"larger than the limit of {MAX_BYTES:,} bytes"),
    ],
    ids=["empty", "whitespace", "bom-only", "binary", "latin-1", "over-cap", "5-mb"],
)  # fmt: skip
def test_bad_input_is_refused(data, where, message):
    error = refusal(data)
    assert (error.where, error.message) == (where, message)


def test_refusals_are_raised_by_the_call_not_on_iteration():
    with pytest.raises(ImportParseError):
        parser.parse(b"", origin="post.md", options=BRUSSELS)


def refusal_with(options: ParseOptions) -> ImportParseError:
    with pytest.raises(ImportParseError) as caught:
        parse_items(b"# T\n\nText", options=options)
    return caught.value


def test_unknown_time_zone_is_refused():
    error = refusal_with(ParseOptions(time_zone="Mars/Olympus"))
    assert error.message == "unknown time zone 'Mars/Olympus'"


def test_a_byte_order_mark_and_windows_line_ends_are_fine():
    article = parse_one(b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\n\r\nText.\r\n")
    assert (article.headline, article.body_html) == ("T", "<p>Text.</p>")


def test_unclosed_template_tags_are_removed_in_linear_time():
    body = b"{{< " * 12_000 + b"{% " * 12_000 + b"{{ a }" * 6_000 + b"{% a %}"  # near the cap
    started = time.monotonic()
    article = parse_one(b"---\ntitle: T\n---\n" + body)
    assert time.monotonic() - started < 30  # a hang guard: quadratic removal took minutes
    assert article.notes == ["Liquid tags removed: a"]


# --- fields -----------------------------------------------------------------------------------


def front(lines: str, body: str = "Text.") -> bytes:
    return md(f"---\n{textwrap.dedent(lines).strip()}\n---\n\n{body}")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-03-05", dt.datetime(2024, 3, 5, tzinfo=ZONE)),
        ("2024-03-05T10:15:00Z", dt.datetime(2024, 3, 5, 10, 15, tzinfo=dt.UTC)),
        ("2024-03-05T10:15:00+01:00", dt.datetime(2024, 3, 5, 10, 15, tzinfo=PLUS_ONE)),
        ("2024-03-05 10:15:00 +0100", dt.datetime(2024, 3, 5, 10, 15, tzinfo=PLUS_ONE)),
        ("2024-03-05 10:15", dt.datetime(2024, 3, 5, 10, 15, tzinfo=ZONE)),
        ("2024/03/05", dt.datetime(2024, 3, 5, tzinfo=ZONE)),
        ("05.03.2024", dt.datetime(2024, 3, 5, tzinfo=ZONE)),
        ("March 5, 2024", dt.datetime(2024, 3, 5, tzinfo=ZONE)),
        ("5 Mar 2024", dt.datetime(2024, 3, 5, tzinfo=ZONE)),
        ("Tue, 05 Mar 2024 10:15:00 +0000", dt.datetime(2024, 3, 5, 10, 15, tzinfo=dt.UTC)),
    ],
)  # fmt: skip
def test_date_strings(written, expected):
    article = parse_one(front(f"title: T\ndate: {written}"))
    assert article.pub_date == expected
    assert article.pub_date.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-03-05", dt.datetime(2024, 3, 5, tzinfo=ZONE)),
        ("2024-03-05T10:15:00", dt.datetime(2024, 3, 5, 10, 15, tzinfo=ZONE)),
        ("2024-03-05T10:15:00Z", dt.datetime(2024, 3, 5, 10, 15, tzinfo=dt.UTC)),
    ],
)
def test_toml_dates(written, expected):
    article = parse_one(md(f"+++\ntitle = 'T'\ndate = {written}\n+++\nText."))
    assert article.pub_date == expected
    assert article.pub_date.utcoffset() == expected.utcoffset()


def test_the_source_key_day_is_the_day_as_written():
    article = parse_one(front("title: T\ndate: 2024-03-05T23:30:00-05:00"))
    assert article.source_key == "markdown:post:2024-03-05"


@pytest.mark.parametrize(
    "lines",
    ["draft: true", "draft: yes", "published: false", "status: draft", "status: Hidden"],
)
def test_draft_markers(lines):
    assert parse_one(front(f"title: T\ndate: 2024-01-01\n{lines}")).status == "draft"


@pytest.mark.parametrize("lines", ["draft: false", "published: true", "status: published"])
def test_not_drafts(lines):
    article = parse_one(front(f"title: T\ndate: 2024-01-01\n{lines}"))
    assert (article.status, article.pub_date) == ("", dt.datetime(2024, 1, 1, tzinfo=ZONE))


def test_published_may_be_the_date():
    article = parse_one(front("title: T\npublished: 2024-02-01"))
    assert (article.status, article.pub_date) == ("", dt.datetime(2024, 2, 1, tzinfo=ZONE))


def test_pelican_draft_status():
    article = parse_one(b"Title: T\nDate: 2024-01-01\nStatus: draft\n\nText.")
    assert article.status == "draft"


@pytest.mark.parametrize(
    ("lines", "authors"),
    [
        ("author: Jane Doe", ["Jane Doe"]),
        ('author: "Doe, Jane"', ["Doe, Jane"]),
        ("author: {name: Jane Doe}", ["Jane Doe"]),
        ("authors: [Jane Doe, John Roe]", ["Jane Doe", "John Roe"]),
        ("authors: Jane Doe, John Roe", ["Jane Doe", "John Roe"]),
        ("authors: [{name: Jane Doe}, {name: John Roe, email: j@x.example}]",
         ["Jane Doe", "John Roe"]),
        ("author: Jane Doe\nauthors: [jane doe, John Roe]", ["Jane Doe", "John Roe"]),
        ("author: 42", ["42"]),
        ("author: [true, null, {email: x}]", []),
    ],
)  # fmt: skip
def test_authors(lines, authors):
    assert parse_one(front(f"title: T\n{lines}")).authors == authors


def test_tags_keywords_and_categories():
    article = parse_one(
        front(
            """
            title: T
            tags: Energy, Ghent
            keywords: [ghent, Solar]
            categories: [News, Sustainability]
            category: energy
            section: Press
            """
        )
    )
    assert article.section == "News"
    assert article.tags == ["Energy", "Ghent", "Solar", "Sustainability", "Press"]


def test_names_too_long_for_the_database_become_notes():
    article = parse_one(front(f"title: T\ntags: [ok, {'t' * 101}]\nauthor: {'a' * 201}"))
    assert (article.tags, article.authors) == (["ok"], [])
    assert article.notes == [
        f"tag longer than 100 characters left out: {'t' * 60}…",
        f"author longer than 200 characters left out: {'a' * 60}…",
    ]


@pytest.mark.parametrize(
    ("lines", "source_url", "canonical_url", "notes"),
    [
        ("canonical_url: https://a.example/x", "https://a.example/x", "https://a.example/x", []),
        ("source_url: http://a.example/x", "http://a.example/x", "", []),
        ("link: https://a.example/x\ncanonical: https://b.example/", "https://b.example/",
         "https://b.example/", []),
        ("canonical: /news/x", "", "",
         ["canonical address '/news/x' is not absolute http(s): left out"]),
        ("canonical: 'http://[oops'", "", "",
         ["canonical address 'http://[oops' is not absolute http(s): left out"]),
        ("source_url: javascript:alert(1)", "", "",
         ["source address 'javascript:alert(1)' is not absolute http(s): left out"]),
        ("link: https://", "", "", ["source address 'https://' is not absolute http(s): left out"]),
    ],
)  # fmt: skip
def test_source_and_canonical_addresses(lines, source_url, canonical_url, notes):
    article = parse_one(front(f"title: T\n{lines}"))
    assert (article.source_url, article.canonical_url, article.notes) == (
        source_url,
        canonical_url,
        notes,
    )


@pytest.mark.parametrize(
    ("lines", "url", "alt"),
    [
        ("image: https://c.example/a.jpg\nimage_alt: A pump", "https://c.example/a.jpg", "A pump"),
        ("featured_image: http://c.example/a.jpg", "http://c.example/a.jpg", ""),
        ("images: [https://c.example/a.jpg, https://c.example/b.jpg]", "https://c.example/a.jpg",
         ""),
        ("cover: https://c.example/a.jpg", "https://c.example/a.jpg", ""),
        ("cover: {image: https://c.example/a.jpg, alt: A pump}", "https://c.example/a.jpg",
         "A pump"),
    ],
)  # fmt: skip
def test_lead_image(lines, url, alt):
    article = parse_one(front(f"title: T\n{lines}"))
    assert (article.lead_image_url, article.lead_image_alt, article.notes) == (url, alt, [])


def test_standfirst_keys_in_order():
    article = parse_one(front("title: T\nsubtitle: Sub\nexcerpt: Ex\nsummary: '  Two\n\n  lines '"))
    assert article.standfirst == "Two lines"


def test_language_from_the_file_name_and_a_bad_language():
    article = parse_one(front("title: T\nslug: open day\ndate: 2024-01-01"), "posts/open.de.md")
    assert (article.language, article.source_key) == ("de", "markdown:open-day.de:2024-01-01")
    article = parse_one(front("title: T\nlang: not a tag!"))
    assert (article.language, article.notes) == (
        "",
        ["language 'not a tag!' is not a language tag: left out"],
    )


def test_unknown_keys_are_ignored():
    article = parse_one(front("title: T\nweight: 3\nlayout: post\nparams: {a: [1, 2]}\n1: one"))
    assert (article.headline, article.notes) == ("T", [])


def test_title_control_characters_and_line_breaks_are_squashed():
    assert parse_one(front('title: "A\\u0000 long\\n title"')).headline == "A long title"


@pytest.mark.parametrize(
    ("data", "headline", "body_html"),
    [
        (b"---\ntitle: Plant news\n---\n# Plant news\n\nText.", "Plant news", "<p>Text.</p>"),
        (b"---\ntitle: Plant news\n---\n# Other\n\nText.", "Plant news",
         "<h2>Other</h2>\n<p>Text.</p>"),
        (b"Intro.\n\n# The *real* `title`\n\nText.", "The real title",
         "<p>Intro.</p>\n<p>Text.</p>"),
        (b"Setext title\n============\n\nText.", "Setext title", "<p>Text.</p>"),
        (b"#\n\n# Second\n\nText.", "Second", "<h2></h2>\n<p>Text.</p>"),
        (b"# ![](a.png)\n\n# Second\n\nText.", "Second",
         '<h2><img src="a.png" alt=""></h2>\n<p>Text.</p>'),
    ],
)  # fmt: skip
def test_headline_from_the_first_heading(data, headline, body_html):
    article = parse_one(data)
    assert (article.headline, article.body_html) == (headline, body_html)


# --- detection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "head"),
    [
        ("", b"---\ntitle: T\n"),
        ("", b"+++\ntitle = 'T'\n"),
        ("", b"\xef\xbb\xbf--- \r\ntitle: T\r\n"),
        ("news/Post.MD", b"anything"),
        ("post.markdown", b""),
        ("post.mdown", b"{"),
    ],
)
def test_detects_markdown(filename, head):
    assert parser.detect(head, filename=filename) is True


@pytest.mark.parametrize(
    ("filename", "head"),
    [
        ("page.txt", b"Plain text of a page"),
        ("feed.xml", b"<?xml version='1.0'?>"),
        ("", b"----\n"),
        ("", b"---title: T\n"),
        ("data.json", b'{"title": "T"}'),  # JSON front matter is claimed by .md names only
        ("", b"Title: T\n\nText"),  # so is Pelican's metadata
        ("post.md.txt", b"# T"),
    ],
)
def test_does_not_detect_other_formats(filename, head):
    assert parser.detect(head, filename=filename) is False


@given(head=st.binary(max_size=200), filename=st.text(max_size=40))
def test_detect_never_raises(head, filename):
    assert parser.detect(head, filename=filename) in (True, False)


# --- fuzz -----------------------------------------------------------------------------------

FIXTURE_BYTES = [path.read_bytes() for path in sorted(FIXTURES.rglob("*.md"))]
SPICE = [
    b"---\n", b"+++\n", b"{", b"}", b"{{<", b">}}", b"{%", b"%}", b"[", b"](", b"*", b"\n# ",
    b": ", b" = ", b"&a ", b"*a", b"!!", b"\x00", b"\xff", b"\n\n", b"<script>", b'"', b"Title: ",
]  # fmt: skip


@st.composite
def mutated_fixtures(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(FIXTURE_BYTES)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        end = draw(st.integers(at, min(len(data), at + 40)))
        chunk = draw(st.sampled_from(SPICE) | st.binary(max_size=6))
        data[at:end] = chunk if draw(st.booleans()) else data[at:end] + chunk
    return bytes(data)


def parse_or_refusal(data: bytes, origin: str) -> list | ImportParseError:
    try:
        return parse_items(data, origin)
    except ImportParseError as exc:
        return exc


def assert_articles_or_refusal(data: bytes, origin: str = "fuzz.md") -> None:
    outcome = parse_or_refusal(data, origin)
    if isinstance(outcome, ImportParseError):
        assert outcome.message
        assert outcome.where == origin or outcome.where.startswith(f"{origin}:")
        return
    [item] = outcome
    assert isinstance(item, ImportedArticle)
    assert 0 < len(item.headline) <= 300
    assert sanitise_html(item.body_html) == item.body_html
    assert item.pub_date is None or item.pub_date.tzinfo is not None
    assert len(item.source_key) <= 300
    assert all(0 < len(tag) <= 100 for tag in item.tags)


@hypothesis.settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=2000))
def test_fuzz_random_text(text):
    assert_articles_or_refusal(text.encode("utf-8", "surrogatepass"))


@hypothesis.settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000))
def test_fuzz_random_bytes(data):
    assert_articles_or_refusal(data)


@hypothesis.settings(max_examples=200, deadline=None)
@given(prefix=st.sampled_from(["---\n", "+++\n", "{", "Title: T\n"]), text=st.text(max_size=500))
def test_fuzz_front_matter_openings(prefix, text):
    assert_articles_or_refusal((prefix + text).encode("utf-8", "surrogatepass"))


@hypothesis.settings(max_examples=300, deadline=None)
@given(data=mutated_fixtures())
def test_fuzz_mutated_fixtures(data):
    assert_articles_or_refusal(data)


# --- through the persistence path ---------------------------------------------------------


@pytest.fixture
def markdown_format(settings):
    settings.NEWSCENTER_IMPORT_FORMATS = {"markdown": "newscenter.importers.parsers.markdown"}


def import_file(path: Path, format: str = "markdown"):
    source = Source(name=str(path), path=path)
    return import_sources([source], options=ImportOptions(format=format), acting_user=SYSTEM)


@pytest.mark.django_db
@pytest.mark.usefixtures("markdown_format")
def test_import_creates_then_skips_then_updates(tmp_path):
    path = tmp_path / "new-press-line.md"
    shutil.copy(FIXTURES / "hugo/posts/new-press-line.md", path)
    label = f"{path} (new-press-line.md): Brightwater opens a second press line in Tilburg"

    first = import_file(path)
    assert (first.created, first.failed) == ([label], [])
    article = Article.objects.get(import_key="markdown:second-press-line:2024-05-15")
    assert article.status == Article.Status.PUBLISHED
    assert article.pub_date == dt.datetime(2024, 5, 15, 6, 0, tzinfo=dt.UTC)
    assert article.section.name == "Company news"
    tags = sorted(tag.name for tag in article.tags.all())
    assert tags == ["Investments", "Tilburg", "manufacturing"]
    assert sorted(a.name for a in article.authors.all()) == ["Joost Bakker", "Marit de Vries"]
    assert (article.language, article.canonical_url) == (
        "en-GB",
        "https://www.brightwater.example/news/second-press-line",
    )
    record = article.import_record
    assert (record.format, record.where, record.original) == (
        "markdown",
        "new-press-line.md",
        path.read_text(),
    )
    assert record.lead_image_url == "https://cdn.brightwater.example/img/press-line.jpg"

    again = import_file(path)
    assert again.created == again.updated == []
    assert again.skipped == [(label, "unchanged since the last import")]

    path.write_text(
        path.read_text().replace("second press line at", "second, faster press line at")
    )
    edited = import_file(path)
    assert edited.updated == [label]
    assert Article.objects.count() == 1
    assert "second, faster press line" in Article.objects.get().body


@pytest.mark.django_db
@pytest.mark.usefixtures("markdown_format")
def test_the_same_post_from_another_folder_is_not_duplicated(tmp_path):
    for folder in ("old-site/_posts", "new-site/_posts"):
        (tmp_path / folder).mkdir(parents=True)
        shutil.copy(FIXTURES / "jekyll/_posts/2024-03-05-plant-tour.md", tmp_path / folder)
    first = import_file(tmp_path / "old-site/_posts/2024-03-05-plant-tour.md")
    second = import_file(tmp_path / "new-site/_posts/2024-03-05-plant-tour.md")
    assert (len(first.created), len(second.created), len(second.skipped)) == (1, 0, 1)
    article = Article.objects.get()
    assert article.import_key == "markdown:plant-tour:2024-03-05"
    assert first.notes == [
        (f"{tmp_path}/old-site/_posts/2024-03-05-plant-tour.md (2024-03-05-plant-tour.md): "
         "Schoolchildren tour the Tilburg plant", "date taken from the file name")
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.usefixtures("markdown_format")
def test_drafts_undated_posts_and_section_pages_through_the_import(tmp_path):
    for name in ("hugo/posts/budget-draft.md", "plain/canteen-menu.md", "hugo/posts/_index.md"):
        shutil.copy(FIXTURES / name, tmp_path)
    reports = {path.name: import_file(path, "auto") for path in sorted(tmp_path.iterdir())}
    assert reports["_index.md"].skipped == [(f"{tmp_path}/_index.md: _index.md", "section page")]
    draft = Article.objects.get(import_key="markdown:budget-draft:2024-11-02")
    undated = Article.objects.get(import_key="markdown:canteen-menu:undated")
    assert (draft.status, undated.status) == (Article.Status.DRAFT, Article.Status.DRAFT)
    assert undated.pub_date is None


@pytest.mark.django_db
@pytest.mark.usefixtures("markdown_format")
def test_a_refused_file_is_reported_and_saves_nothing(tmp_path):
    path = tmp_path / "bad-yaml.md"
    shutil.copy(FIXTURES / "broken/bad-yaml.md", path)
    report = import_file(path)
    assert report.failed == [
        (
            f"{path}:5",
            "malformed YAML front matter: expected ',' or ']', but got ':' "
            "(while parsing a flow sequence on line 4)",
        )
    ]
    assert not Article.objects.exists()
