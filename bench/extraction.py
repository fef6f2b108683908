"""The HTML importer's article bodies against plain trafilatura, on an extraction benchmark.

    .venv/bin/python bench/extraction.py DIR [--pages N] [--misses] [--json FILE]

DIR is a folder laid out as the public article-extraction benchmark lays itself out: saved
pages as ``html/<id>.html.gz`` (or ``.html``) and ``ground-truth.json`` mapping each id to
``{"articleBody": ...}``. Nothing of it is kept in this repository: fetch it, unpack it into a
scratch folder and name that folder here.

For each page, side by side:

- **ours**: the HTML importer's dry run of the page (the ``html`` parser, pure, exactly what
  ``newscenter import --dry-run`` previews; the gzipped file is handed over as it is, so the
  importer's own decompression is on the path): the body, after the standfirst when the page
  shows the standfirst's words (a lede moved out of the body). A standfirst taken from a
  ``<meta name="description">`` the page shows nowhere is metadata, not the page's text, and
  the benchmark's ground truth holds only the text;
- **trafilatura**: ``trafilatura.extract(html, include_comments=False)`` on the same page, as
  the benchmark's own runner calls it.

Scored as the benchmark's ``evaluate.py`` scores: each text is tokenised as ``\\w+``, cut into
4-token shingles, and per page TP/FP/FN are counted and normalised to sum to one; precision is
the mean over pages that predicted anything, recall the mean over pages whose truth has text,
F1 the harmonic mean of the two means. A refusal counts as an empty prediction, and is listed
with its reason when trafilatura found a body of real text on that page.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import lxml.etree
import lxml.html

from newscenter.importers.parsers.base import (
    ImportParseError,
    ParseOptions,
    decompressed,
)

OPTIONS = ParseOptions(time_zone="UTC")
REAL_TEXT_WORDS = 40  # what trafilatura must have found for a refusal to count as a miss
_TOKEN = re.compile(r"\w+")
_BLOCKS = ("p", "li", "td", "th", "tr", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
           "div", "br", "dt", "dd", "figcaption", "caption", "table", "ul", "ol")  # fmt: skip


# --- the benchmark's scoring (evaluate.py), as it counts -----------------------------------------


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _tokens(text)
    return Counter(
        shingle for i in range(max(1, len(tokens) - n + 1)) if (shingle := tuple(tokens[i : i + n]))
    )


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    want, got = _shingles(true), _shingles(pred)
    tp = fp = fn = 0.0
    for key in want.keys() | got.keys():
        tp += min(want[key], got[key])
        fp += max(0, got[key] - want[key])
        fn += max(0, want[key] - got[key])
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)


def metrics(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    return {"precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall)}  # fmt: skip


# --- the two extractors ------------------------------------------------------------------------


def html_text(fragment: str) -> str:
    """The words of an HTML fragment, blocks apart and inline markup joined as a reader sees."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return root.text_content()


def ours(raw: bytes, name: str, shown: str) -> tuple[str, str]:
    """The importer's text of the page (see above), and its refusal ("" when it imported)."""
    from newscenter.importers.parsers.html import parser

    try:  # opened as run.Source.open opens an input: decompressed when gzipped
        with decompressed(io.BytesIO(raw), origin=name) as stream:
            article = next(iter(parser.parse(stream, origin=name, options=OPTIONS)))
    except ImportParseError as error:
        return "", error.message
    body = html_text(article.body_html)
    standfirst = " ".join(_tokens(article.standfirst))
    if standfirst and standfirst in shown:
        return f"{article.standfirst}\n{body}", ""
    return body, ""


def shown_words(html: str) -> str:
    """The words a browser shows of a page (no scripts, styles, head), space-separated."""
    doc = lxml.html.document_fromstring(html.encode("utf-8"))
    lxml.etree.strip_elements(doc, "script", "style", "noscript", "template", with_tail=False)
    body = doc.find("body")
    return " ".join(_tokens((doc if body is None else body).text_content()))


def plain_trafilatura(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    ours: tuple[float, float, float]
    theirs: tuple[float, float, float]
    refusal: str
    their_words: int


def _html_of(raw: bytes) -> str:
    data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    return data.decode("utf-8", errors="replace")  # the benchmark's runner reads them as UTF-8


def run(folder: Path, limit: int | None) -> tuple[list[Page], dict[str, float]]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    files = {path.name.split(".")[0]: path for path in sorted((folder / "html").glob("*.htm*"))}
    missing = sorted(set(truth) - set(files))
    if missing:
        sys.exit(f"{folder}: no page for {len(missing)} ids in ground-truth.json ({missing[0]}...)")
    pages, seconds = [], {"ours": 0.0, "trafilatura": 0.0}
    for key in sorted(truth)[:limit]:
        raw = files[key].read_bytes()
        want = truth[key].get("articleBody") or ""
        html = _html_of(raw)
        shown = shown_words(html)
        began = time.perf_counter()
        text, refusal = ours(raw, files[key].name, shown)
        seconds["ours"] += time.perf_counter() - began
        began = time.perf_counter()
        theirs = plain_trafilatura(html)
        seconds["trafilatura"] += time.perf_counter() - began
        pages.append(
            Page(key, tp_fp_fn(want, text), tp_fp_fn(want, theirs), refusal, len(_tokens(theirs)))
        )
    return pages, seconds


def _print(pages: list[Page], seconds: dict[str, float], misses: bool) -> dict:
    table = {
        "ours": metrics([page.ours for page in pages]),
        "trafilatura": metrics([page.theirs for page in pages]),
    }
    refused = [page for page in pages if page.refusal]
    wrongly = [page for page in refused if page.their_words >= REAL_TEXT_WORDS]
    print(f"{len(pages)} pages, scored as the benchmark's evaluate.py (4-token shingles)\n")
    print(
        f"{'extractor':<14} {'precision':>9} {'recall':>7} {'F1':>7} {'refused':>8} {'s/page':>7}"
    )
    for name, row in table.items():
        count = len(refused) if name == "ours" else 0
        print(f"{name:<14} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>7.3f} "
              f"{count:>8} {seconds[name] / len(pages):>7.3f}")  # fmt: skip
    print(f"\nrefusals where trafilatura found {REAL_TEXT_WORDS}+ words: {len(wrongly)}")
    for page in refused:
        mark = "MISS" if page in wrongly else "ok  "
        print(f"  {mark} {page.name[:16]} (trafilatura {page.their_words} words): {page.refusal}")
    worse = sorted(
        (page for page in pages if _recall(*page.ours) < _recall(*page.theirs) - 0.05),
        key=lambda page: _recall(*page.ours) - _recall(*page.theirs),
    )
    print(f"\npages where our recall is 0.05+ below trafilatura's: {len(worse)}")
    for page in worse if misses else worse[:10]:
        ours, theirs = page.ours, page.theirs
        print(f"  {page.name[:16]} recall {_recall(*ours):.2f} vs {_recall(*theirs):.2f}"
              f"  precision {_precision(*ours):.2f} vs {_precision(*theirs):.2f}")  # fmt: skip
    return {"table": table, "refused": [(p.name, p.refusal, p.their_words) for p in refused]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages")
    parser.add_argument("--misses", action="store_true", help="every page below trafilatura")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    pages, seconds = run(args.folder, args.pages)
    result = _print(pages, seconds, args.misses)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
