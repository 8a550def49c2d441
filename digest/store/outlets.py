"""The corpus tables behind learned boilerplate: articles per outlet and the short lines each repeats."""
from __future__ import annotations

from typing import Iterable

from digest.store.corpus import Corpus


def add_counts(corpus: Corpus, totals: Iterable[tuple[str, int]],
               lines: Iterable[tuple[str, str, int]]) -> None:
    """Add articles per outlet and articles per (outlet, line key) (caller's transaction)."""
    corpus.db.executemany(
        "INSERT INTO outlet_totals VALUES (?, ?) "
        "ON CONFLICT(outlet) DO UPDATE SET articles = outlet_totals.articles + excluded.articles", list(totals))
    corpus.db.executemany(
        "INSERT INTO outlet_lines VALUES (?, ?, ?) "
        "ON CONFLICT(outlet, line_key) DO UPDATE SET articles = outlet_lines.articles + excluded.articles", list(lines))


def total(corpus: Corpus, outlet: str) -> int:
    """The outlet's articles counted so far."""
    row = corpus.db.execute("SELECT articles FROM outlet_totals WHERE outlet = ?", (outlet,)).fetchone()
    return row[0] if row else 0


def frequent_lines(corpus: Corpus, outlet: str, needed: int) -> frozenset[str]:
    """Keys of the outlet's lines counted in at least `needed` of its articles."""
    rows = corpus.db.execute("SELECT line_key FROM outlet_lines WHERE outlet = ? AND articles >= ?",
                             (outlet, needed))
    return frozenset(r[0] for r in rows)


def line_counts(corpus: Corpus, outlet: str, keys: list[str]) -> dict[str, int]:
    """Articles counted for each of the outlet's line keys (0 for keys never seen)."""
    found = dict.fromkeys(keys, 0)
    values, param = corpus.dialect.value_set(keys)
    found.update(corpus.db.execute(
        f"SELECT line_key, articles FROM outlet_lines WHERE outlet = ? AND line_key IN {values}",
        (outlet, param)).fetchall())
    return found
