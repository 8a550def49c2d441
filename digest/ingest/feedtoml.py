"""Edit one [[feed]] table of digest.toml in place: remove it, or switch it off and on.

Like `append_feeds`, the file is edited as text, never rewritten from parsed data, so every
comment and the layout outside the edited lines stay as the user wrote them; the result is
checked and saved by `opml.save_checked`.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from digest.errors import ConfigError
from digest.ingest.opml import save_checked

TABLE_HEADER = re.compile(r"^\s*\[")
FEED_HEADER = re.compile(r"^\s*\[\[\s*feed\s*\]\]\s*(#.*)?$")
ENABLED_LINE = re.compile(r"^(\s*enabled\s*=\s*)(true|false)\b")
CODE_LINE = re.compile(r"^\s*[^\s#]")


def _table_span(lines: list[str], url: str, config_file: Path) -> tuple[int, int]:
    """First and last line (the last key line) of the [[feed]] table whose url is `url`."""
    starts = [n for n, line in enumerate(lines) if TABLE_HEADER.match(line)] + [len(lines)]
    for start, end in zip(starts, starts[1:]):
        if not FEED_HEADER.match(lines[start]):
            continue
        try:
            table = tomllib.loads("".join(lines[start:end]))["feed"][0]
        except (tomllib.TOMLDecodeError, KeyError, IndexError):
            continue
        if str(table.get("url", "")).strip() == url:
            last = max(n for n in range(start, end) if CODE_LINE.match(lines[n]))
            return start, last
    raise ConfigError(f"{config_file}: no [[feed]] table with url = {url!r}; "
                      "`digest feeds list` shows the urls as written in digest.toml")


def remove_feed(config_file: Path, url: str) -> None:
    """Delete the [[feed]] table of `url`; comments around it (and on other tables) are kept."""
    config_file = Path(config_file)
    lines = config_file.read_text(encoding="utf-8").splitlines(keepends=True)
    start, last = _table_span(lines, url.strip(), config_file)
    if last + 1 < len(lines) and not lines[last + 1].strip():
        last += 1  # the blank line that separated it from the next table
    save_checked(config_file, "".join(lines[:start] + lines[last + 1:]), f"removing the [[feed]] {url}")


def set_enabled(config_file: Path, url: str, enabled: bool) -> None:
    """Write `enabled = true|false` into the [[feed]] table of `url` (the line's comment is kept)."""
    config_file = Path(config_file)
    lines = config_file.read_text(encoding="utf-8").splitlines(keepends=True)
    start, last = _table_span(lines, url.strip(), config_file)
    value = "true" if enabled else "false"
    for n in range(start + 1, last + 1):
        if ENABLED_LINE.match(lines[n]):
            lines[n] = ENABLED_LINE.sub(lambda m: m.group(1) + value, lines[n], count=1)
            break
    else:
        ending = "" if lines[last].endswith("\n") else "\n"
        lines.insert(last + 1, f"{ending}enabled = {value}\n")
    save_checked(config_file, "".join(lines), f"{'enabling' if enabled else 'disabling'} the [[feed]] {url}")


__all__ = ["remove_feed", "set_enabled"]
