"""digest: a deduplicated, condensed daily news digest from an inbox folder and feeds."""

__version__ = "0.1.0"
