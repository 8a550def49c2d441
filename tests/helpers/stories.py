"""Articles for dedup and story tests: a finished article, an unrelated story, term counts done the slow way."""
from __future__ import annotations

from datetime import datetime, timezone

from digest.models import Article
from digest.text.hashing import content_hash

GARDEN = """Allotment holders in the northern town of Hebden Bridge are celebrating a record
harvest of heritage apples after a mild spring and a wet summer, the local growers' society said.

The society's orchard keeper, Margaret Ollerton, said more than 40 varieties had fruited this
year, including several that had not cropped since the orchard was replanted in 1998.

Volunteers will press the surplus into juice at the community hall on Saturday, and the society
plans to sell grafted saplings of the rarest trees to raise money for a new tool shed."""


def make(body: str, title: str, outlet: str = "Outlet", day: int = 27) -> Article:
    """A finished article dated January `day`, 2022 (days past 31 run into February)."""
    digest_hex = content_hash(body)
    month, day = (1, day) if day <= 31 else (2, day - 31)
    when = datetime(2022, month, day, 12, tzinfo=timezone.utc)
    return Article(id="a" + digest_hex[:15], title=title, outlet=outlet, body=body,
                   content_hash=digest_hex, language="en", published=when, ingested_at=when)


def reference_counts(text: str, weight: float) -> dict[str, float]:
    """Boosted counts the slow, obvious way: every occurrence weighed where it stands."""
    from digest.stories.terms import (
        NAME_BOOST,
        TERM_TOKEN,
        background_frequencies,
        is_name,
        term_of,
    )
    background = background_frequencies("en")
    out: dict[str, float] = {}
    for match in TERM_TOKEN.finditer(text):
        found = term_of(match.group(), background)
        if found:
            term, boost = found
            if match.group()[0].isupper() and is_name(text, match.start()):
                boost = max(boost, NAME_BOOST)
            out[term] = out.get(term, 0.0) + weight * boost
    return out
