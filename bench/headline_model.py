"""Train the text importer's headline chooser on the tuning part of a folder of real pages.

    .venv/bin/python bench/headline_model.py ../shared/fixtures/pages [--write]

A conditional logit: each page's headline candidates (``text_headline.candidates``) compete,
the right one (equal to the annotation's ``title``) should win. Fitted by gradient ascent on
the log-likelihood with an L2 penalty, on the *tuning* pages only (``fidelity.held_out``
decides, so the held-out pages stay unseen), plus the test pages written here
(``tests/importers/fixtures/text``) and the seed page, which must stay right. ``--write``
saves the weights next to the parser (``text_headline_weights.json``); ``bench/fidelity.py``
with and without ``--hand`` then compares the two.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from fidelity import held_out, squash
from newscenter.importers.parsers import text_headline
from newscenter.importers.parsers.lines import decode, normalise
from newscenter.importers.parsers.text import page_units

L2 = 0.3
STEPS = 3000
RATE = 0.05


def training_pages(folder: Path) -> tuple[list[tuple[list[dict[str, float]], int]], int]:
    """(candidate features, index of the right one) per tuning page; and how many had none."""
    pages, missing = [], 0
    for text_path in sorted(folder.glob("*.txt")):
        annotation = text_path.with_suffix(".json")
        if held_out(text_path.name) or not annotation.exists():
            continue
        title = squash(json.loads(annotation.read_text(encoding="utf-8")).get("title"))
        if not title:
            continue
        units = page_units(normalise(decode(text_path.read_bytes()) or ""))
        found = text_headline.candidates(units)
        right = [i for i, c in enumerate(found) if squash(c.text) == title]
        if not right:
            missing += 1
            continue
        pages.append(([c.features for c in found], right[0]))
    return pages, missing


def own_pages() -> list[tuple[list[dict[str, float]], int]]:
    """The repository's own text fixtures, page layouts written for the tests and the seed
    page, with their known headlines."""
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    from tests.importers.test_text import ARTICLES, FIXTURES, SEED
    from tests.importers.test_text_page_rules import LAYOUTS, PARAGRAPH

    known = [(FIXTURES / name, headline) for name, headline, *_ in ARTICLES]
    if SEED.exists():
        lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
        known.append((SEED, [line for line in lines if line][3]))
    texts = [(decode(path.read_bytes()) or "", headline) for path, headline in known]
    texts += [(f"{top}\n\n{PARAGRAPH}", headline) for top, headline in LAYOUTS]
    pages = []
    for text, headline in texts:
        found = text_headline.candidates(page_units(normalise(text)))
        right = [i for i, c in enumerate(found) if c.text == headline]
        if right:
            pages.append(([c.features for c in found], right[0]))
    return pages


def fit(pages: list[tuple[list[dict[str, float]], int]], l2: float = L2) -> dict[str, float]:
    weights = dict.fromkeys(text_headline.FEATURES, 0.0)
    for _ in range(STEPS):
        gradient = {name: -l2 * w for name, w in weights.items()}
        for features, right in pages:
            scores = [sum(weights[n] * f.get(n, 0.0) for n in weights) for f in features]
            top = max(scores)
            shares = [math.exp(s - top) for s in scores]
            total = sum(shares)
            for name in weights:
                expected = sum(p * f.get(name, 0.0) for p, f in zip(shares, features, strict=True))
                gradient[name] += features[right].get(name, 0.0) - expected / total
        for name in weights:
            weights[name] += RATE * gradient[name]
    return {name: round(w, 3) for name, w in weights.items()}


def accuracy(pages: list[tuple[list[dict[str, float]], int]], weights: dict[str, float]) -> str:
    right = 0
    for features, answer in pages:
        scores = [sum(weights.get(n, 0.0) * v for n, v in f.items()) for f in features]
        right += max(range(len(scores)), key=scores.__getitem__) == answer
    return f"{right}/{len(pages)}"


def cross_validate(
    pages: list[tuple[list[dict[str, float]], int]],
    own: list[tuple[list[dict[str, float]], int]],
    folds: int,
    l2: float = L2,
) -> None:
    """k-fold on the tuning pages (the own pages always train): how the learned weights and the
    hand weights choose on pages the fit has not seen, the fairer figure of the two."""
    learned = hand = 0
    for fold in range(folds):
        test = pages[fold::folds]
        train = [page for at, page in enumerate(pages) if at % folds != fold] + own
        weights = fit(train, l2)
        learned += int(accuracy(test, weights).split("/")[0])
        hand += int(accuracy(test, text_headline.HAND_WEIGHTS).split("/")[0])
    print(f"{folds}-fold on {len(pages)} tuning pages (L2 {l2}): learned {learned}/{len(pages)}, "
          f"hand {hand}/{len(pages)}")  # fmt: skip


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("folder", type=Path)
    arguments.add_argument("--write", action="store_true", help="save the weights for the parser")
    arguments.add_argument("--folds", type=int, default=0, help="k-fold cross-validation first")
    arguments.add_argument("--l2", type=float, default=L2, help="the penalty, for the k-fold run")
    args = arguments.parse_args()
    pages, missing = training_pages(args.folder)
    own = own_pages()
    if args.folds > 1:
        cross_validate(pages, own, args.folds, args.l2)
    print(f"own test pages and the seed: {len(own)}")
    pages += own
    weights = fit(pages)
    print(f"tuning pages with the headline among the candidates: {len(pages)} ({missing} without)")
    print(f"chosen right on them: hand rules {accuracy(pages, text_headline.HAND_WEIGHTS)}, "
          f"learned {accuracy(pages, weights)}")  # fmt: skip
    for name, weight in sorted(weights.items(), key=lambda item: -abs(item[1])):
        print(f"  {name:<14} {weight:+.3f}")
    if args.write:
        data = {"model": "conditional logit over headline candidates", "l2": L2,
                "trained_on": f"{len(pages)} tuning pages of {args.folder.name}",
                "weights": weights}  # fmt: skip
        text_headline.WEIGHTS_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"written to {text_headline.WEIGHTS_FILE}")


if __name__ == "__main__":
    main()
