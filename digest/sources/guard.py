"""Guards against hostile inbox input: file names quoted for messages, nesting refused before parsing.

A file name may hold a newline or a terminal escape (a crafted name could fake a log line);
every message that names a file goes through `shown`. JSON and MIME parsers recurse once
per nesting level, so a small file of 5,000 nested brackets or parts would end in a
RecursionError: their depth is measured with a flat scan first and refused past a limit
no real article comes near.
"""
from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from digest.errors import DigestError, InputError
from digest.store import engine

MAX_JSON_DEPTH = 64  # an article export nests 3-5 levels
MAX_MIME_MULTIPARTS = 50  # a real email declares a handful of multipart containers
# Characters never shown raw in a message: controls, format (bidi, zero-width), separators, surrogates.
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Cs")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_MULTIPART = re.compile(rb"content-type:\s*multipart/", re.IGNORECASE)


def _escape(ch: str) -> str:
    """One hidden character as Python writes it in a repr (\\n, \\x1b, \\u202e)."""
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _hidden(ch: str) -> bool:
    """True for a character that would change how a message looks instead of showing itself."""
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES


def shown(name: str | Path) -> str:
    """A file name (or any name from input) safe to print on one line: unchanged when plain,
    else with backslashes and hidden characters escaped as in a Python repr."""
    text = str(name)
    if not any(_hidden(ch) for ch in text):
        return text
    return "".join(_escape(ch) if _hidden(ch) else "\\\\" if ch == "\\" else ch for ch in text)


def json_depth(text: str) -> int:
    """Deepest nesting of arrays and objects in a JSON text, by a flat scan (strings skipped)."""
    depth = deepest = 0
    for token in _JSON_TOKEN.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif mark in "]}":
            depth -= 1
    return deepest


def check_json_depth(text: str, path: Path) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH before the recursive parser sees it."""
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise InputError(shown(path), f"JSON nested {depth} levels deep, more than the {MAX_JSON_DEPTH} "
                                      "an article needs; export the articles as a flat list of objects")


def check_mime_nesting(data: bytes, path: Path) -> None:
    """Refuse an email declaring more multipart containers than MAX_MIME_MULTIPARTS (nesting bomb)."""
    count = len(_MULTIPART.findall(data))
    if count > MAX_MIME_MULTIPARTS:
        raise InputError(shown(path), f"the email declares {count} multipart parts, more than the "
                                      f"{MAX_MIME_MULTIPARTS} allowed (a nesting bomb?); forward the article "
                                      "as a plain message")


def unexpected(path: Path | str, exc: BaseException) -> InputError:
    """An InputError for a failure no reader foresaw (a bug or a hostile file): names the file and the cause."""
    cause = f"{type(exc).__name__}: {exc}"[:300]
    return InputError(shown(path), f"could not be read or judged ({shown(cause)}); the file was set "
                                   "aside so the others go on; report it if the file looks like a normal article")


@contextmanager
def judging(source: Path | str) -> Iterator[None]:
    """Turn any failure while reading or judging one input into an InputError naming it, so the
    caller fails that input only; corpus and I/O errors still reach the caller: they are no file's fault."""
    try:
        yield
    except (DigestError, *engine.DRIVER_ERRORS, OSError):
        raise
    except Exception as exc:
        raise unexpected(source, exc) from exc
