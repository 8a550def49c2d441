"""How large SQLite's page cache may grow: a fixed size, or one sized from the corpus file within
ingest's memory budget (`[store]`), so a small corpus stays light and a large one keeps its index hot."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from digest.config import from_mapping
from digest.settings import Settings

# What an ingesting process holds besides the story index and the page cache (code, models, the
# reader's queue, one batch), measured on bench/ingest.py and bench/flat.py: about 170 MB.
PROCESS_MB = 170
# What one story member held in memory costs ([stories] held_members), measured: about 25 KB.
MEMBER_KB = 25
# The smallest cache "auto" gives: SQLite's interior index pages of a corpus of ~100k articles.
MIN_MB = 16
# "auto" caches at most this share of the corpus file. The file's hot part is the dedup index's
# interior pages and recent postings; the operating system caches the rest of the file anyway,
# and a SQLite cache as large as the file would only double what memory holds.
FILE_SHARE = 0.25
# "auto" resizes when the file has grown by this share since the last sizing.
RESIZE_GROWTH = 1.125


@dataclass(frozen=True)
class PageCache:
    """The page-cache rule of one corpus: `fixed_mb` when not 0, else sized from the file (`size_mb`)."""

    fixed_mb: int = 0
    memory_mb: int = 600
    held_members: int = 8000

    @classmethod
    def of(cls, settings: Settings) -> "PageCache":
        """The rule a workspace's settings give."""
        return cls(settings.store.cache_mb, settings.store.memory_mb, settings.stories.held_members)

    @property
    def room_mb(self) -> int:
        """What the memory budget leaves for the cache once the process and the story index hold theirs."""
        return self.memory_mb - PROCESS_MB - self.held_members * MEMBER_KB // 1024

    def size_mb(self, file_bytes: int) -> int:
        """The cache for a corpus file of this size: a share of the file, within the budget's room."""
        if self.fixed_mb:
            return self.fixed_mb
        return max(MIN_MB, min(int(file_bytes * FILE_SHARE) >> 20, self.room_mb))


@lru_cache(maxsize=1)
def default() -> PageCache:
    """The rule of the shipped settings (for a corpus opened without a workspace's settings)."""
    return PageCache.of(from_mapping({}, Path("/")).settings)  # only the settings matter, not the root
