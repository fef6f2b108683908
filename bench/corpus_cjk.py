"""A generated Chinese corpus for the search benchmark: no spaces, Zipf-shaped word use.

Words are one to three Han characters drawn from the 2,500 most used code points of the
basic block (a repeatable stand-in for a real vocabulary), written without spaces and cut
into clauses by Chinese punctuation, as Chinese press releases are. The queries are what a
reader types: a common two-character word, a rare one, a four-character run that spans two
words, one character, and two words apart.
"""

from __future__ import annotations

from corpus import Corpus

VOCABULARY_SIZE = 20_000
KINDS = ("common word", "rare word", "run of two", "one character", "two words")


class CjkCorpus(Corpus):
    """The same articles, dates and sections as :class:`corpus.Corpus`; Chinese words."""

    def vocabulary(self) -> list[str]:
        characters = [chr(c) for c in range(0x4E00, 0x4E00 + 2_500)]
        words: dict[str, None] = {}
        while len(words) < VOCABULARY_SIZE:
            words.setdefault(
                "".join(self.rng.choices(characters, k=self.rng.choice((1, 2, 2, 2, 3))))
            )
        return list(words)

    def texts(self, words: list[str]) -> dict[str, str]:
        clauses = ["".join(words[i : i + 12]) for i in range(0, 300, 12)]
        comma, stop = "\uff0c", "\u3002"  # Chinese punctuation ends the runs
        paragraphs = (comma.join(clauses[i : i + 5]) + stop for i in range(0, len(clauses), 5))
        return {
            "headline": "".join(words[-6:]),
            "standfirst": "".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=15)),
            "body": "".join(f"<p>{p}</p>" for p in paragraphs),
            "language": "zh-Hans",
        }

    def _common_word(self, rng):
        return {"text": rng.choice([w for w in self.words[:60] if len(w) == 2])}

    def _rare_word(self, rng):
        return {"text": rng.choice([w for w in self.words[2_500:3_500] if len(w) == 2])}

    def _run_of_two(self, rng):
        words = rng.choice(self.samples)
        i = rng.randrange(11)  # within a clause: the run is in the text
        return {"text": (words[i] + words[i + 1])[:4]}

    def _one_character(self, rng):
        return {"text": rng.choice(self.words[:200])[0]}

    def _two_words(self, rng):
        return {"text": " ".join(rng.sample([w for w in self.words[:2_000] if len(w) == 2], 2))}
