"""Where the tests find the repository, its examples, their own data and the team's shared data."""
from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
DATA = TESTS / "data"
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"


def need_shared(sub: str = "") -> Path:
    """The ../shared folder (or a part of it), or skip the test with a clear message."""
    path = SHARED / sub if sub else SHARED
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs the team's shared data folder beside the repo")
    return path
