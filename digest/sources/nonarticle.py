"""Recognise texts that are not articles: page furniture captured instead of the story.

A scraper or a browser's "save page" sometimes keeps a cookie wall, a paywall, a
"please enable JavaScript" screen, an archive's "not archived" page or a 404 page
instead of the article. Such texts are identical across unrelated stories, so if they
were stored as articles they would glue those stories together. They are judged here,
before dedup and story grouping, by two general signals:

- **too short**: fewer than ``[ingest] min_words`` words of body text;
- **the page talking to its reader about itself**: most of the text (by words) is in
  sentences that both talk about the web page (cookies, JavaScript, browser,
  subscribing, signing in, clicking) and speak as the page ("you", "please", "we",
  "this page"); either sign alone counts half. Reporting is written in the third
  person about events, so news about cookie rules, or an explainer full of "you",
  stays under the bar.

A non-article is recorded in the corpus (table ``non_articles``, by content hash) so
that the same text arriving again is an exact duplicate of the first one; it joins no
story and never reaches a digest. The inbox moves its file to ``failed/`` with the
reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..corpus import Corpus, utcnow
from ..models import Article

FURNITURE_SHARE = 0.6   # above this word-weighted share a text is page furniture (one sign alone weighs 0.5)

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+")
_QUOTED = re.compile(r"[\"“«„][^\"“”«»„]{0,400}[\"”»“]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_PAGE_TALK = re.compile(
    r"\b(cookies?|javascript|browsers?|captcha|ad[ -]?block(er|ers)?|wayback|webpage|homepage"
    r"|(this|the|our) (page|site|website|url|link)"
    r"|(un)?subscrib(e|ed|er|ers|ing)|subscriptions?|paywall|free articles?|premium content"
    r"|(sign|log)(ged)?[ -]?(in|up)|login|log-in|password|username|register(ed)? (for|to|now)"
    r"|click(ing)?|tap (here|to)|privacy (policy|settings|preferences)|terms of (use|service)"
    r"|404|access (denied|to this)|not (been )?archived|enable (scripts|javascript)|reload the page"
    r"|(app|play) store|download (our|the) app|security check|web property|your device"
    r"|(prove|verify|confirm) (that )?you are (a )?human|are you a robot"
    # fr, de, es, it, pt: the same page talk
    r"|connectez-vous|abonnez-vous|abonnement|inscri(vez|ption)|cliquez|navigateur"
    r"|anmelden|abonnieren|abonnement|klicken|datenschutz(erklärung|einstellungen)"
    r"|suscr[ií]b(ete|ase|irse)|suscripci[oó]n|haga clic|navegador"
    r"|abbonati|abbonamento|clicca|accedi"
    r"|assine|assinatura|clique aqui)\b",
    re.IGNORECASE,
)
_VOICE = re.compile(  # the page speaking to its reader, or as "we" (quotes are removed first)
    r"\b(you|your|yours|yourself|you['’](re|ve|ll|d)|please|we|we['’](re|ve)|our|us"
    r"|vous|votre|vos|nous|notre|nos|usted|ustedes|nosotros|nuestr[oa]s?|você|vocês|nosso|nossa"
    r"|this (page|site|website|content|article))\b"
    r"|^(accept|allow|continue|try|save|help|enable|turn on|go back|visit|manage|get|read|watch|listen)\b",
    re.IGNORECASE,
)
_VOICE_DE = re.compile(r"(?<=\w )(Sie|Ihr|Ihre|Ihrem|Ihren|Ihrer|Ihres)\b|\b([Ww]ir|[Uu]nser[emnrs]?)\b")


@dataclass(frozen=True)
class Verdict:
    """Why a text is not an article, with the figures behind it for the log and the report."""

    reason: str
    words: int
    furniture_share: float


def _sentences(text: str) -> list[str]:
    """Every sentence of every line."""
    return [part for line in text.splitlines() for part in _SENTENCE_END.split(line.strip()) if part.strip()]


def _weight(sentence: str) -> float:
    """How much a sentence is page furniture: 1 when the page talks about itself to its reader, half per sign."""
    unquoted = _QUOTED.sub(" ", sentence).strip()
    page = _PAGE_TALK.search(unquoted) is not None
    voice = _VOICE.search(unquoted) is not None or _VOICE_DE.search(unquoted) is not None
    return (page + voice) / 2


def furniture(title: str, body: str) -> tuple[int, float]:
    """(body words, word-weighted furniture share of title and body) of a text."""
    words = weighted = 0.0
    body_words = 0
    for i, sentence in enumerate([title] + _sentences(body)):
        n = len(_WORD.findall(sentence))
        words += n
        weighted += n * _weight(sentence)
        body_words += n if i else 0
    return body_words, (weighted / words if words else 0.0)


def judge(article: Article, min_words: int) -> Verdict | None:
    """Why this article is not one (too short, or page furniture), or None for a real article."""
    words, share = furniture(article.title, article.body)
    if words < min_words:
        reason = f"too short: {words} words of text (at least {min_words}, [ingest] min_words)"
    elif share >= FURNITURE_SHARE:
        reason = (f"page furniture: {share:.0%} of the text is the page talking to its "
                  "reader about itself (a cookie, paywall, sign-in, JavaScript or error page)")
    else:
        return None
    return Verdict(reason, words, share)


def record(corpus: Corpus, article: Article, verdict: Verdict) -> str | None:
    """Store a non-article (inside the caller's transaction); the first path of the same text if seen before."""
    row = corpus.db.execute(
        "SELECT source_path, title FROM non_articles WHERE content_hash = ?", (article.content_hash,)
    ).fetchone()
    if row:
        corpus.db.execute("UPDATE non_articles SET seen_count = seen_count + 1, last_seen = ? "
                          "WHERE content_hash = ?", (utcnow().isoformat(), article.content_hash))
        return row[0] or row[1]
    now = utcnow().isoformat()
    corpus.db.execute(
        "INSERT INTO non_articles (content_hash, reason, title, outlet, url, source_path, words, "
        "first_seen, last_seen, seen_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        (article.content_hash, verdict.reason, article.title, article.outlet, article.url,
         article.source_path, verdict.words, now, now),
    )
    return None


def listing(corpus: Corpus, since: date | None, until: date | None) -> list[dict]:
    """Non-articles first seen in a date range (days included), most repeated first, for the dedup report."""
    rows = corpus.db.execute(
        "SELECT content_hash, reason, title, outlet, source_path, seen_count, first_seen FROM non_articles "
        "WHERE substr(first_seen, 1, 10) BETWEEN ? AND ? ORDER BY seen_count DESC, first_seen, content_hash",
        ((since or date.min).isoformat(), (until or date.max).isoformat()),
    )
    return [dict(row) for row in rows]


def count(corpus: Corpus) -> tuple[int, int]:
    """(distinct non-article texts, times they were seen) for `digest status`."""
    row = corpus.db.execute("SELECT count(*), coalesce(sum(seen_count), 0) FROM non_articles").fetchone()
    return int(row[0]), int(row[1])


__all__ = ["Verdict", "count", "furniture", "judge", "listing", "record"]
