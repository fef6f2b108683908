"""A generated Chinese corpus for the search benchmark: no spaces, Zipf-shaped word use.

Words are one to three Han characters drawn from the 2,500 most used code points of the
basic block (a repeatable stand-in for a real vocabulary), written without spaces and cut
into clauses by Chinese punctuation, as Chinese press releases are. The queries are what a
reader types: a common two-character word, a rare one, a four-character run that spans two
words, one character, and two words apart.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

from corpus import BATCH, SECTIONS

VOCABULARY_SIZE = 20_000
KINDS = ("common word", "rare word", "run of two", "one character", "two words")


class CjkCorpus:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        characters = [chr(c) for c in range(0x4E00, 0x4E00 + 2_500)]
        words: dict[str, None] = {}
        while len(words) < VOCABULARY_SIZE:
            words.setdefault(
                "".join(self.rng.choices(characters, k=self.rng.choice((1, 2, 2, 2, 3))))
            )
        self.words = list(words)
        self.pairs = [w for w in self.words if len(w) == 2]
        weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self.cumulative = list(itertools.accumulate(weights))
        self.samples: list[list[str]] = []
        self.sections: list = []
        self.hits = 0

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
        clauses = ["".join(words[i : i + 12]) for i in range(0, 300, 12)]
        comma, stop = "\uff0c", "\u3002"  # Chinese punctuation ends the runs
        paragraphs = (comma.join(clauses[i : i + 5]) + stop for i in range(0, len(clauses), 5))
        fields = {
            "headline": "".join(words[-6:]),
            "standfirst": "".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=15)),
            "body": "".join(f"<p>{p}</p>" for p in paragraphs),
            "status": "published",
            "pub_date": when,
            "section": self.sections[n % len(self.sections)],
            "language": "zh-Hans",
        }
        return NewArticle(fields=fields)

    def requests(self, kind: str, count: int, rng: random.Random) -> list:
        from newscenter.search.searching import SearchRequest

        make = getattr(self, "_" + kind.replace(" ", "_"))
        return [SearchRequest(text=make(rng)) for _ in range(count)]

    def _common_word(self, rng):
        return rng.choice([w for w in self.words[:60] if len(w) == 2])

    def _rare_word(self, rng):
        return rng.choice([w for w in self.words[2_500:3_500] if len(w) == 2])

    def _run_of_two(self, rng):
        words = rng.choice(self.samples)
        i = rng.randrange(11)  # within a clause: the run is in the text
        return (words[i] + words[i + 1])[:4]

    def _one_character(self, rng):
        return rng.choice(self.words[:200])[0]

    def _two_words(self, rng):
        return " ".join(rng.sample([w for w in self.words[:2_000] if len(w) == 2], 2))
