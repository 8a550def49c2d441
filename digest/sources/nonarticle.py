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

Before judging, `strip_furniture` cuts such a banner or wall away when it was captured
above or below a real article (a run of furniture lines at the start or the end, with at
least one line plainly the page talking about itself); the middle is never touched.

A non-article is recorded in the corpus (table ``non_articles``, by content hash) so
that the same text arriving again is an exact duplicate of the first one; it joins no
story and never reaches a digest. The inbox moves its file to ``failed/`` with the
reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from digest.models import Article
from digest.text.tokens import WORD_APOS

FURNITURE_SHARE = 0.6   # above this word-weighted share a text is page furniture (one sign alone weighs 0.5)
STRONG_LINE = 0.8       # a line this much furniture is the page plainly talking about itself...
STRONG_LINE_WORDS = 6   # ...when it has this many words
FURNITURE_LINE = 0.6    # a line this much furniture may belong to a banner or wall around the article
SHORT_LINE_WORDS = 8    # as may a short line with a sign of it ("Manage preferences", "Log in here.")
LABEL_WORDS = 2         # and a button label with none ("Einstellungen", "Alle akzeptieren")

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+")
_QUOTED = re.compile(r"[\"“«„][^\"“”«»„]{0,400}[\"”»“]")


def _phrases(text: str) -> frozenset[tuple[str, ...]]:
    """Cue phrases (comma-separated) as tuples of lowercase words."""
    return frozenset(tuple(phrase.split()) for phrase in text.split(",") if phrase.strip())


# The page talking about itself: its machinery (cookies, scripts, accounts, clicks, errors).
_PAGE_WORDS = frozenset("""
    cookie cookies javascript browser browsers captcha adblock adblocker wayback webpage homepage paywall
    login signin signup password username subscribe subscribed subscriber subscribers subscribing
    subscription subscriptions unsubscribe click clicking clicked url 404
    abonnement inscrivez inscription cliquez navigateur anmelden abonnieren klicken
    datenschutzerklärung datenschutzeinstellungen suscríbete suscribete suscríbase suscribase suscribirse
    suscripción suscripcion navegador abbonati abbonamento clicca accedi assine assinatura
""".split())
_PAGE_PHRASES = _phrases("""
    this page, this site, this website, this url, this link, the page, the site, the website,
    the url, the link, our page, our site, our website, sign in, sign up, signed in, log in,
    logged in, log up, ad block, ad blocker, free article, free articles, premium content,
    register for, register now, registered for, tap here, privacy policy, privacy settings,
    privacy preferences, terms of use, terms of service, access denied, access to this,
    not archived, been archived, enable scripts, enable javascript, reload the page, app store,
    play store, download our app, download the app, security check, web property, your device,
    you are human, you are a human, are you a robot, connectez vous, abonnez vous, haga clic,
    clique aqui
""")
# The page speaking as itself: to its reader ("you", "please") or as "we".
_VOICE_WORDS = frozenset("""
    you your yours yourself you're you've you'll you'd please we we're we've our us
    vous votre vos nous notre nos usted ustedes nosotros nuestro nuestra nuestros nuestras você vocês nosso nossa
    wir unser unsere unserem unseren unserer unseres
""".split())
_VOICE_PHRASES = _phrases("this page, this site, this website, this content, this article")
_IMPERATIVES = frozenset("accept allow continue try save help enable visit manage get read watch listen".split())
_FORMAL_YOU = frozenset("Sie Ihr Ihre Ihrem Ihren Ihrer Ihres".split())  # German, only inside a sentence
_STARTS = frozenset(p[:2] for p in _PAGE_PHRASES | _VOICE_PHRASES)  # every phrase has two words or more


