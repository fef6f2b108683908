"""How much of what real pages say the text importer gets right, field by field.

    .venv/bin/python bench/fidelity.py ../shared/fixtures/pages [--misses] [--json]

Reads every ``NNN.txt`` with its ``NNN.json`` annotation (the schema is in the folder's
README.md), runs the text parser on it exactly as ``newscenter import --dry-run`` does (the
parser is pure: the dry run adds nothing to what it returns), and prints, per field, the share
right on the *tuning* part and on the *held-out* part of the folder. The split is fixed here, by
a hash of the file name, so that nobody tunes on the held-out pages by accident; add pages and
each lands on its side without moving the others.

Right means, after whitespace is collapsed and tags stripped:

- kind: an article imported, a not_article refused with a message;
- title: the headline equal to ``title`` (pages whose headline was not captured are left out);
- date: the day equal to ``date``, or no date when ``date`` is null;
- standfirst: equal when the page has one; when it has none, no standfirst or one that is the
  body's first paragraph (it starts with ``body_first``);
- body_first: the reader's text (standfirst, then body) has ``body_first`` within its first
  400 characters past the expected standfirst;
- body_last: the reader's text contains ``body_last``;
- chrome: none of ``chrome_examples`` inside the reader's text.

A refused article is wrong on every field it has.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import contextlib

from newscenter.importers.parsers import text_headline
from newscenter.importers.parsers.base import (
    ImportedArticle,
    ImportParseError,
    ParseOptions,
)
from newscenter.importers.parsers.text import parser

FIELDS = ("kind", "title", "date", "standfirst", "body_first", "body_last", "chrome")
HELD_OUT_SHARE = 40  # percent of the pages, by hash of the file name
BODY_START_SLACK = 400
TARGETS = {
    "kind": 0.90, "title": 0.95, "date": 0.95, "standfirst": 0.80,
    "body_first": 0.90, "body_last": 0.90, "chrome": 0.90,
}  # fmt: skip


def held_out(name: str) -> bool:
    """The fixed split: a page is held out when the hash of its file stem says so."""
    digest = hashlib.sha256(Path(name).stem.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_SHARE


def squash(text: str | None) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text or ""))
    return " ".join(text.split())


@dataclass
class PageResult:
    name: str
    held_out: bool
    right: dict[str, bool] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)


def parse_page(text_path: Path) -> ImportedArticle | ImportParseError:
    try:
        return next(
            iter(parser.parse(text_path.read_bytes(), origin=text_path.name, options=OPTIONS))
        )
    except ImportParseError as error:
        return error


OPTIONS = ParseOptions(time_zone="UTC")


def score_page(text_path: Path, expected: dict) -> PageResult:
    result = PageResult(text_path.name, held_out(text_path.name))
    outcome = parse_page(text_path)
    refused = isinstance(outcome, ImportParseError)
    if expected["kind"] != "article":
        ok = refused and bool(str(outcome.message).strip()) if refused else False
        _mark(result, "kind", ok, "" if ok else f"imported as {_headline(outcome)!r}")
        return result
    if refused:
        for name in FIELDS:
            if name != "title" or expected.get("title"):
                _mark(result, name, False, f"refused: {outcome.message}")
        return result
    assert isinstance(outcome, ImportedArticle)
    result.confidence = dict(getattr(outcome, "confidence", {}) or {})
    _mark(result, "kind", True)
    _score_article(result, outcome, expected)
    return result


def _score_article(result: PageResult, article: ImportedArticle, expected: dict) -> None:
    headline, standfirst = squash(article.headline), squash(article.standfirst)
    body = squash(article.body_html)
    reader = f"{standfirst} {body}".strip()
    if expected.get("title"):
        title = squash(expected["title"])
        _mark(result, "title", headline == title, f"got {headline!r}, want {title!r}")
    got_day = article.pub_date.date().isoformat() if article.pub_date else None
    _mark(
        result,
        "date",
        got_day == expected.get("date"),
        f"got {got_day}, want {expected.get('date')}",
    )
    first, last = squash(expected["body_first"]), squash(expected["body_last"])
    want_standfirst = squash(expected.get("standfirst"))
    if want_standfirst:
        ok = standfirst == want_standfirst
    else:
        ok = not standfirst or standfirst.startswith(first[:80])
    _mark(result, "standfirst", ok, f"got {standfirst[:120]!r}, want {want_standfirst[:120]!r}")
    at = reader.find(first)
    limit = len(want_standfirst) + BODY_START_SLACK
    _mark(result, "body_first", 0 <= at <= limit, f"at {at}; reader starts {reader[:120]!r}")
    _mark(result, "body_last", last in reader, f"reader ends {reader[-120:]!r}")
    chrome = [line for line in map(squash, expected.get("chrome_examples") or []) if line in reader]
    _mark(result, "chrome", not chrome, f"kept {chrome[:2]!r}")


def _headline(outcome: object) -> str:
    return getattr(outcome, "headline", "")


def _mark(result: PageResult, name: str, ok: bool, why: str = "") -> None:
    result.right[name] = ok
    if not ok:
        result.why[name] = why


def parse_speed(folder: Path, rounds: int = 5) -> float:
    """Pages parsed per second (refusals included), each round with the line caches emptied
    first, so that no page is read faster for having been read before."""
    return parse_speeds(folder, rounds)[0]


def parse_speeds(folder: Path, rounds: int = 5) -> tuple[float, float]:
    """Pages per second by the wall clock and by this process's CPU time: on a machine shared
    with other work the second is the fairer figure of what the parser costs."""
    pages = [path.read_bytes() for path in sorted(folder.glob("*.txt"))]
    wall = cpu = 0.0
    for _ in range(rounds):
        for cached in _line_caches():
            cached.cache_clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        for data in pages:
            with contextlib.suppress(ImportParseError):
                list(parser.parse(data, origin="speed", options=OPTIONS))
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
    return rounds * len(pages) / wall, rounds * len(pages) / max(cpu, 1e-9)


def _line_caches() -> list:
    from newscenter.importers.parsers import dates, lines

    modules = (dates, lines, text_headline)
    return [
        value
        for module in modules
        for value in vars(module).values()
        if callable(getattr(value, "cache_clear", None))
    ]


def score_folder(folder: Path) -> list[PageResult]:
    results = []
    for text_path in sorted(folder.glob("*.txt")):
        annotation = text_path.with_suffix(".json")
        if annotation.exists():
            expected = json.loads(annotation.read_text(encoding="utf-8"))
            results.append(score_page(text_path, expected))
    return results


def shares(results: list[PageResult]) -> dict[str, tuple[int, int]]:
    """Per field: (right, counted)."""
    table = {}
    for name in FIELDS:
        counted = [r.right[name] for r in results if name in r.right]
        table[name] = (sum(counted), len(counted))
    return table


def _cell(right: int, counted: int) -> str:
    return f"{right}/{counted} {100 * right / counted:5.1f}%" if counted else "-"


def print_table(results: list[PageResult], *, tuning_only: bool = False) -> None:
    parts = {
        "tuning": [r for r in results if not r.held_out],
        "held-out": [r for r in results if r.held_out],
        "all": results,
    }
    if tuning_only:
        parts = {"tuning": parts["tuning"]}
    figures = {part: shares(rows) for part, rows in parts.items()}
    print(f"{'field':<12}" + "".join(f"{f'{p} ({len(parts[p])})':>18}" for p in parts) + "  target")
    for name in FIELDS:
        cells = "".join(f"{_cell(*figures[p][name]):>18}" for p in parts)
        print(f"{name:<12}{cells}  {TARGETS[name]:.0%}")


def print_misses(results: list[PageResult]) -> None:
    for result in results:
        for name, why in result.why.items():
            part = "held-out" if result.held_out else "tuning"
            print(f"{result.name:<9} {part:<8} {name:<11} {why}")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("folder", type=Path)
    arguments.add_argument("--misses", action="store_true", help="list every miss")
    arguments.add_argument("--held-out-misses", action="store_true", help="list them there too")
    arguments.add_argument("--json", action="store_true", help="per-page results as JSON")
    arguments.add_argument(
        "--tuning-only",
        action="store_true",
        help="score the tuning part alone, so that the held-out part stays unseen while tuning",
    )
    arguments.add_argument(
        "--hand", action="store_true", help="choose headlines by the hand-written weights"
    )
    args = arguments.parse_args()
    if args.hand:
        text_headline.LEARNED_WEIGHTS = text_headline.HAND_WEIGHTS
    if not args.folder.is_dir():
        sys.exit(f"{args.folder}: not a folder of NNN.txt and NNN.json pairs")
    results = score_folder(args.folder)
    if args.tuning_only:
        results = [r for r in results if not r.held_out]
    if not results:
        sys.exit(f"{args.folder}: no NNN.txt with an NNN.json annotation")
    if args.json:
        print(json.dumps([r.__dict__ for r in results], ensure_ascii=False, indent=1))
        return
    print_table(results, tuning_only=args.tuning_only)
    wall, cpu = parse_speeds(args.folder)
    print(f"\nparse speed: {wall:,.0f} pages/s by the clock, {cpu:,.0f} by CPU time (target 1,000)")
    if args.misses or args.held_out_misses:
        print()
        shown = results if args.held_out_misses else [r for r in results if not r.held_out]
        print_misses(shown)


if __name__ == "__main__":
    main()
