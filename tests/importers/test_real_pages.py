"""The text importer on real pages from other sites (``../shared/fixtures/pages``, read from
there, never copied here): refusals say why and can be overridden, every field carries a
confidence, and the scores of ``bench/fidelity.py`` do not fall back.

Pure parser tests: no database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from newscenter.importers.parsers.base import ImportedArticle, ImportParseError, ParseOptions
from newscenter.importers.parsers.text import parser

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT.parent / "shared" / "fixtures" / "pages"
FIELDS = {"headline", "date", "standfirst", "body", "article"}
# What bench/fidelity.py scored when this was written (all 80 pages); a change that loses
# ground on the real pages fails here, one that gains should raise these.
FLOOR = {
    "kind": 76, "title": 57, "date": 58, "standfirst": 55, "body_first": 61, "body_last": 64,
    "chrome": 55,
}  # fmt: skip


def _pages() -> list[Path]:
    return sorted(PAGES.glob("*.txt")) if PAGES.is_dir() else []


needs_pages = pytest.mark.skipif(
    not _pages(), reason=f"the real pages are not available at {PAGES}"
)


def _annotation(page: Path) -> dict:
    return json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))


def _parse(page: Path, *, force: bool = False) -> ImportedArticle:
    options = ParseOptions(time_zone="UTC", force=force)
    [article] = parser.parse(page.read_bytes(), origin=page.name, options=options)
    return article


def _refusal(page: Path) -> ImportParseError | None:
    try:
        _parse(page)
    except ImportParseError as refused:
        return refused
    return None


@needs_pages
@pytest.mark.parametrize("page", _pages(), ids=lambda path: path.stem)
def test_a_real_page_is_imported_with_confidences_or_refused_with_a_reason(page):
    refusal = _refusal(page)
    if refusal is not None:
        assert refusal.where == page.name
        reason = refusal.message.removeprefix("not an article: ")
        assert reason != refusal.message
        assert len(reason.split()) >= 4
        # The editor may import it anyway: then the article says what the importer doubted.
        forced = _parse(page, force=True)
        assert forced.headline
        assert any(note.startswith("imported although ") for note in forced.notes)
        assert forced.confidence["article"] < 0.5
        return
    article = _parse(page)
    assert set(article.confidence) == FIELDS
    assert all(0.0 <= value <= 1.0 for value in article.confidence.values())
    assert article.confidence["article"] > 0.5


@needs_pages
def test_the_fidelity_scores_do_not_fall_back():
    sys.path.insert(0, str(ROOT / "bench"))
    import fidelity

    shares = fidelity.shares(fidelity.score_folder(PAGES))
    fallen = {name: shares[name] for name, floor in FLOOR.items() if shares[name][0] < floor}
    assert fallen == {}
