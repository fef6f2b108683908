"""The text importer's date chooser: the rules by default, a learned chooser over the same
candidates when weights are shipped (``bench/choosers.py`` writes them only when they beat the
rules in cross-validation).

Pure parser tests: no database and no Django settings.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from newscenter.importers.parsers import text_dates
from newscenter.importers.parsers.dates import DateReader
from newscenter.importers.parsers.text import page_units
from newscenter.importers.parsers.text_headline import candidates, choose
from tests.importers.test_text_page_rules import BODY, HEADLINE, day, parse

# An event's date right under the headline, the publication's date labelled further down.
PAGE = f"{HEADLINE}\n\nOpen day: 12 June 2024\n\n{BODY}\nPublished: 14 May 2024\n"
# Weights that trust a publication label and distrust a date in the page's header.
TRUST_LABELS = {"published": 4.0, "none": 1.0, "top": -2.0}


def test_without_shipped_weights_the_rules_choose(monkeypatch):
    monkeypatch.setattr(text_dates, "LEARNED_WEIGHTS", None)
    assert day(parse(f"{HEADLINE}\n\nMay 14, 2024\n\n{BODY}")) == dt.date(2024, 5, 14)


def test_learned_weights_choose_among_every_date_of_the_page(monkeypatch):
    monkeypatch.setattr(text_dates, "LEARNED_WEIGHTS", TRUST_LABELS)
    article = parse(PAGE)
    assert day(article) == dt.date(2024, 5, 14)
    assert 0.5 < article.confidence["date"] <= 1.0


def test_learned_weights_can_choose_no_date(monkeypatch):
    monkeypatch.setattr(text_dates, "LEARNED_WEIGHTS", {**TRUST_LABELS, "none": 3.0})
    assert day(parse(PAGE.replace("Published: 14 May 2024", "Thanks for reading."))) is None


def test_every_candidate_is_described_by_the_same_features():
    units = page_units(PAGE)
    choice = choose(candidates(units))
    assert choice is not None
    found = text_dates.date_candidates(units, choice.candidate, DateReader(ZoneInfo("UTC"), units))
    assert [c.pub_date.date() if c.pub_date else None for c in found] == [
        None, dt.date(2024, 6, 12), dt.date(2024, 5, 14),
    ]  # fmt: skip
    assert all(set(c.features) <= set(text_dates.FEATURES) for c in found)
    assert [c.features.get("published") for c in found] == [None, 0.0, 1.0]


@pytest.mark.parametrize(
    ("content", "loaded"),
    [
        ({"weights": {"published": 2.5}}, True),
        ({"weights": {"published": "many"}}, False),
        ({"no weights": {}}, False),
    ],
)
def test_a_weights_file_is_read_or_ignored_whole(tmp_path, monkeypatch, content, loaded):
    weights = tmp_path / "text_date_weights.json"
    weights.write_text(json.dumps(content), encoding="utf-8")
    monkeypatch.setattr(text_dates, "WEIGHTS_FILE", weights)
    read = text_dates._load_weights()
    expected = {**dict.fromkeys(text_dates.FEATURES, 0.0), "published": 2.5} if loaded else None
    assert read == expected
