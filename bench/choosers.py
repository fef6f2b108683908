"""Learned against hand-written choosers for the text importer's date, kind and headline,
cross-validated over every annotated real page.

    .venv/bin/python bench/choosers.py ../shared/fixtures/pages [--folds 10] [--l2 1.0]
                                        [--write-date]

The held-out part of ``bench/fidelity.py`` has informed the rules (its misses were read while
writing them), so its figure overstates accuracy on unseen pages. Here every page is held out
once: the pages (sorted by name) are dealt into ``--folds`` folds; each fold's pages are scored
by a model fitted on the other folds' pages alone, and by the rules, which have no training
(their score on a fold is their accuracy there; they were written looking at these pages, so
theirs is the kinder figure).

- **date**: a conditional logit over the dates each page prints and "no date"
  (``text_dates.date_candidates``: features of each candidate); scored exactly as
  ``fidelity.py`` scores the date (the whole parser run, the day compared), on article pages.
- **kind**: a logistic regression over page-level features (prose, dates, listing and form
  signals, how sure the headline is); article or not, against the rules' refusals.
- **title**: the headline chooser (``text_headline``), learned already: fitted per fold (with
  the test pages written here, as ``headline_model.py`` fits it) against the hand weights; then
  the shipped weights, fitted on the tuning part, on each part.

Both are fitted by Newton's method on the log-likelihood with an L2 penalty (no library: the
problems are a few dozen weights). ``--write-date`` fits the date chooser on every page and
writes ``text_date_weights.json`` next to the parser, which then uses it.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import fidelity
import headline_model
from newscenter.importers.parsers import text, text_dates, text_headline
from newscenter.importers.parsers.dates import DateReader
from newscenter.importers.parsers.lines import decode, normalise
from newscenter.importers.parsers.text_headline import candidates, choose, headline_over_deck

L2 = 1.0
UTC = ZoneInfo("UTC")
NEWTON_STEPS = 30

# A page's choice: each option's feature vector, and which options are right.
Options = list[list[float]]


@dataclass
class Page:
    path: Path
    expected: dict
    units: list[str]

    @property
    def is_article(self) -> bool:
        return self.expected["kind"] == "article"


def load(folder: Path) -> list[Page]:
    pages = []
    for path in sorted(folder.glob("*.txt")):
        annotation = path.with_suffix(".json")
        if annotation.exists():
            units = text.page_units(normalise(decode(path.read_bytes()) or ""))
            pages.append(Page(path, json.loads(annotation.read_text(encoding="utf-8")), units))
    return pages


# --- fitting -------------------------------------------------------------------------------


def fit(problems: Sequence[tuple[Options, set[int]]], size: int, l2: float) -> list[float]:
    """Weights maximising sum(log p(right options)) - l2/2 |w|^2, with p a softmax over each
    problem's options; several right options share the target equally (a concave objective:
    Newton's method converges in a few steps)."""
    weights = [0.0] * size
    for _ in range(NEWTON_STEPS):
        gradient = [-l2 * w for w in weights]
        hessian = [[l2 if i == j else 0.0 for j in range(size)] for i in range(size)]
        for options, right in problems:
            shares = _softmax([_dot(weights, x) for x in options])
            mean = [
                sum(p * x[i] for p, x in zip(shares, options, strict=True)) for i in range(size)
            ]
            for index in right:
                for i in range(size):
                    gradient[i] += (options[index][i] - mean[i]) / len(right)
            for p, x in zip(shares, options, strict=True):
                if p < 1e-12:
                    continue
                centred = [x[i] - mean[i] for i in range(size)]
                for i in range(size):
                    if centred[i]:
                        row, ci = hessian[i], p * centred[i]
                        for j in range(size):
                            row[j] += ci * centred[j]
        step = _solve(hessian, gradient)
        weights = [w + s for w, s in zip(weights, step, strict=True)]
        if max(map(abs, step)) < 1e-6:
            break
    return weights


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    shares = [math.exp(s - top) for s in scores]
    total = sum(shares)
    return [s / total for s in shares]


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the matrix is positive definite)."""
    size = len(vector)
    rows = [[*row, value] for row, value in zip(matrix, vector, strict=True)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(col + 1, size):
            factor = rows[r][col] / rows[col][col]
            if factor:
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    solution = [0.0] * size
    for r in range(size - 1, -1, -1):
        tail = sum(rows[r][c] * solution[c] for c in range(r + 1, size))
        solution[r] = (rows[r][size] - tail) / rows[r][r]
    return solution


# --- the date chooser ----------------------------------------------------------------------


def top_candidate(units: list[str]):
    """The headline the parser chooses (as ``text.read_top`` does), or None."""
    found_all = candidates(units)
    choice = choose(found_all)
    if choice is None:
        return None
    return headline_over_deck(found_all, choice.candidate, units) or choice.candidate


def date_problem(page: Page, names: Sequence[str]) -> tuple[Options, set[int]] | None:
    """The page's date candidates as vectors and the right ones; None when the parser finds
    no headline or the right day is not among the candidates (nothing to learn there)."""
    found = top_candidate(page.units)
    if found is None:
        return None
    reader = DateReader(UTC, page.units)
    options = text_dates.date_candidates(page.units, found, reader)
    want = page.expected.get("date")
    right = {
        index
        for index, option in enumerate(options)
        if (option.pub_date.date().isoformat() if option.pub_date else None) == want
    }
    if not right:
        return None
    vectors = [[option.features.get(name, 0.0) for name in names] for option in options]
    return vectors, right


def date_right(pages: list[Page], weights: dict[str, float] | None) -> dict[Path, bool]:
    """Whether the date is right, per article page, the whole parser run as ``fidelity.py``
    runs it."""
    text_dates.LEARNED_WEIGHTS = weights
    return {
        page.path: fidelity.score_page(page.path, page.expected).right.get("date", False)
        for page in pages
        if page.is_article
    }


PURE = tuple(name for name in text_dates.FEATURES if name != "rule_pick")
STACKED = text_dates.FEATURES  # the rules' own pick as one more feature
L2_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)


def fit_dates(pages: list[Page], l2: float | None, names: Sequence[str]) -> dict[str, float]:
    """Weights fitted on ``pages``; with ``l2`` None the penalty is chosen first by a 5-fold
    run inside ``pages`` alone (nested), so that choosing it does not peek at the test fold."""
    problems = {page.path: date_problem(page, names) for page in pages if page.is_article}
    if l2 is None:
        l2 = max(L2_GRID, key=lambda penalty: _inner_score(pages, problems, penalty))
    weights = fit([p for p in problems.values() if p], len(names), l2)
    return {**dict.fromkeys(text_dates.FEATURES, 0.0), **dict(zip(names, weights, strict=True))}


def _inner_score(pages: list[Page], problems: dict, l2: float, folds: int = 5) -> int:
    """Pages whose top-scored candidate is right, 5-fold within ``pages``."""
    right = 0
    for test in folds_of(pages, folds):
        train = [problems[p.path] for p in pages if p not in test and problems.get(p.path)]
        weights = fit(train, len(train[0][0][0]), l2)
        for page in test:
            if problem := problems.get(page.path):
                options, answers = problem
                scores = [_dot(weights, x) for x in options]
                right += max(range(len(scores)), key=scores.__getitem__) in answers
    return right


# --- the kind chooser ----------------------------------------------------------------------

KIND_FEATURES = (
    "bias", "listing", "no_prose", "no_headline", "forms_heavy", "no_prose_under",
    "thin_undated", "prose_under", "prose_share", "forms_ratio", "dated", "date_lines",
    "headline_sure", "teasers", "title_share", "sentences", "headline_words",
)  # fmt: skip


_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f](?:\s|$)")  # and the full-width ones


def kind_features(page: Page) -> list[float]:
    units = page.units
    reader = DateReader(UTC, units)
    top = text.read_top(units, reader)
    content = text.article_units(units, top) if top else []
    prose = sum(text.is_prose(u) for u in content)
    forms = text._form_lines(content)
    sentences = sum(len(_SENTENCE_END.findall(u)) for u in content)
    values = {
        "bias": 1.0,
        "listing": float(text.listing_reason(units) is not None),
        "no_prose": float(not any(text.is_prose(u) for u in units)),
        "no_headline": float(top is None),
        "forms_heavy": float(forms >= 3 and forms >= prose),
        "no_prose_under": float(top is not None and prose == 0),
        "thin_undated": float(top is not None and top.pub_date is None and prose < 2),
        "prose_under": min(prose, 10) / 10,
        "prose_share": sum(text.is_prose(u) for u in units) / max(len(units), 1),
        "forms_ratio": min(forms / (prose + 1), 3) / 3,
        "dated": float(top is not None and top.pub_date is not None),
        "date_lines": min(sum(text.date_line(u) is not None for u in units), 10) / 10,
        "headline_sure": top.confidence["headline"] if top else 0.0,
        "teasers": min(text._teaser_blocks(units), 5) / 5,
        "title_share": sum(text.title_shaped(u) for u in units) / max(len(units), 1),
        "sentences": min(sentences, 20) / 20,
        "headline_words": min(len(top.headline.split()), 15) / 15 if top else 0.0,
    }
    return [values[name] for name in KIND_FEATURES]


def kind_problem(page: Page, vector: list[float]) -> tuple[Options, set[int]]:
    """Two options, article (the page's vector) or not (zeros): a plain logistic regression."""
    return [vector, [0.0] * len(vector)], {0 if page.is_article else 1}


def rule_kind_right(page: Page) -> bool:
    return fidelity.score_page(page.path, page.expected).right["kind"]


# --- the headline chooser (learned already: its weights, fitted on the tuning part, ship) ----


def headline_problem(page: Page) -> tuple[Options, set[int]] | None:
    title = fidelity.squash(page.expected.get("title"))
    if not page.is_article or not title:
        return None
    found = candidates(page.units)
    right = {at for at, candidate in enumerate(found) if fidelity.squash(candidate.text) == title}
    if not right:
        return None
    return [[c.features.get(name, 0.0) for name in text_headline.FEATURES] for c in found], right


def own_headline_problems() -> list[tuple[Options, set[int]]]:
    """The test pages written here and the seed page, on which the shipped weights were
    fitted too."""
    return [
        (
            [[features.get(name, 0.0) for name in text_headline.FEATURES] for features in page],
            {right},
        )
        for page, right in headline_model.own_pages()
    ]


def title_right(pages: list[Page], weights: dict[str, float]) -> dict[Path, bool]:
    """Whether the headline is right, per page with an annotated title, as ``fidelity.py``
    scores it."""
    text_headline.LEARNED_WEIGHTS = weights
    scored = {page.path: fidelity.score_page(page.path, page.expected) for page in pages}
    return {
        path: result.right["title"] for path, result in scored.items() if "title" in result.right
    }


# --- cross-validation ----------------------------------------------------------------------


def folds_of(pages: list[Page], folds: int) -> list[list[Page]]:
    return [pages[fold::folds] for fold in range(folds)]


def cross_validate(
    name: str,
    pages: list[Page],
    folds: int,
    learned: Callable[[list[Page], list[Page]], dict[Path, bool]],
    rules: Callable[[list[Page]], dict[Path, bool]],
) -> None:
    """Per fold, then per part of ``fidelity.py``'s split: rules and learned right, each page
    scored by a model fitted without it. Then the issue's own comparison: fitted on the tuning
    part alone, scored on the held-out part."""
    print(f"\n{name}: {folds}-fold over every annotated page")
    print(f"{'fold':>9} {'pages':>6} {'rules':>6} {'learned':>8}")
    by_rules: dict[Path, bool] = {}
    by_learned: dict[Path, bool] = {}
    for fold, test in enumerate(folds_of(pages, folds)):
        got_rules, got_learned = rules(test), learned([p for p in pages if p not in test], test)
        by_rules |= got_rules
        by_learned |= got_learned
        print(f"{fold:>9} {len(got_rules):>6} {sum(got_rules.values()):>6} "
              f"{sum(got_learned.values()):>8}")  # fmt: skip
    parts = {
        "tuning": [
            p.path for p in pages if p.path in by_rules and not fidelity.held_out(p.path.name)
        ],
        "held-out": [
            p.path for p in pages if p.path in by_rules and fidelity.held_out(p.path.name)
        ],
        "all": list(by_rules),
    }
    for part, paths in parts.items():
        ruled, learnt = sum(by_rules[p] for p in paths), sum(by_learned[p] for p in paths)
        shares = f"rules {_share(ruled, len(paths))}, learned {_share(learnt, len(paths))}"
        print(f"{part:>9} {len(paths):>6} {ruled:>6} {learnt:>8}   {shares}")
    for path in by_rules:
        if not (by_rules[path] and by_learned[path]):
            marks = f"rules {_mark(by_rules[path])}, learned {_mark(by_learned[path])}"
            print(f"{'':>9} {path.name}: {marks}")
    tuning = [p for p in pages if not fidelity.held_out(p.path.name)]
    held = [p for p in pages if fidelity.held_out(p.path.name)]
    got_rules, got_learned = rules(held), learned(tuning, held)
    print(
        "fitted on the tuning part, scored on the held-out part: "
        f"rules {sum(got_rules.values())}/{len(got_rules)}, "
        f"learned {sum(got_learned.values())}/{len(got_learned)}"
    )


def _share(right: int, counted: int) -> str:
    return f"{100 * right / counted:.1f}%" if counted else "-"


def _mark(right: bool) -> str:
    return "right" if right else "WRONG"


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("folder", type=Path)
    arguments.add_argument("--folds", type=int, default=10)
    arguments.add_argument(
        "--l2", type=float, default=None, help="the penalty (default: chosen by a nested 5-fold)"
    )
    arguments.add_argument(
        "--date-features",
        choices=("pure", "stacked"),
        default="pure",
        help="stacked adds the rules' own pick as a feature",
    )
    arguments.add_argument("--write-date", action="store_true", help="ship the date weights")
    args = arguments.parse_args()
    pages = load(args.folder)
    if not pages:
        sys.exit(f"{args.folder}: no NNN.txt with an NNN.json annotation")
    shipped, shipped_headline = text_dates.LEARNED_WEIGHTS, text_headline.LEARNED_WEIGHTS
    names = PURE if args.date_features == "pure" else STACKED

    def learned_dates(train: list[Page], test: list[Page]) -> dict[Path, bool]:
        return date_right(test, fit_dates(train, args.l2, names))

    cross_validate(
        "date (article pages)",
        pages,
        args.folds,
        learned_dates,
        lambda test: date_right(test, None),
    )
    text_dates.LEARNED_WEIGHTS = None  # kind is scored with the rules' dates
    vectors = {page.path: kind_features(page) for page in pages}

    def learned_kinds(train: list[Page], test: list[Page]) -> dict[Path, bool]:
        problems = [kind_problem(page, vectors[page.path]) for page in train]
        weights = fit(problems, len(KIND_FEATURES), args.l2 or L2)
        return {p.path: (_dot(weights, vectors[p.path]) > 0) == p.is_article for p in test}

    cross_validate(
        "kind (all pages)", pages, args.folds, learned_kinds,
        lambda test: {page.path: rule_kind_right(page) for page in test},
    )  # fmt: skip
    text_dates.LEARNED_WEIGHTS = shipped
    own = own_headline_problems()

    def learned_titles(train: list[Page], test: list[Page]) -> dict[Path, bool]:
        problems = [problem for page in train if (problem := headline_problem(page))]
        weights = fit(problems + own, len(text_headline.FEATURES), headline_model.L2)
        return title_right(test, dict(zip(text_headline.FEATURES, weights, strict=True)))

    cross_validate(
        "title (article pages with a title; rules: the hand weights)", pages, args.folds,
        learned_titles, lambda test: title_right(test, text_headline.HAND_WEIGHTS),
    )  # fmt: skip
    right = title_right(pages, shipped_headline)
    tuning = [
        page.path for page in pages if page.path in right and not fidelity.held_out(page.path.name)
    ]
    print(
        f"the shipped weights (fitted on the tuning part): tuning {sum(right[p] for p in tuning)}"
        f"/{len(tuning)}, held-out {sum(right.values()) - sum(right[p] for p in tuning)}"
        f"/{len(right) - len(tuning)}"
    )
    text_headline.LEARNED_WEIGHTS = shipped_headline
    if args.write_date:
        weights = fit_dates(pages, args.l2, names)
        data = {
            "model": "conditional logit over the page's dates and no date",
            "l2": args.l2 or "nested 5-fold",
            "trained_on": f"{sum(p.is_article for p in pages)} article pages of {args.folder.name}",
            "weights": {name: round(w, 3) for name, w in weights.items()},
        }
        text_dates.WEIGHTS_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"\nwritten to {text_dates.WEIGHTS_FILE}")


if __name__ == "__main__":
    main()
