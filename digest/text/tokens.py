"""Word patterns shared by every stage, so that "a word" means the same wherever it is counted."""
from __future__ import annotations

import re

TOKEN = re.compile(r"\w+")                                # letters, digits and "_": a term to count
WORD = re.compile(r"[^\W_]+")                             # letters and digits
WORD_APOS = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")       # ... with one inner apostrophe ("don't")
LETTERS = re.compile(r"[^\W\d_]+")                        # letters only
LETTERS_APOS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")  # letters with one inner apostrophe
