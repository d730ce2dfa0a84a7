"""Query hygiene: shopper text arrives with control characters, odd spacing and
sometimes pasted novels; normalise it before it reaches the tokenizer or encoder."""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY_CHARS = 1000
_SPACE = re.compile(r"\s+")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


def clean_query(text: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """NFC-normalise, turn control/format characters into spaces, collapse whitespace,
    and cut to `max_chars` (the encoder sees at most 256 tokens anyway)."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") else ch for ch in text)
    return _SPACE.sub(" ", text).strip()[:max_chars].strip()


def guess_lang(text: str) -> str:
    """'ko' when the text contains Hangul, else 'en' (used only when the caller gives none)."""
    return "ko" if _HANGUL.search(text) else "en"
