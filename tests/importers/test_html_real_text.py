"""The HTML importer keeps what real pages say: short-form pages, gzipped pages, bombs refused.

The pages here are written for these tests, shaped like the kinds the extraction benchmark
(bench/extraction.py) showed the importer refusing while trafilatura found their text.
"""

import contextlib
import gzip
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from newscenter.importers.parsers.base import ImportParseError, ParseOptions, decompressed
from newscenter.importers.parsers.html import parser

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Harbour Valley Gazette</title></head><body>
<header><nav><a href="/">Home</a> <a href="/sport">Sport</a> <a href="/news">News</a></nav></header>
<main><article><h1>{title}</h1><p class="date">March 3, 2024</p>{body}</article></main>
<footer><p>© Harbour Valley Gazette</p><a href="/privacy">Privacy</a></footer></body></html>"""

DRIVERS = ["Ada Berg", "Ben Ortiz", "Cleo Marsh", "Dan Holt", "Eva Lund", "Finn Roy",
           "Gia Noor", "Hal Stone", "Ida Crane", "Jon Pike", "Kai Wren", "Lea Frost"]  # fmt: skip
STANDINGS = PAGE.format(
    title="Regional karting standings after round six",
    body="<p>The standings after round six of the regional karting series.</p>"
    "<table><tr><th>Pos.</th><th>Driver</th><th>Points</th><th>Wins</th></tr>"
    + "".join(
        f"<tr><td>{n}</td><td>{name}</td><td>{300 - 17 * n}</td><td>{max(0, 4 - n)}</td></tr>"
        for n, name in enumerate(DRIVERS, 1)
    )
    + "</table>",
)
RESULTS = PAGE.format(
    title="Harbour Valley swimmers win four county titles",
    body="".join(
        f"<p>{sentence}</p>"
        for sentence in [
            "Harbour Valley junior Mia Lowe won the 200 yard medley county title on Saturday.",
            "Tom Ekholm finished second in the 50 yard freestyle with a personal best.",
            "In the 100 yard backstroke, Sara Quist was beaten to first place by half a second.",
            "The relay team of Lowe, Quist, Ekholm and Park set a new club record.",
            "Coach Ruth Ames said the squad had trained twice a day since January.",
            "The state meet takes place in Millbrook at the end of the month.",
        ]
    ),
)
LISTING = PAGE.format(
    title="News",
    body="".join(
        f"<p>March {day}, 2024</p><h2><a href='/news/{day}'>Harbour works update {day}</a></h2>"
        f"<p>Short teaser about the works on the harbour front, part {day}.</p>"
        for day in range(1, 9)
    ),
)


def parse(page: str):
    return next(iter(parser.parse(page.encode(), origin="page.html", options=ParseOptions())))


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_standings_table_is_imported_with_its_rows():
    article = parse(STANDINGS)
    text = text_of(article.body_html)
    assert article.headline == "Regional karting standings after round six"
    assert "<table>" in article.body_html
    for name in DRIVERS:
        assert name in text


def test_results_in_short_sentences_are_imported():
    article = parse(RESULTS)
    text = text_of(article.body_html)
    assert "Mia Lowe won the 200 yard medley county title" in text
    assert "at the end of the month." in text
    assert "Privacy" not in text


def test_a_listing_of_dated_teasers_is_still_refused():
    with pytest.raises(ImportParseError, match="is this a listing or a home page"):
        parse(LISTING)


def test_a_description_cut_from_the_lede_is_not_read_twice():
    lede = (
        "The harbour board approved the new ferry terminal on Tuesday — after two years of "
        "planning — and building starts in the spring. " + "The terminal has four berths. " * 3
    )
    more = "The old pier closes in May, and the ferries move to the new berths in the autumn. " * 2
    page = PAGE.format(title="Ferry terminal approved", body=f"<p>{lede}</p><p>{more}</p>")
    described = page.replace(
        "<meta charset",
        '<meta name="description" content="The harbour board approved the new ferry terminal '
        'on Tuesday - after two years of planning - and building st..."><meta charset',
    )
    article = parse(described)
    assert article.standfirst == ""
    assert text_of(article.body_html).startswith("The harbour board approved")


# --- gzipped input through the command line ------------------------------------------------------


def dry_run(path) -> dict:
    out = io.StringIO()
    with contextlib.suppress(CommandError):  # failed sources: the JSON is written before
        call_command("import", str(path), "--dry-run", "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["results.html.gz", "results.gz", "results"])
def test_a_gzipped_page_is_read_decompressed(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(gzip.compress(RESULTS.encode()))
    data = dry_run(path)
    assert data["errors"] == []
    [article] = data["articles"]
    assert article["headline"] == "Harbour Valley swimmers win four county titles"
    assert "Mia Lowe won the 200 yard medley" in text_of(article["body_html"])


@pytest.mark.django_db
def test_a_folder_takes_gzipped_pages(tmp_path):
    (tmp_path / "results.html.gz").write_bytes(gzip.compress(RESULTS.encode()))
    (tmp_path / "standings.html").write_text(STANDINGS, encoding="utf-8")
    data = dry_run(tmp_path)
    assert data["errors"] == []
    assert len(data["articles"]) == 2


@pytest.mark.django_db
def test_a_gzip_bomb_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "bomb.html.gz"  # 8 MB of markup in about 30 KB
    path.write_bytes(gzip.compress(b"<html><body>" + b"<p>a</p>" * 1_000_000))
    data = dry_run(path)
    assert data["articles"] == []
    [error] = data["errors"]
    assert error["item"] == str(path)
    assert error["message"].startswith("the gzip file unpacks to more than 100 times its size")
    assert "compression bomb" in error["message"]


@pytest.mark.django_db
def test_a_gzipped_page_over_the_page_cap_is_refused_once_decompressed(tmp_path):
    path = tmp_path / "long.html.gz"  # 6 MB of varied markup compresses about 4 times
    words = " ".join(f"w{n * 7919 % 100_003}" for n in range(800_000))
    path.write_bytes(gzip.compress(f"<html><body><p>{words}</p>".encode()))
    [error] = dry_run(path)["errors"]
    assert error["message"] == (
        "larger than the limit of 5,242,880 bytes once decompressed: refused as a compression "
        "bomb would be"
    )


def test_a_stream_unpacking_far_beyond_its_size_is_cut_off():
    """Formats that stream (WordPress exports) are stopped by the ratio, not a page cap."""
    stream = decompressed(io.BytesIO(gzip.compress(b"\0" * 20_000_000)), origin="export.xml.gz")
    with pytest.raises(ImportParseError, match="unpacks to more than 100 times its size") as err:
        stream.read()
    assert err.value.where == "export.xml.gz"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (gzip.compress(RESULTS.encode())[:200], "the gzip data is truncated"),
        (b"\x1f\x8b\x08\x00" + b"\xff" * 200, "the gzip data is damaged"),
    ],
)
def test_broken_gzip_is_refused_with_a_clear_message(tmp_path, data, message):
    path = tmp_path / "page.html.gz"
    path.write_bytes(data)
    [error] = dry_run(path)["errors"]
    assert message in error["message"]


PIER = [
    "The harbour board met on Tuesday evening to decide the future of the old ferry pier, which "
    "has been closed since the storms of last winter damaged its timber deck.",
    "Members heard from engineers who surveyed the pier in the spring and found that most of "
    "the piles are sound, though the deck and the railings must be replaced.",
    "Repairs will cost about two hundred thousand pounds.",
    "Work could start in the autumn if the council agrees its share at its next meeting in "
    "September, the board's chair said after the vote.",
    "A public meeting about the plans will be held in the harbour hall next month, and "
    "residents can send their views to the board by letter or e-mail before then.",
]
SURVEY = "https://harbour-valley.example/board/survey.html"


def test_a_link_line_inside_the_article_that_favor_precision_drops_is_kept():
    inner = f'<p><a href="{SURVEY}">{SURVEY}</a></p>'  # the precise run leaves it out
    body = "".join(f"<p>{p}</p>" for p in PIER[:3]) + inner
    body += "".join(f"<p>{p}</p>" for p in PIER[3:])
    article = parse(
        PAGE.format(title="Harbour board backs repairs to the old ferry pier", body=body)
    )
    assert SURVEY in article.body_html
    assert all(paragraph in article.body_html for paragraph in PIER)
