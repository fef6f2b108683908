"""A generated news corpus for benchmarks: word frequencies shaped like real text (Zipf).

Words are made from syllables, so the corpus is ours, repeatable from its seed, and has the
long tail of rare words that makes full-text search work hard. Articles go in through
`article_bulk_create`, so the search index is filled by the same after-commit path as in use.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

SYLLABLES = [
    "ka", "ves", "sel", "mark", "pum", "pen", "ter", "flo", "lan", "ber", "dor", "gas", "ket",
    "val", "ro", "ti", "na", "mo", "lu", "se", "fer", "ran", "dis", "tal", "gen", "hol", "mar",
    "nor", "pre", "sta", "tur", "ven", "wal", "zin", "bru", "cor", "del",
]  # fmt: skip
VOCABULARY_SIZE = 30_000
BATCH = 1_000
SECTIONS = ("Company news", "Product news", "Industry news", "Events")


class Corpus:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.words = self.vocabulary()
        weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self.cumulative = list(itertools.accumulate(weights))
        self.samples: list[list[str]] = []  # some bodies' words, for phrase queries
        self.sections: list = []
        self.hits = 0

    def vocabulary(self) -> list[str]:
        return _vocabulary(self.rng)

    def fill(self, count: int) -> None:
        from django.utils import timezone

        from newscenter.news import services
        from newscenter.news.policy import SYSTEM

        self.sections = [
            services.section_get_or_create(name=name, acting_user=SYSTEM) for name in SECTIONS
        ]
        start = timezone.now() - dt.timedelta(days=5 * 365)
        step = dt.timedelta(days=5 * 365) / count
        for first in range(0, count, BATCH):
            new = [
                self._article(n, start + n * step) for n in range(first, min(count, first + BATCH))
            ]
            services.article_bulk_create(acting_user=SYSTEM, new=new)

    def _article(self, n: int, when):
        from newscenter.news.services import NewArticle

        words = self.rng.choices(self.words, cum_weights=self.cumulative, k=300)
        if n % 100 == 0:
            self.samples.append(words)
        fields = self.texts(words) | {
            "status": "published",
            "pub_date": when,
            "section": self.sections[n % len(self.sections)],
        }
        return NewArticle(fields=fields)

    def texts(self, words: list[str]) -> dict[str, str]:
        """An article's headline, standfirst and body from its 300 words."""
        paragraphs = (" ".join(words[i : i + 60]) for i in range(0, 300, 60))
        return {
            "headline": " ".join(words[300 - 8 :]).capitalize(),
            "standfirst": " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=20)),
            "body": "".join(f"<p>{p}.</p>" for p in paragraphs),
        }

    def requests(self, kind: str, count: int, rng: random.Random) -> list:
        from newscenter.search.searching import SearchRequest

        make = getattr(self, "_" + kind.replace(" ", "_"))
        return [SearchRequest(**make(rng)) for _ in range(count)]

    def _common_word(self, rng):
        return {"text": rng.choice(self.words[:20])}

    def _rare_word(self, rng):
        # Rank ~ 3,000 of a 1/rank distribution: about one article in a thousand uses it.
        return {"text": rng.choice(self.words[2_500:3_500])}

    def _two_words(self, rng):
        return {"text": " ".join(rng.sample(self.words[:2_000], 2))}

    def _phrase(self, rng):
        words = rng.choice(self.samples)
        i = rng.randrange(len(words) - 1)
        return {"text": f'"{words[i]} {words[i + 1]}"'}

    def _prefix(self, rng):
        word = rng.choice([w for w in self.words[100:1_000] if len(w) >= 6])
        return {"text": word[:4] + "*"}

    def _misspelt(self, rng):
        word = rng.choice([w for w in self.words[200:2_000] if len(w) >= 6])
        i = rng.randrange(1, len(word) - 2)
        return {"text": word[:i] + word[i + 1] + word[i] + word[i + 2 :]}

    def _filtered(self, rng):
        return {"text": rng.choice(self.words[:20]), "section": rng.choice(self.sections)}


def _vocabulary(rng: random.Random) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < VOCABULARY_SIZE:
        size = rng.choice((1, 2, 2, 3, 3, 3, 4))
        words.setdefault("".join(rng.choices(SYLLABLES, k=size)))
    return list(words)
