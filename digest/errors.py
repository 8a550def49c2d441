"""One error hierarchy: every message names the file, feed or setting and a fix.

The CLI catches DigestError once and prints it; everything else is a bug.
"""
from __future__ import annotations


class DigestError(Exception):
    """Base of every error digest reports to the user."""


class ConfigError(DigestError):
    """digest.toml is missing or has a bad value."""


class InputError(DigestError):
    """An input file or feed cannot be turned into an article."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class CorpusError(DigestError):
    """The corpus database cannot be opened or migrated."""


class RenderError(DigestError):
    """A template or renderer failed."""


class DeliveryError(DigestError):
    """Sending the digest failed."""


class LockedError(DigestError):
    """Another run holds the workspace lock."""


class StorageError(DigestError):
    """The disk is full, or a file hit the size limit: nothing was lost, the step was not done."""
