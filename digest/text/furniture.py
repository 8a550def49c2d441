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
COPYRIGHT_SCREEN = ("©", "(c)", "copyright", "all rights reserved", "distributed by", "syndicat",
                    "reprint", "may not be")
COPYRIGHT = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|\bdistributed by\b|\bsyndicat(ed|ion)\b"
    r"|\breprint(s|ed)? (rights|permission)|\bmay not be (re)?published\b",
    re.IGNORECASE,
)
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

# --- the summariser: sentences ----------------------------------------------------------
# Agency marks of a credit inside a sentence, shared by JUNK and CREDIT.
_AGENCY_MARKS = r"getty images|shutterstock|\bap photo\b|/afp\b|afp via|pool/|/reuters\b|reuters/|\bepa-efe\b"
# Sentences that belong to the page, not to the story (captions, credits, calls to action).
JUNK = re.compile(
    rf"{_AGENCY_MARKS}|\bphoto(?:graph)?\s*(?:by|:|credit)|\(photo|photo\)"
    r"|\bfile photo\b|\bcredit:|^image:|^caption:"
    r"|\bsign up (?:for|to|here|now|today)\b|\bsubscribe (?:now|here|today|for free)\b"
    r"|\bsubscribe to (?:our|my) |\bsubscribe to the (?:newsletter|channel|podcast|feed)"
    r"|\b(?:our|free|daily|weekly) newsletter|follow us\b"
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
# agency, then the dash (or the full stop after the agency) that ends the dateline.
_CAPS = "A-ZÀ-ÖØ-ÞА-ЯЁ"
_PLACE = rf"[{_CAPS}][{_CAPS}'’.\-]+(?:[ /][{_CAPS}][{_CAPS}'’.\-]+){{0,3}}"
_DAY = r"(?:[^\W\d_]{3,10}\.?\s+\d{1,2}|\d{1,2}\s+[^\W\d_]{3,10}\.?)(?:,?\s+\d{4})?"
_AGENCY = r"[(/][^()/\n]{1,40}[)/]"
_END = r"\s*(?:\.?\s*(?:-{1,2}|–|—|_)|(?<=[)/])\.)\s+"
DATELINE = re.compile(rf"^{_PLACE}(?:,\s*{_DAY}\.?(?:\s*{_AGENCY})?|\s*{_AGENCY}){_END}")
