"""Fetch a page from a server the test started on 127.0.0.1."""
from __future__ import annotations

import urllib.request


def get(url: str) -> bytes:
    """The body of a local URL (the preview server, a feed server)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()
