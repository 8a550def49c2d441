"""A shared inbox for several `digest ingest` workers on one PostgreSQL corpus: generated articles
with planted exact and near duplicates, the worker processes, and what the corpus holds after."""
from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

from wordfreq import top_n_list

from digest.config import load
from digest.store import workspace

WORDS = [w for w in top_n_list("en", 4000) if w.isalpha() and len(w) > 2]


def paragraph(rng: random.Random) -> str:
    """Three sentences of common words."""
    return " ".join(" ".join(rng.choices(WORDS, k=rng.randint(12, 20))).capitalize() + "." for _ in range(3))


def write_inbox(inbox: Path, files: int, seed: int = 16) -> dict:
    """Write `files` articles into `inbox`: about 1 in 10 an exact re-post (other bytes, the same
    title and text) and 1 in 10 a near copy (an update: a paragraph added) of an earlier one. The planted
    pairs by kind, and how many distinct texts and distinct files were written."""
    rng = random.Random(seed)
    inbox.mkdir(parents=True, exist_ok=True)
    texts: list[tuple[str, list[str]]] = []
    planted: dict = {"exact": [], "near": []}
    for n in range(files):
        roll, k = rng.random(), rng.randrange(len(texts)) if texts else 0
        if texts and roll < 0.1:
            title, paragraphs, kind = *texts[k], "exact"
        elif texts and roll < 0.2:
            paragraphs = [*texts[k][1], paragraph(rng)]  # an update: one paragraph added
            title, kind = " ".join(rng.choices(WORDS, k=6)).capitalize(), "near"
        else:
            paragraphs, kind = [paragraph(rng) for _ in range(rng.randint(5, 8))], None
            title = " ".join(rng.choices(WORDS, k=6)).capitalize()
        if kind:
            planted[kind].append((f"{k:05d}.txt", f"{n:05d}.txt"))
        texts.append((title, paragraphs))
        head = f"{title}\nSource: Outlet {k % 7 if kind == 'exact' else n % 7}\nDate: 2026-03-0{1 + n % 5}T07:00:00+00:00\n\n"
        (inbox / f"{n:05d}.txt").write_text(head + "\n\n".join(paragraphs) + ("\n\n\n" if kind == "exact" else "\n"),
                                           encoding="utf-8")
    keys = [(t, tuple(p)) for t, p in texts]
    planted["distinct"] = len(set(keys))
    planted["same_text"] = {f"{n:05d}.txt": [f"{m:05d}.txt" for m, other in enumerate(keys) if other == key]
                            for n, key in enumerate(keys)}
    planted["distinct_files"] = len({p.read_bytes() for p in inbox.glob("*.txt")})  # the same bytes: seen once
    return planted


def start_worker(config: Path, code: Path | None = None) -> subprocess.Popen:
    """One `digest ingest` process on the workspace (`code`: a checkout whose digest package it runs)."""
    env = None if code is None else {**os.environ, "PYTHONPATH": str(code)}
    return subprocess.Popen([sys.executable, "-m", "digest", "--config", str(config), "-q", "ingest"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)


def corpus_state(config: Path) -> dict:
    """What the corpus holds: articles by source file name (with copy_of and story), exact duplicates
    by file name, and the stories as sets of file names."""
    with workspace.open_corpus(load(config)) as corpus:
        rows = corpus.db.execute("SELECT id, source_path, copy_of, story_id, content_hash FROM articles").fetchall()
        dropped = corpus.db.execute("SELECT original_id, source_path FROM duplicates").fetchall()
    name_of = {r["id"]: Path(r["source_path"]).name for r in rows}
    stories: dict[str, set[str]] = {}
    for r in rows:
        stories.setdefault(r["story_id"], set()).add(name_of[r["id"]])
    return {
        "articles": {name_of[r["id"]]: (name_of.get(r["copy_of"]), r["content_hash"]) for r in rows},
        "rows": len(rows),
        "exact": {(name_of[o], Path(p).name) for o, p in dropped},
        "stories": {frozenset(s) for s in stories.values()},
    }


def make_workspace(folder: Path, url: str) -> Path:
    """A new workspace whose corpus is the PostgreSQL database at `url`; its config file."""
    config = workspace.init(folder)
    config.write_text(re.sub(r'(?m)^corpus = ".*"$', f'corpus = "{url}"', config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    return config


def left_in(inbox: Path) -> list[str]:
    """Files still waiting in the inbox (not in processed/ or failed/)."""
    return sorted(p.name for p in inbox.glob("*.txt"))
