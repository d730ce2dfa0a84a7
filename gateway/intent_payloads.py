"""Which shopper texts may reach Rasa as an intent.

Rasa reads any text that begins with "/" as ``/intent{entities}`` and skips its NLU, so a
shopper typing ``/EXTERNAL_handoff_resolved`` would start the after-handoff survey and
``/rate{"score":"1"}`` would answer it.  A "/" text passes unchanged only when it is the
payload of a button this conversation was offered recently (the widget sends a clicked
button's payload as the message); ``EXTERNAL_*`` intents, which only the gateway itself
triggers, never pass.  Any other "/" text goes to NLU as words, without its leading slashes.
"""

from __future__ import annotations

from collections.abc import Iterable

from gateway.conversations import Message
from gateway.errors import Invalid

INTENT_PREFIX = "/"
EXTERNAL_PREFIX = "EXTERNAL_"
OFFER_LOOKBACK_MESSAGES = 20  # a button further back than this in the transcript has expired
OFFER_TTL_S = 3600.0  # as has one offered longer ago than this


def offered(recent: Iterable[Message], now: float) -> set[str]:
    """The payloads of the buttons shown in `recent` messages within the offer's lifetime."""
    return {button["payload"] for message in recent if message.buttons and now - message.ts <= OFFER_TTL_S
            for button in message.buttons}


def for_rasa(text: str, offered_payloads: set[str]) -> str:
    """`text` as Rasa may see it: an offered payload as is, anything else as plain words."""
    if not text.startswith(INTENT_PREFIX):
        return text
    intent = text[len(INTENT_PREFIX):].split("{", 1)[0].strip()
    if text in offered_payloads and not intent.startswith(EXTERNAL_PREFIX):
        return text
    words = text.lstrip(INTENT_PREFIX).strip()
    if not words:
        raise Invalid("text must contain more than slashes")
    return words
