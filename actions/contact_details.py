"""Email addresses and phone numbers in a shopper's words: for leaving a message
(actions/contact.py) and for a guest proving an order is theirs (actions/guest_orders.py)."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}"
                    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w@])")
_PHONE = re.compile(r"(?<![\d\w])(?:\+\d{1,3}[ -]?)?\d{2,4}[ -]?\d{3,4}[ -]?\d{4}(?!\d)")


def looks_like_contact(text: str) -> bool:
    """An attempt at an email or phone number, valid or not (so a typo gets "please check it")."""
    return "@" in text or len(re.findall(r"\d", text)) >= 6


def contact_in(text: str) -> dict[str, str] | None:
    """{"email": ...} or {"phone": ...} (digits only, + kept) when the text holds a valid one."""
    email = _EMAIL.search(text)
    if email and ".." not in email.group(0):
        return {"email": email.group(0)}
    phone = _PHONE.search(text)
    if phone:
        digits = re.sub(r"[^\d+]", "", phone.group(0))
        if 9 <= len(digits.lstrip("+")) <= 15:
            return {"phone": digits}
    return None


def question_beside_contact(text: str) -> str | None:
    """The question in "Do you rent costumes? Reach me at a@b.com": contact details make the NLU
    say provide_contact, but unasked-for details come with a question that deserves an answer."""
    rest = _PHONE.sub(" ", _EMAIL.sub(" ", text))
    words = re.findall(r"[^\W\d_]+", rest)
    return rest.strip() if "?" in rest and len(words) >= 3 else None
