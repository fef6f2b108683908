"""General rules of the text importer for kinds of page layout that the held-out real pages
showed it misreading, each shown on a page written here (the real pages stay in
``../shared/fixtures/pages``; ``bench/fidelity.py`` scores them).

Pure parser tests: no database and no Django settings.
"""

# Full-width colons below are deliberate: pages use them.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt

import pytest

from tests.importers.test_text_page_rules import (
    BODY,
    HEADLINE,
    STANDFIRST,
    assert_standfirst_and_none_of,
    day,
    parse,
    reader_text,
    refusal,
)

# --- what is never the headline --------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "Get the Ellesby Courier delivered to your inbox every weekday morning!",
        "Have the plant floor stories sent straight to your inbox",
    ],
)
def test_a_newsletter_prompt_is_neither_headline_nor_text(prompt):
    article = parse(f"Ellesby Courier\n\n{prompt}\n\n{HEADLINE}\n\nMay 14, 2024\n\n{BODY}")
    assert article.headline == HEADLINE
    first, second, third = BODY.strip().split("\n\n")
    article = parse(f"{HEADLINE}\n\nMay 14, 2024\n\n{first}\n\n{prompt}\n\n{second}\n\n{third}")
    assert prompt not in reader_text(article)
    assert third in reader_text(article)


@pytest.mark.parametrize("teaser_end", ["[…]", "[...]"])
def test_a_teaser_cut_short_is_not_the_headline(teaser_end):
    teaser = f"Marrow Gears opened a second rig hall on its Ellesby site {teaser_end}"
    article = parse(f"{teaser}\n\n{HEADLINE}\n\nMay 14, 2024\n\n{BODY}")
    assert article.headline == HEADLINE


@pytest.mark.parametrize("label", ["Time and date", "Date and time"])
def test_the_label_of_a_field_is_not_the_headline(label):
    article = parse(f"Marrow Gears\n\n{label}\n\nMay 14, 2024\n\n{HEADLINE}\n\n{BODY}")
    assert (article.headline, day(article)) == (HEADLINE, dt.date(2024, 5, 14))


# --- what is not the article's text ----------------------------------------------------------


@pytest.mark.parametrize(
    "caption",
    [
        "A crane lifts the rig's frame into the hall on Monday. (Harbour Press/Jane Roe)",
        "Workers test the first gearbox on the new rig (AP Photo/Tom Wick)",
    ],
)
def test_a_caption_credited_to_an_agency_and_photographer_is_no_standfirst(caption):
    text = f"{HEADLINE}\n\nMay 14, 2024\n\n{caption}\n\n{STANDFIRST}\n\n{BODY}"
    assert_standfirst_and_none_of(text, "crane", "Workers test")


def test_a_lone_counter_between_paragraphs_is_left_out():
    first, second, third = BODY.strip().split("\n\n")
    article = parse(f"{HEADLINE}\n\nMay 14, 2024\n\n{first}\n\n0\n\n{second}\n\n12\n\n{third}")
    text = reader_text(article)
    assert " 0 " not in text
    assert " 12 " not in text
    assert third in text


def test_a_gallery_of_numbered_image_file_names_is_left_out():
    first, second, third = BODY.strip().split("\n\n")
    gallery = "rig_hall_20240514 1\n\nrig_hall_20240514 2\n\n试验台_20240514 3"
    article = parse(f"{HEADLINE}\n\nMay 14, 2024\n\n{first}\n\n{gallery}\n\n{second}\n\n{third}")
    assert "20240514" not in reader_text(article)
    assert third in reader_text(article)


# --- dates -----------------------------------------------------------------------------------


def test_a_dotted_date_with_the_month_first_is_read_when_its_day_says_so():
    article = parse(f"{HEADLINE}\n\nPosted 05.14.2024\n\n{BODY}")
    assert day(article) == dt.date(2024, 5, 14)
    assert day(parse(f"{HEADLINE}\n\nPosted 05.04.2024\n\n{BODY}")) == dt.date(2024, 4, 5)


