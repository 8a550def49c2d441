"""digest: a deduplicated, condensed daily news digest from an inbox folder and feeds."""

from importlib import metadata


def _installed_version() -> str:
    """The version in the package metadata, so --version, footers and PDFs match what pip installed."""
    try:
        return metadata.version("digest")
    except metadata.PackageNotFoundError:
        return "0+unknown"


__version__ = _installed_version()
