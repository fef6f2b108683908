"""General rules the text importer learned from real pages, each shown on a page written here
(the real pages stay in ``../shared/fixtures/pages``; ``bench/fidelity.py`` scores them).

Pure parser tests: no database and no Django settings.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from newscenter.importers.parsers.base import ImportedArticle, ImportParseError, ParseOptions
from newscenter.importers.parsers.text import parser

UTC = ParseOptions(time_zone="UTC")
HEADLINE = "Marrow Gears doubles its gearbox test capacity"
BODY = (
    "Marrow Gears has commissioned a second endurance rig at its plant outside Ellesby this "
    "week, doubling the hours of testing it can offer customers.\n\n"
    "The rig runs gearboxes under load for up to six weeks and records every vibration.\n\n"
    "Engineers expect the first customer programmes to start in the autumn.\n"
)
STANDFIRST = "The new rig tests gearboxes for six weeks at a time under full load."


def parse(text: str, options: ParseOptions = UTC) -> ImportedArticle:
    [article] = parser.parse(text.encode(), origin="page.txt", options=options)
    return article


def refusal(text: str) -> str:
    with pytest.raises(ImportParseError) as refused:
        parser.parse(text.encode(), origin="page.txt", options=UTC)
    return refused.value.message


def reader_text(article: ImportedArticle) -> str:
    body = " ".join(html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", article.body_html))
    return f"{article.standfirst} {body}"


def assert_standfirst_and_none_of(text: str, *gone: str) -> ImportedArticle:
    article = parse(text)
    assert article.standfirst == STANDFIRST
    assert [piece for piece in gone if piece in reader_text(article)] == []
    return article


def day(article: ImportedArticle) -> dt.date | None:
    return article.pub_date.date() if article.pub_date else None


# --- dates ------------------------------------------------------------------------------------


def test_a_date_glued_to_a_reading_time_is_read():
    article = parse(f"{HEADLINE}\n\n7 March 20243 min reading\n\n{BODY}")
    assert article.headline == HEADLINE
    assert day(article) == dt.date(2024, 3, 7)


DATE_LINES = [
    "7-Mar-2024",
    "7March2024",
    "7th of March 2024",
    "Time of issue\uff1a2024-03-07 10:22",  # a full-width colon
    "Date Published: Thursday, March 7, 2024",
    "Issued at: 07.03.2024",
    "Release Time: 2024-03-07 Posted by: Admin",
    "Modified: 19 March 2024 | Published: 7 March 2024",
    "2024 March 7",
    "2024-Mar-07",
    "2024. 3. 7.",
]


@pytest.mark.parametrize("line", DATE_LINES)
def test_labelled_and_run_together_date_lines(line):
    article = parse(f"Marrow Gears Ltd\n\nHome > News\n\n{HEADLINE}\n\n{line}\n\n{BODY}")
    assert (article.headline, day(article)) == (HEADLINE, dt.date(2024, 3, 7))


@pytest.mark.parametrize(
    ("line", "zone", "expected", "other"),
    [
        ("12/1/2004 | 2 MINUTE READ", "UTC", dt.date(2004, 12, 1), ""),  # unpadded: American
        ("01/12/2004", "UTC", dt.date(2004, 12, 1), ""),  # zero-padded: European
        ("12/1/2004", "Europe/Dublin", dt.date(2004, 1, 12), ""),  # the site's region decides
        ("3/4/2024", "UTC", dt.date(2024, 4, 3), "28/03/2024"),
        ("3/4/2024", "Europe/Dublin", dt.date(2024, 3, 4), "03/28/2024"),
    ],
)
def test_the_order_of_a_numeric_date_comes_from_the_page_then_the_zone(line, zone, expected, other):
    body = BODY
    if other:  # another date on the page, whose order is plain: 28/03 or 03/28
        body += f"The last open day, on {other}, drew a large crowd of families from the town.\n"
    article = parse(f"{HEADLINE}\n\n{line}\n\n{body}", ParseOptions(time_zone=zone))
    assert day(article) == expected


def test_a_date_above_the_site_name_is_the_header_clock_not_the_article_date():
    article = parse(f"Tuesday, 14 May 2024\n\nThe Ellesby Courier\n\n{HEADLINE}\n\n{BODY}")
    assert (article.headline, article.pub_date) == (HEADLINE, None)


def test_a_date_right_above_the_headline_is_its_date():
    article = parse(f"The Ellesby Courier\n\nTuesday, 14 May 2024\n\n{HEADLINE}\n\n{BODY}")
    assert (article.headline, day(article)) == (HEADLINE, dt.date(2024, 5, 14))


@pytest.mark.parametrize("badge", ["07\nMar\n2024", "Mar\n7\n2024", "7 Mar\n2024"])
def test_a_date_badge_one_part_a_line_is_read(badge):
    article = parse(f"{HEADLINE}\n\n{badge}\n\n{BODY}")
    assert (article.headline, day(article)) == (HEADLINE, dt.date(2024, 3, 7))


@pytest.mark.parametrize("label", ["Issued", "Time of issue", "Date of publication"])
def test_a_publication_date_printed_at_the_foot_twice_is_the_date(label):
    foot = f"{label}: 07/03/2024"
    article = parse(f"{HEADLINE}\n\n{BODY}\n{foot}\n\nShare\n\n{foot}\n")
    assert day(article) == dt.date(2024, 3, 7)


@pytest.mark.parametrize(
    "glued",
    [
        "Posted on March 7, 2024 by Admin",
        "Date: 7 March 2024",
        "AdminMarch 7, 2024",
        "By Ada Quill | March 7, 2024",
        "Thursday, 7 March 2024 10:00",
        "2024-03-07Admin",
        "Mar 7, 2024 | News",
        "7-Mar-2024",
    ],
)
def test_a_date_line_glued_to_the_headline_is_split_off(glued):
    article = parse(f"Marrow Gears Ltd\n\nHome > News\n\n{HEADLINE}{glued}\n\n{BODY}")
    assert (article.headline, day(article)) == (HEADLINE, dt.date(2024, 3, 7))


def test_a_digest_whose_items_end_with_a_source_and_date_is_one_article_with_its_own_date():
    items = "\n".join(
        f"• {shop} opened in {town}. {paper}, {when}"
        for shop, town, paper, when in [
            ("Pell & Wick", "Hartsby", "Hartsby Herald", "12/30/2021"),
            ("Quarry Lane Bakery", "north Ellesby", "Ellesby Post", "1/2/2022"),
            ("Tamsin Tiles", "Orford", "Orford Courier", "1/3/2022"),
            ("Bramble Books", "east Hartsby", "Hartsby Herald", "12/28/2021"),
        ]
    )
    text = (
        f"Tuesday, January 4, 2022\n\nNew Shops Around the County\n\n"
        f"This week's openings include a few unusual stores, listed below with their sources:\n"
        f"{items}\n\nRead the full list of this week's openings on our county page, "
        f"updated every Tuesday.\n"
    )
    article = parse(text)
    assert article.headline == "New Shops Around the County"
    assert day(article) == dt.date(2022, 1, 4)


def test_a_listing_whose_titles_are_questions_is_refused():
    titles = [
        "Can a gearbox in a wind turbine really run for ten years without any service?",
        "Marrow Gears opens its test hall",
        "What does an endurance rig actually measure, and why do our customers care so much?",
        "Apprentices build their first gearbox",
    ]
    days = ["Monday 3 June", "Friday 31 May", "Tuesday 28 May", "Monday 20 May"]
    teaser = "Our engineers explain in a few lines what the week brought to the plant and staff."
    text = "News archive 2024\n\n" + "\n\n".join(
        f"{title}\n\nPosted on {when} 2024\n\n{teaser}"
        for title, when in zip(titles, days, strict=True)
    )
    assert "listing" in refusal(text)


def test_a_page_of_documents_to_download_is_refused():
    issues = "\n".join(f"{day} May (PDF, {size}KB)" for day, size in [(3, 412), (10, 388),
                       (17, 530), (24, 297), (31, 610)])  # fmt: skip
    text = (
        "Parish Newsletter\n\nThe parish newsletter tells you what the council decided and what "
        f"is on in the villages each week.\n\nSubscribe to the newsletter\n\n{issues}\n"
    )
    assert "documents to download" in refusal(text)


def test_a_social_profile_with_its_posts_is_refused():
    post = f"{HEADLINE}\n\n{BODY}"
    text = f"Marrow Gears\n1,204 followers\nAbout\nPosts\n\n5/14/24\n{post}\n\n5/2/24\n{post}"
    assert "social media profile" in refusal(text)


def test_a_catalogue_record_with_a_blurb_and_form_messages_is_refused():
    text = (
        "Gearbox Endurance Handbook 2024\n\nA Practical Guide for Test Engineers\n\n"
        "This handbook explains how endurance rigs load a gearbox and what the readings mean. "
        "It draws on ten years of tests. Each chapter ends with worked examples.\n\n"
        "Subjects: Engineering\nThis is a required field\nPlease enter a valid email address\n"
        "Invalid data\nAn error occurred\nLog in to save this title"
    )
    assert "form lines" in refusal(text)


def test_an_article_with_a_newsletter_form_under_it_is_imported():
    form = "Sign up to our newsletter\nPlease enter a valid email address\nThis is a required field"
    article = parse(f"{HEADLINE}\n\nMay 14, 2024\n\n{BODY}\n{form}\n")
    assert article.headline == HEADLINE


def test_an_article_with_two_attachments_is_imported():
    files = "Test report (PDF, 1.1MB)\nRig drawing (PDF, 640KB)"
    article = parse(f"{HEADLINE}\n\nMay 14, 2024\n\n{BODY}\n{files}\n")
    assert article.headline == HEADLINE


# --- headlines --------------------------------------------------------------------------------


@pytest.mark.parametrize("headline", ["PackExpo 2025: Lines and Robots", "Annual Report 2023"])
def test_a_short_headline_with_a_year_in_it_is_a_headline(headline):
    # "0 959" or "Nov 28" are counters and dates; two real words make a headline.
    article = parse(f"Menu\n\n{headline}\n\n{BODY}")
    assert article.headline == headline


def test_a_breadcrumb_without_separators_gives_its_last_crumb_and_a_bracketed_date_is_no_pub_date():
    text = f"Home News Gear Test Hall Closed (14th March 2024)\n\n12 48\n\n{BODY}"
    article = parse(text)
    assert article.headline == "Gear Test Hall Closed (14th March 2024)"
    assert article.pub_date is None  # the day of the closure, not of the news


# Page tops as sites lay them out: the site's name, menus, section labels and a date line
# around the headline. Also training pages for bench/headline_model.py (own text, not fixtures).
PARAGRAPH = (
    "The company said on Tuesday that the work had been finished ahead of plan and within the "
    "budget agreed with the town council last spring.\n\n"
    "Further details will be given at the open day in the summer.\n"
)
LAYOUTS = [
    (
        "Fenwick Brothers Ltd\n\nHome > News\n\n4 June 2024\n\n"
        "Fenwick opens its rebuilt dye house in Carlow",
        "Fenwick opens its rebuilt dye house in Carlow",
    ),
    (
        "ORRIN VALVES GMBH\n\nNews | Events | Careers\n\nPosted on 11.06.2024\n\n"
        "New test bench for high-pressure valves",
        "New test bench for high-pressure valves",
    ),
    (
        "Kessel & Daughters\nBoilers since 1921\n\nCompany News\n\n"
        "Kessel wins its first district heating contract\n\nJune 20, 2024",
        "Kessel wins its first district heating contract",
    ),
    (
        "Linmoor Group\n\nMedia Centre\n\nPress Release\n\n"
        "Linmoor to build a training school for welders\nDate: 2024-06-21",
        "Linmoor to build a training school for welders",
    ),
    (
        "Skip to main content\n\nPadgett Farm Machinery Inc.\n\nAbout\nProducts\nNews\n"
        "Contact\n\nPadgett Tractors Reach the Arctic Circle\n\nBy Ola Berg | 3 July 2024",
        "Padgett Tractors Reach the Arctic Circle",
    ),
    (
        "Tuesday, 9 July 2024\n\nThe Wyvern Gazette\n\nLocal\n\n"
        "Bridge on Mill Lane to reopen after repairs\n\nBy Staff Reporter | 8 July 2024",
        "Bridge on Mill Lane to reopen after repairs",
    ),
    (
        "Quillon Paper Company\n\nYou are here: Home / Newsroom / Stories\n\n"
        "2024-07-10 | Stories\n\nQuillon recycles its millionth tonne",
        "Quillon recycles its millionth tonne",
    ),
    (
        "Dunmere Borough Council\n\nNews and Updates\n\n"
        "Council approves new cycle lanes for the town centre\n\nPublished: 12th July 2024",
        "Council approves new cycle lanes for the town centre",
    ),
    (
        "The Harrowgate Messenger\n\nFriday, 19 July 2024\n\n"
        "Swimming pool to close for six weeks of repairs",
        "Swimming pool to close for six weeks of repairs",
    ),
    (
        "Orford Tile Works\n\n22.07.2024\n\nNew kiln halves the gas we burn",
        "New kiln halves the gas we burn",
    ),
    (
        "We use cookies to make this site work and to see how you use it, so that we can improve "
        "the experience for every visitor.\n\nAccept\n\nBrackwater Foods Ltd\n\n"
        "Will the last diesel forklift leave our warehouse before the end of next year?\n\n"
        "14 May 2024",
        "Will the last diesel forklift leave our warehouse before the end of next year?",
    ),
    (
        "Tollan Weekly is part of the Harbour Division of Fenmark Holdings PLC\n\n"
        "This site is operated by a business owned by Fenmark Holdings PLC, which holds all the "
        "copyright. Registered in England and Wales. Number 1234567.\n\nFood News\n\n"
        "Brackwater Adds a Second Bakery Line\n\nPublished 2 May 2024",
        "Brackwater Adds a Second Bakery Line",
    ),
]


@pytest.mark.parametrize(("top", "headline"), LAYOUTS, ids=[h for _, h in LAYOUTS])
def test_the_headline_is_told_from_site_names_menus_and_section_labels(top, headline):
    article = parse(f"{top}\n\n{PARAGRAPH}")
    assert article.headline == headline
    assert article.pub_date is not None


@pytest.mark.parametrize(
    "headline",
    ["Marrow Gears buys Tarnby Castings Inc.", "$12m gearbox test hall opens in Ellesby"],
)
def test_headlines_ending_in_an_abbreviation_or_starting_with_a_currency(headline):
    article = parse(f"Marrow Gears\n\n{headline}\n\nMay 14, 2024\n\n{BODY}")
    assert article.headline == headline


def test_the_site_name_after_a_page_title_is_left_out_of_the_headline():
    article = parse(f"Marrow Gears\n\n{HEADLINE} | Marrow Gears\n\nMay 14, 2024\n\n{BODY}")
    assert article.headline == HEADLINE


def test_a_headline_with_a_dash_keeps_its_second_half():
    headline = "Open day at the plant - tours for families"
    assert parse(f"Marrow Gears\n\n{headline}\n\nMay 14, 2024\n\n{BODY}").headline == headline


def test_a_salutation_is_not_the_headline():
    notice = "Spring Holiday Notice"
    text = f"Marrow Gears\n\n{notice}\n\nDear Valued Customers\n\n{BODY}"
    assert parse(text).headline == notice


def test_a_headline_above_a_long_run_of_share_buttons_is_found():
    buttons = "\n".join(["Share", "Facebook", "X", "LinkedIn", "WhatsApp", "Email", "Print"] * 2)
    article = parse(f"Marrow Gears\n\n{HEADLINE}\n\nMay 14, 2024\n{buttons}\n\n{BODY}")
    assert (article.headline, day(article)) == (HEADLINE, dt.date(2024, 5, 14))


# --- what is not the article's text ----------------------------------------------------------


def test_an_image_file_name_and_its_caption_are_left_out():
    text = (
        f"{HEADLINE}\n\nEnduranceRigHall\nThe rig hall seen from the gallery on opening day.\n\n"
        f"{STANDFIRST}\n\nIMG_2041.jpg\n\n{BODY}"
    )
    assert_standfirst_and_none_of(text, "EnduranceRigHall", "gallery", "IMG_2041")


def test_a_headline_under_a_camel_case_site_name_is_no_caption():
    article = parse(f"PlantFloorNews\n{HEADLINE}\n\nMay 14, 2024\n\n{BODY}")
    assert article.headline == HEADLINE


def test_a_subtitle_in_sentence_case_without_a_full_stop_is_the_standfirst():
    subtitle = "A second endurance rig doubles the hours of testing on offer"
    article = parse(f"{HEADLINE}\n\nMay 14, 2024\n\n{subtitle}\n\n{BODY}")
    assert article.standfirst == subtitle


@pytest.mark.parametrize(
    "line",
    ["< Back to News", "Tags: gears, testing", "Leave a comment", "Subscribe", "Previous article"],
)
def test_a_link_line_between_headline_and_text_is_skipped_not_the_end(line):
    article = parse(f"Marrow Gears\n\n{HEADLINE}\n\nMay 14, 2024\n\n{line}\n\n{BODY}")
    assert article.headline == HEADLINE
    assert reader_text(article).startswith("Marrow Gears has commissioned")
    assert line not in reader_text(article)


@pytest.mark.parametrize(
    "caption",
    [
        "The rig hall seen from the gallery on opening day (Photo: Marrow Gears).",
        "Pictured: the rig hall seen from the gallery on opening day.",
    ],
)
def test_a_photo_caption_under_the_headline_is_no_standfirst(caption):
    text = f"{HEADLINE}\n\nMay 14, 2024\n\n{caption}\n\n{STANDFIRST}\n\n{BODY}"
    assert_standfirst_and_none_of(text, "gallery")


def test_a_byline_between_standfirst_and_body_is_left_out_but_a_sentence_starting_with_by_stays():
    text = (
        f"{HEADLINE}\n\n{STANDFIRST}\n\nBy Ada Quill, Plant Editor\n\n{BODY}\n"
        "By then, the old rig will be retired.\n"
    )
    article = assert_standfirst_and_none_of(text, "Ada Quill")
    assert "By then, the old rig will be retired." in reader_text(article)


def test_the_headline_echoed_in_a_label_under_it_is_left_out():
    text = f"{HEADLINE}\n\nMay 14, 2024\nWhat our plant floor team wrote about {HEADLINE}\n\n{BODY}"
    article = parse(text)
    assert article.headline == HEADLINE
    assert "plant floor" not in reader_text(article)
    assert reader_text(article).startswith("Marrow Gears has commissioned")


def test_a_paragraph_that_starts_with_the_headline_words_stays():
    sentence = f"{HEADLINE} for the second time in four years, the company said on Monday."
    article = parse(f"{HEADLINE}\n\nMay 14, 2024\n\n{BODY}\n{sentence}\n")
    assert sentence in reader_text(article)


def test_a_line_led_by_an_icon_does_not_start_the_text():
    text = (
        f"{HEADLINE}\n\n✪ This story was written by our partner desk and reviewed by the editors "
        f"before it was published here\n{STANDFIRST}\n\n{BODY}"
    )
    assert_standfirst_and_none_of(text, "partner desk")


def test_alt_text_between_paragraphs_is_left_out():
    paragraphs = BODY.split("\n\n")
    text = f"{HEADLINE}\n\n{paragraphs[0]}\n\nyellow test rig\n{paragraphs[1]}\n\n{paragraphs[2]}"
    article = parse(text)
    assert "yellow test rig" not in reader_text(article)
    assert paragraphs[2].strip() in reader_text(article)


WIDGET_LINES = [
    "We use cookies so that the site works well for you. By browsing on you accept them.",
    "This website uses cookies",
    "Accept all cookies",
    "Tweet",
    "Pin it",
    "Email this page",
    "Download (PDF, 1.2 MB)",
    "Click to enlarge",
    "Image 2 of 6",
    "(Photo courtesy of Marrow Gears)",
    "Posted in Plant News",
    "Last updated: 19 March 2024",
    "Like this: Like Loading...",
    "Reply",
]


@pytest.mark.parametrize("line", WIDGET_LINES)
def test_widget_and_banner_lines_between_paragraphs_are_left_out(line):
    first, second, third = BODY.strip().split("\n\n")
    article = parse(f"{HEADLINE}\n\nMay 14, 2024\n\n{first}\n\n{line}\n\n{second}\n\n{third}")
    assert line not in reader_text(article)
    assert third in reader_text(article)


@pytest.mark.parametrize(
    "closer",
    [
        "Comments are closed.",
        "Your email address will not be published. Required fields are marked *",
        "-ENDS-",
        "###",
        "About the author",
        "For more information, please contact:",
    ],
)
def test_the_article_ends_where_comments_or_an_end_mark_start(closer):
    after = "Read how our sister plant in Tarnby tested its own rigs during the long winter."
    article = parse(f"{HEADLINE}\n\nMay 14, 2024\n\n{BODY}\n{closer}\n\n{after}\n")
    assert after not in reader_text(article)
    assert "first customer programmes" in reader_text(article)