@pytest.mark.parametrize(
    "caption",
    [
        "This aerial photo taken on May 2, 2024 shows the rig hall on the Ellesby site.",
        "May 2, 2024 shows the walls of the rig hall nearing completion.",
    ],
)
def test_a_sentence_saying_what_a_photo_shows_is_its_caption(caption):
    first, second, third = BODY.strip().split("\n\n")
    text = f"{HEADLINE}\n\nMay 14, 2024\n\n{caption}\n\n{first}\n\n{caption}\n\n{second}\n\n{third}"
    article = parse(text)
    assert caption not in reader_text(article)
    assert reader_text(article).startswith("Marrow Gears has commissioned")


def test_a_section_heading_with_nothing_under_it_is_left_out_but_a_list_stays():
    first, second, third = BODY.strip().split("\n\n")
    text = (
        f"{HEADLINE}\n\nMay 14, 2024\n\n{first}\n\nDrawings\n\nOpen day\n\n{second}\n\n"
        f"Gearboxes\nAxles\nClutches\n\n{third}"
    )
    paragraphs = parse(text).body_html
    assert "Drawings" not in paragraphs
    assert "<p>Open day</p>" in paragraphs
    assert all(f"<p>{item}</p>" in paragraphs for item in ("Gearboxes", "Axles", "Clutches"))


FOOT_LINES = [
    "By Jane Roe | May 14, 2024",
    "Written by Jane Roe, 14.05.2024",
    "Source: Plant Floor desk | Date: 2024-05-14 | Views: 31",
    "来源：本站 时间：2024-05-14 点击：31",
    "Created on 14 May 2024 in Plant News",
]


@pytest.mark.parametrize("foot", FOOT_LINES)
def test_a_publication_label_or_dated_byline_far_from_the_headline_gives_the_date(foot):
    more = (
        "Visitors will see the rig at the open day in June, when the hall will also host a "
        "careers fair for school leavers from the town.\n\n"
    )
    text = (
        f"Marrow Gears\n\n{HEADLINE}\n\n{STANDFIRST}\n\n{BODY}\n{more * 2}{foot}\n\n"
        "Related news\n\nMay 2, 2024 Marrow Gears opens a training school\n"
    )
    article = parse(text)
    assert day(article) == dt.date(2024, 5, 14)
    assert foot not in reader_text(article)


def test_a_line_with_an_event_date_in_its_fields_gives_no_date():
    text = f"{HEADLINE}\n\n{STANDFIRST}\n\n{BODY}\nVenue: Ellesby Hall | Event date: 2024-06-20\n"
    assert day(parse(text)) is None


def test_a_date_with_its_month_name_and_dashes_is_read():
    article = parse(f"{HEADLINE}\n\nPost time: May-14-2024\n\n{BODY}")
    assert day(article) == dt.date(2024, 5, 14)
    assert "Post time" not in reader_text(article)


@pytest.mark.parametrize("widget", ["WhatsApp Online Chat !", "Chat icon Chat with us live"])
def test_a_chat_widget_is_neither_headline_nor_text(widget):
    first, second, third = BODY.strip().split("\n\n")
    text = f"{widget}\n\n{HEADLINE}\n\nMay 14, 2024\n\n{first}\n\n{widget}\n\n{second}\n\n{third}"
    article = parse(text)
    assert article.headline == HEADLINE
    assert widget not in reader_text(article)


def test_a_teaser_cut_short_under_the_headline_is_not_the_standfirst():
    teaser = "Gearbox testing is what the plant floor team does best, and now it can do more […]"
    article = parse(f"{HEADLINE}\n\nMay 14, 2024\n\n{teaser}\n\n{STANDFIRST}\n\n{BODY}")
    assert article.standfirst == STANDFIRST
    assert "plant floor team" not in reader_text(article)


# --- headline and deck -----------------------------------------------------------------------

DECK_PAGES = [
    ("Good news for the gearbox test hall!", "Second rig approved after a long wait!"),
    (
        "Marrow Gears doubles its gearbox test capacity",
        "The company says the new rig will shorten the queue for customers, say engineers",
    ),
]


