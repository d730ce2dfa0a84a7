"""Which language a shopper writes in, so the bot follows a clear switch and ignores noise.

Order numbers, emoji and a stray "ok" must not flip a Korean conversation to English, so
a message counts as English only with three or more Latin letters outside words that
contain digits, and as Korean with two or more Hangul syllables; mixed text goes to the
script with the larger weighted share.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\S+")


def detect(text: str) -> str | None:
    """'ko', 'en', or None when the message does not clearly say."""
    if text.startswith("/"):
        return None  # a button payload such as /affirm{"choice":"1"} is no language at all
    hangul = latin = 0
    for word in _WORD.findall(text):
        if any(ch.isdigit() for ch in word):
            continue
        for ch in word:
            if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e":
                hangul += 1
            elif ch.isascii() and ch.isalpha():
                latin += 1
    # a Hangul syllable carries about as much as three Latin letters
    if hangul >= 2 and hangul * 3 >= latin:
        return "ko"
    if latin >= 3 and latin > hangul * 3:
        return "en"
    return None
