"""Page furniture written once for the cleaner (sources/clean.py) and the summariser
(summarize/sentences.py): photo credits, copyright lines, calls to action, captions.

Patterns only, kept apart from the code that uses them (as trafilatura keeps its XPaths).
The cleaner matches whole lines case-insensitively; the summariser matches lower-cased
sentences, so its patterns are written in lower case.
"""
from __future__ import annotations

import re

# Agencies whose name marks a photo credit ("Reuters/Jane Doe", "via Getty Images").
AGENCIES = ("Getty Images", "Shutterstock", "Alamy", "AP Photo", "Reuters", "AFP", "EPA", "Bloomberg")
_VIA = ("Getty Images", "Reuters", "AP", "AFP", "Shutterstock", "Alamy")
_AFTER_SLASH = ("Getty Images", "Shutterstock", "Alamy", "Reuters", "AFP", "EPA", "AP", "Bloomberg")

# --- the cleaner: whole lines ---------------------------------------------------------
# Photo credits. Each unanchored pattern runs only on lines holding its screening
# substring (lowercased), as scanning every position of every line is the slow part.
CREDIT_SCREENED = (
    ("via ", re.compile(rf"\bvia ({'|'.join(_VIA)})\b", re.IGNORECASE)),
    ("/", re.compile(rf"({'|'.join(AGENCIES)})\s*/|/\s*({'|'.join(_AFTER_SLASH)})\b", re.IGNORECASE)),
    ("(", re.compile(
        r"\((?:[^()]*\b)?(photo|image|picture|photograph|credit|illustration)s?\s*(by|:|credit)[^()]*\)",
        re.IGNORECASE,
    )),
)
CREDIT_START = re.compile(
    r"(photo|image|picture|photograph|illustration)s?\s*(by|:|credit)\s"
    r"|(credit|source)\s*:\s*\S.*(images|photo|stock|press)\b",
    re.IGNORECASE,
)

# Calls to action, interface lines, link teasers, contact lines and captions (cleaner).
CTA_WORDS = frozenset(
    "share shares sharing follow subscribe unsubscribe subscribed subscription subscribers join sign signup "
    "newsletter newsletters comment comments like tweet facebook twitter telegram instagram "
    "whatsapp linkedin youtube tiktok viber download app notifications register login donate "
    "click tap channel friends feed rss bookmark inbox alerts podcast"
    .split()
)
READER = frozenset("you your yours us our".split())
IMPERATIVE = frozenset(
    "share follow subscribe join sign leave click tap download get read watch listen like "
    "support donate register stay keep tell send add don't never".split()
)
UI_LINE = re.compile(
    r"^(source|original|permanent|short)\s+link"
    r"|^(video|photo|image|picture)s?\s+of\s+(the\s+)?(day|week)"
    r"|^(show|load|see|view|read)\s+(more|all|also|full|next|previous)\b"
    r"|^(more|latest|top|related|recommended|trending|popular|other)\s+(news|stories|articles|posts|videos|reads?)\b"
    r"|^(published|updated|posted|modified|last\s+updated|created)\s*(on|at)?\s*:?"
    r"|^(advertisement|advert|sponsored|promoted|ad)$"
    r"|^(related|read\s+also|also\s+read|see\s+also|most\s+read|tags?|topics?|share\s+this)\s*:?"
    r"|^(skip\s+to|jump\s+to|back\s+to\s+top|print|email|menu|close|loading)\b"
    r"|^(watch|listen)\s*:?\s*$"
    r"|^(source|sources|filed\s+under|categories|category)\s*:"
    r"|^(more|also)\s*:?$"
    r"|^\d+\s*min(ute)?s?\s+(read|de\s+lecture|de\s+leitura)\b|reading\s+time|tempo\s+de\s+leitura"
    r"|tiempo\s+de\s+lectura|temps\s+de\s+lecture|lesezeit|время\s+чтения",
    re.IGNORECASE,
)
# Link teasers to other articles: "Read more: ...", "[Related: ...]", "Also on example.com ...".
TEASER = re.compile(
    r"^[\[(]?\s*(?:(?:read\s+more|related|see\s+also|also\s+read|read\s+also|more\s+on\s+this|"
    r"recommended|lesen\s+sie\s+auch|mehr\s+zum\s+thema|lire\s+aussi|à\s+lire\s+aussi|lee\s+también|"
    r"leia\s+também|читайте\s+также|читайте\s+також)\s*[:|»›>–—-]"
    r"|you\s+(?:may|might)\s+also\s+like|also\s+on\s+\S+\.[a-z]{2,}\b)",
    re.IGNORECASE,
)
# An author's contact line: "Jane Doe can be reached at jdoe@example.com".
CONTACT_SCREEN = "@"
CONTACT = re.compile(r"\b(reached|contact(ed)?|write\s+to|e-?mail)\b[^@]{0,60}\S+@\S+\.\w+", re.IGNORECASE)
# Image captions without a credit: "(left)", "pictured", "Above: ...", "File photo".
CAPTION_SCREEN = ("(", "pictured", "file")
CAPTION_CUE = re.compile(
    r"\((?:left|right|centre|center|top|bottom|above|below|pictured|inset)\)"
    r"|\b(?:pictured|file\s+photo)\b",
    re.IGNORECASE,
)
CAPTION_START = re.compile(
    r"(?:above|top|left|right|pictured|main\s+image|inset|in\s+pictures?)\s*:", re.IGNORECASE
)
STRONG_CTA = re.compile(r"\bclick\s+here\b|\bsign\s+up\b|\bsubscribe\b", re.IGNORECASE)