@pytest.mark.parametrize(("headline", "deck"), DECK_PAGES)
@pytest.mark.parametrize("layout", ["Marrow Gears\n\n{}\n{}\n\n", "{}\n{}\n\nBy Jane Roe\n\n"])
def test_a_deck_under_the_headline_is_the_standfirst_not_the_headline(headline, deck, layout):
    article = parse(layout.format(headline, deck) + BODY)
    assert (article.headline, article.standfirst) == (headline, deck)
    assert article.confidence["headline"] <= 0.7


def test_a_deck_with_the_date_under_it_needs_the_headline_to_share_the_text_words():
    headline, deck = DECK_PAGES[1]
    article = parse(f"Marrow Gears\n\n{headline}\n{deck}\n\nMay 14, 2024\n\n{BODY}")
    assert (article.headline, article.standfirst) == (headline, deck)
    tagline = "Precise gearing for mills and presses since 1921"
    article = parse(f"Marrow Gears\n\n{tagline}\n{deck}\n\nMay 14, 2024\n\n{BODY}")
    assert article.headline == deck


def test_a_short_section_label_over_a_sentence_case_headline_is_still_a_label():
    headline = "Bridge on Mill Lane to reopen after two months of repairs"
    article = parse(f"Wyvern Gazette\n\nLocal news\n{headline}\n\nMay 14, 2024\n\n{BODY}")
    assert article.headline == headline


# --- letters and links -----------------------------------------------------------------------


@pytest.mark.parametrize("salutation", ["Dear valued customers,", "Hello everyone!"])
def test_a_letter_starts_at_its_salutation(salutation):
    notice = (
        "Please note that our office and warehouse will be closed from 1 to 3 May for the "
        "spring holiday.\n\nOrders placed during the holiday will be shipped on 4 May.\n"
    )
    article = parse(f"Spring holiday notice\n\nApril 20, 2024\n\n{salutation}\n{notice}")
    assert article.headline == "Spring holiday notice"
    assert article.standfirst == salutation
    assert "Please note that our office" in reader_text(article)


def test_a_link_asking_to_click_is_not_the_headline():
    link = "If you come to the open day by train please click here to plan your journey"
    article = parse(f"Marrow Gears\n\n{HEADLINE}\n\n{link}\n\n{BODY}")
    assert article.headline == HEADLINE


@pytest.mark.parametrize(
    "reference",
    [
        'Summary of "Gear makers add test rigs across the region"',
        "Also read: “Marrow Gears opens a training school”",
        "Adapted from 'The rig hall at night'",
    ],
)
def test_a_reference_to_another_piece_by_its_quoted_title_is_not_text(reference):
    first, second, third = BODY.strip().split("\n\n")
    text = f"{HEADLINE}\n\nMay 14, 2024\n\n{first}\n\n{reference}\n{second}\n\n{third}"
    article = parse(text)
    assert reference not in reader_text(article)
    assert second in reader_text(article)


# --- what is not an article ------------------------------------------------------------------

TEMPLATE_STEPS = (
    "Second paragraph: quote the person who leads the work, in a sentence or two, and say why "
    "the news matters to your customers and to the town.\n\n"
    "Closing paragraphs: for the rest of the release, tell the story of your company and how "
    "long it has worked on this. Give the reader some history if you have it.\n"
)


@pytest.mark.parametrize("title", ["Plant Opening Announcement Sample", "Sample press release"])
def test_a_press_release_template_is_refused_as_a_template(title):
    text = f"{title}\n\n3 March 1990\n\n{HEADLINE}\n\n{BODY}\n{TEMPLATE_STEPS}"
    assert "template of a press release" in refusal(text)


def test_a_headline_ending_in_sample_over_an_article_is_imported():
    headline = "Marrow Gears tests its ten-thousandth oil sample"
    advice = "Engineers say the lab can now check your company's oil within a day of its arrival.\n"
    article = parse(f"{headline}\n\nMay 14, 2024\n\n{BODY}\n{advice}")
    assert article.headline == headline
    assert day(article) == dt.date(2024, 5, 14)


def test_steps_for_the_writer_without_a_template_title_do_not_refuse():
    article = parse(f"{HEADLINE}\n\nMay 14, 2024\n\n{BODY}\n{TEMPLATE_STEPS}")
    assert article.headline == HEADLINE
