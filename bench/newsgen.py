"""Generate news-like articles (Zipf vocabulary, names, numbers, paragraph lengths) for benchmarks."""
from __future__ import annotations

import random
import string
from itertools import accumulate

SPEECH = ["said", "told reporters", "added", "noted", "according to officials"]


def vocabulary(rng: random.Random, size: int = 20000) -> list[str]:
    """Pseudo-words with news-like lengths; the first few hundred act as function words."""
    words = ["the", "a", "of", "to", "and", "in", "on", "for", "that", "with", "was", "is", "by", "at"]
    while len(words) < size:
        length = max(2, min(12, int(rng.gauss(6, 2.2))))
        words.append("".join(rng.choice(string.ascii_lowercase) for _ in range(length)))
    return words


class NewsGenerator:
    """Deterministic generator of articles with Zipf-distributed words."""

    def __init__(self, seed: int = 7, vocab_size: int = 20000):
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng, vocab_size)
        self.weights = [1.0 / (rank + 1) for rank in range(len(self.words))]
        self.cum_weights = list(accumulate(self.weights))  # what choices(weights=) adds up on every call
        self.names = [w.capitalize() for w in self.rng.sample(self.words[500:], 3000)]

    def sentence(self) -> str:
        """One sentence of 8 to 35 words with a name and sometimes a number or a speech verb."""
        n = self.rng.randint(8, 35)
        words = self.rng.choices(self.words, cum_weights=self.cum_weights, k=n)
        words[self.rng.randrange(n)] = self.rng.choice(self.names)
        if self.rng.random() < 0.4:
            words.insert(self.rng.randrange(n), str(self.rng.randint(2, 90000)))
        if self.rng.random() < 0.3:
            words += [self.rng.choice(self.names), self.rng.choice(SPEECH)]
        return " ".join(words).capitalize() + "."

    def article(self) -> tuple[str, str]:
        """A (title, body) pair: 4 to 14 paragraphs of 1 to 4 sentences."""
        title = " ".join(self.rng.choice(self.words[200:]) for _ in range(7)).capitalize()
        paragraphs = [
            " ".join(self.sentence() for _ in range(self.rng.randint(1, 4)))
            for _ in range(self.rng.randint(4, 14))
        ]
        return title, "\n\n".join(paragraphs)