def _has_phrase(words: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
    """True when a run of consecutive words is one of the phrases (pairs screened by their first two words)."""
    for i, pair in enumerate(zip(words, words[1:])):
        if pair in _STARTS and any(tuple(words[i:i + len(p)]) == p for p in phrases if p[:2] == pair):
            return True
    return False


@dataclass(frozen=True)
class Verdict:
    """Why a text is not an article, with the figures behind it for the log and the report."""

    reason: str
    words: int
    furniture_share: float


def _sentences(text: str) -> list[str]:
    """Every sentence of every line, quoted speech left out (it is someone else speaking, not the page)."""
    text = _QUOTED.sub(" ", text)
    return [part for line in text.splitlines() for part in _SENTENCE_END.split(line.strip()) if part.strip()]


def _weight(words: list[str]) -> float:
    """How much a sentence is page furniture: 1 when the page talks about itself to its reader, half per sign."""
    lower = [w.lower().replace("’", "'") for w in words]
    page = not _PAGE_WORDS.isdisjoint(lower) or _has_phrase(lower, _PAGE_PHRASES)
    voice = (not _VOICE_WORDS.isdisjoint(lower) or (lower[:1] and lower[0] in _IMPERATIVES)
             or not _FORMAL_YOU.isdisjoint(words[1:]) or _has_phrase(lower, _VOICE_PHRASES))
    return (page + bool(voice)) / 2


def _any_page_talk(text: str) -> bool:
    """Whether the page's machinery is mentioned anywhere: without it no text can reach the bar."""
    words = WORD_APOS.findall(text.lower())
    return not _PAGE_WORDS.isdisjoint(words) or _has_phrase(words, _PAGE_PHRASES)


def furniture(title: str, body: str) -> tuple[int, float]:
    """(body words, word-weighted furniture share of title and body, quoted speech left out) of a text."""
    sentences = [title] + _sentences(body)
    if not _any_page_talk("\n".join(sentences)):  # then no sentence weighs more than 0.5
        return _count_words(body), 0.0
    return _count_words(body), _share(sentences)[1]


def _share(sentences: list[str]) -> tuple[int, float]:
    """(words, word-weighted furniture share) of some sentences."""
    words = weighted = 0
    for sentence in sentences:
        found = WORD_APOS.findall(sentence)
        words += len(found)
        weighted += len(found) * _weight(found) if found else 0.0
    return words, (weighted / words if words else 0.0)


def _count_words(body: str) -> int:
    """Words of a body (exactly for short ones; a long body is far above any min_words anyway)."""
    return len(WORD_APOS.findall(body)) if len(body) < 4000 else len(body.split())


def _run_length(lines: list[str]) -> int:
    """How many of the first lines are page furniture, if that run holds at least one strong
    line (the page plainly talking about itself); 0 otherwise."""
    run = 0
    strong = False
    for i, line in enumerate(lines):
        if line.strip():
            words, share = _share(_sentences(line))
            if share >= STRONG_LINE and words >= STRONG_LINE_WORDS:
                strong = True
            elif not (share >= FURNITURE_LINE or (words <= SHORT_LINE_WORDS and share > 0)
                      or (words <= LABEL_WORDS and not line.rstrip().endswith((".", "!", "?")))):
                break
        run = i + 1
    return run if strong else 0


def strip_furniture(body: str) -> str:
    """The body without a cookie banner, paywall or sign-up wall captured above or below the article.

    A run of lines at the start or the end is removed when every line in it is mostly page
    furniture (or a short interface label such as "Accept all") and at least one is plainly
    the page talking about itself; the middle of the text is never touched."""
    if not _any_page_talk(body):
        return body
    lines = body.split("\n")
    head = _run_length(lines)
    lines = lines[head:]
    tail = _run_length(lines[::-1])
    kept = lines[:len(lines) - tail]
    return "\n".join(kept).strip() if head or tail else body


def measure(article: Article) -> tuple[str, tuple[int, float]]:
    """The body without banners around it, and the furniture figures `judge` needs (the whole
    text's when nothing is left: then it is all furniture)."""
    body = strip_furniture(article.body)
    return body, furniture(article.title, body if body.strip() else article.body)


def judge(article: Article, min_words: int, measured: tuple[int, float] | None = None) -> Verdict | None:
    """Why this article is not one (too short, or page furniture), or None for a real article
    (`measured`: its `furniture` figures when worked out ahead, in a reader process)."""
    words, share = measured or furniture(article.title, article.body)
    if words < min_words:
        reason = f"too short: {words} words of text (at least {min_words}, [ingest] min_words)"
    elif share >= FURNITURE_SHARE:
        reason = (f"page furniture: {share:.0%} of the text is the page talking to its "
                  "reader about itself (a cookie, paywall, sign-in, JavaScript or error page)")
    else:
        return None
    return Verdict(reason, words, share)


__all__ = ["Verdict", "furniture", "judge", "measure", "strip_furniture"]
