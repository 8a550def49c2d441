"""The article body as the page marks it itself: schema.org's itemprop="articleBody" container.

trafilatura guesses the main text from the page layout and sometimes cuts paragraphs out
of the middle, or picks the wrong block. A page that marks its body container says where
the article is, so its text replaces trafilatura's guess when it is long enough to be
the article (MIN_CHARS, and at least MIN_SHARE of trafilatura's text, so a container
around one paragraph or a teaser never does). Measured on the shared benchmark pages in
two folds by page id (bench/extraction.py): the container lifts F1 on both folds, while
JSON-LD articleBody (often a summary, or the text before editing) and <article> (which
also holds the header, byline and related links) lowered it, so they are not used.
"""
from __future__ import annotations

import re

MIN_CHARS = 200
MIN_SHARE = 0.5
# Elements that HTML defines as beside the main content (a related-links box, a menu).
ASIDE = ("aside", "nav")
_MARKED = re.compile(r"""itemprop\s*=\s*["']?articleBody\b""", re.IGNORECASE)


def marked_body(html: str) -> str:
    """HTML of the page's largest itemprop="articleBody" element without its asides and menus
    ("" when it has none)."""
    if not _MARKED.search(html):
        return ""
    import lxml.html
    from lxml.etree import ParserError

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        root = lxml.html.fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (ParserError, ValueError):
        return ""
    nodes = root.xpath('//*[@itemprop="articleBody"]')
    if not nodes:
        return ""
    largest = max(nodes, key=lambda node: len(node.text_content()))
    for aside in list(largest.iter(*ASIDE)):
        aside.drop_tree()
    return lxml.html.tostring(largest, encoding="unicode")


def prefer_marked(text: str, marked: str) -> str:
    """The marked body when it is long enough to be the article, else trafilatura's text."""
    if len(marked) >= max(MIN_CHARS, MIN_SHARE * len(text)):
        return marked
    return text
