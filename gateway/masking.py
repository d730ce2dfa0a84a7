"""Masking personal data in free text before it leaves the conversation.

Chat text reaches logs, metric labels, the editors' miss inbox and exports.  Shoppers type
their email, phone, card or address into the chat, so every one of those places stores
`mask(text)` instead.  Patterns cover Korean and international formats; a card number is
only masked when it passes the Luhn check, so order numbers stay readable.
"""

from __future__ import annotations

import re

_RRN = re.compile(r"(?<!\d)\d{6}[-\s]?[1-8]\d{6}(?!\d)")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}"  # international: +82 10-1234-5678
    r"|0\d{1,2}[\s.-]?\d{3,4}[\s.-]?\d{4}"  # Korean: 010-1234-5678, 02 123 4567
    r"|\(\d{3}\)\s?\d{3}[\s.-]?\d{4}"  # North American: (555) 123-4567
    r"|\d{3}[.-]\d{3}[.-]\d{4}"
    r")(?!\d)"
)
_STREET_EN = re.compile(
    r"\b\d{1,6}[A-Za-z]?\s+(?:[A-Z][\w'-]*\.?\s+){1,4}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Square|Sq)\b\.?"
    r"(?:,?\s*(?:Apt|Suite|Unit|#)\.?\s*\w+)?",
    re.IGNORECASE,
)
# Korean road-name (도로명) and lot-number (지번) addresses: "테헤란로 123", "역삼동 123-45번지",
# with the city and district in front when they are there.
_STREET_KO = re.compile(
    r"(?:[가-힣]+(?:특별시|광역시|특별자치시|특별자치도|시|도)\s+)?(?:[가-힣]+(?:시|군|구)\s+)*"
    r"[가-힣0-9]+(?:로|길|동|읍|면|리)\s?\d+(?:-\d+)?(?:번길\s?\d+(?:-\d+)?)?(?:번지)?"
    r"(?:\s?,?\s?\d+동\s?\d+호|\s?\d+호)?"
)

MASKS = ("[rrn]", "[card]", "[email]", "[phone]", "[address]")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "[card]" if 13 <= len(digits) <= 19 and _luhn_ok(digits) else match.group()


def mask(text: str) -> str:
    """The text with personal data replaced by placeholders such as ``[email]``."""
    text = _RRN.sub("[rrn]", text)
    text = _CARD.sub(_mask_card, text)
    text = _EMAIL.sub("[email]", text)
    text = _PHONE.sub("[phone]", text)
    text = _STREET_EN.sub("[address]", text)
    return _STREET_KO.sub("[address]", text)