# --- the summariser: sentences ----------------------------------------------------------
# Agency marks of a credit inside a sentence, shared by JUNK and CREDIT.
_AGENCY_MARKS = r"getty images|shutterstock|\bap photo\b|/afp\b|afp via|pool/|/reuters\b|reuters/|\bepa-efe\b"
# Sentences that belong to the page, not to the story (captions, credits, calls to action).
JUNK = re.compile(
    rf"{_AGENCY_MARKS}|\bphoto(?:graph)?\s*(?:by|:|credit)|\(photo|photo\)"
    r"|\bfile photo\b|\bcredit:|^image:|^caption:"
    r"|\bsign up (?:for|to|here|now|today)\b|\bsubscribe (?:now|here|today|for free)\b"
    r"|\bsubscribe to (?:our|my) |\bsubscribe to the (?:newsletter|channel|podcast|feed)"
    r"|\b(?:our|free|daily|weekly) newsletter|follow us\b|\bunsubscribe\b"
    r"|share (?:it|this) (?:with|on)|leave a comment|click here|^read more\b|read more:|source link"
    r"|all rights reserved|©|\bcopyright \d|distributed by|telegram channel|join our\b"
    r"|download (?:the|our) app|we use cookies|cookie (?:policy|settings)|^advertisement$|^related:"
    r"|^recommended:|^watch:|^(?:question|q|reporter|moderator)\s*:|email-рассылк|подписывайтесь"
    r"|подпишитесь",
)  # matched against lower-cased text
CREDIT = re.compile(rf"{_AGENCY_MARKS}|photo by|\bphoto:|\bcredit:|\bimage:|\(photo|photo\)", re.IGNORECASE)
CAPTION_VERB = re.compile(
    r"\b(?:speaks|gestures|looks on|attends|arrives|listens|walks|poses|is seen|are seen|pictured"
    r"|in this photo|close-up|file photo)\b", re.IGNORECASE,
)

# --- wire datelines -------------------------------------------------------------------------
# "WASHINGTON, March 3 -", "BERLIN (AP) _", "BRUSSELS, May 2 (Xinhua) --", "PARIS, 2 mai (Reuters) -",
# "MADRID, 2 may (EFE).-", "МОСКВА, 2 мая. /ТАСС/.": an upper-case place, then a date and/or an
# agency, then the dash (or the full stop after the agency) that ends the dateline; or, as US papers
# write it, the place alone before a long dash ("WASHINGTON — ", "EL PASO, Texas -- ").
_CAPS = "A-ZÀ-ÖØ-ÞА-ЯЁ"
_PLACE = rf"[{_CAPS}][{_CAPS}'’.\-]+(?:[ /][{_CAPS}][{_CAPS}'’.\-]+){{0,3}}"
_DAY = r"(?:[^\W\d_]{3,10}\.?\s+\d{1,2}|\d{1,2}\s+[^\W\d_]{3,10}\.?)(?:,?\s+\d{4})?"
_AGENCY = r"[(/][^()/\n]{1,40}[)/]"
_END = r"\s*(?:\.?\s*(?:-{1,2}|–|—|_)|(?<=[)/])\.)\s+"
_STATE = r"(?:,\s*[A-Z][a-z]+\.?(?:\s[A-Z][a-z]+\.?)?)?"  # ", Texas", ", N.M." after a US place
_LONG_DASH = r"\s+(?:—|–|--)\s+"
DATELINE = re.compile(rf"^{_PLACE}(?:,\s*{_DAY}\.?(?:\s*{_AGENCY})?|\s*{_AGENCY}){_END}"
                      rf"|^(?=[{_CAPS}]{{4}}|[{_CAPS}]+ [{_CAPS}]{{2}}){_PLACE}{_STATE}{_LONG_DASH}")
