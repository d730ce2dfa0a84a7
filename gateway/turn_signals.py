"""Signals: facts an action reports about a turn, for the gateway's observers, never for the shopper.

An action emits one as a custom JSON message (their shape: `contracts/signals.py`); Rasa's
REST channel returns it in a reply's ``custom`` beside the visible replies.  The gateway splits
it off and hands it, with the shopper's text, to each observer (the editors' miss inbox,
insights).  Only the gateway holds the shopper's text, so masking happens here, in one process,
before anything is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from contracts.signals import unwrap
from gateway.conversations import Conversation

log = logging.getLogger(__name__)

# (conversation, shopper text as stored, the turn's signals) -> None
TurnObserver = Callable[[Conversation, str, list[dict[str, Any]]], Awaitable[None]]


def split_replies(replies: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(replies the shopper sees, signals)."""
    visible, signals = [], []
    for reply in replies:
        signal = unwrap(reply.get("custom"))
        if signal is not None:
            signals.append(signal)
        else:
            visible.append(reply)
    return visible, signals


async def notify(observers: Sequence[TurnObserver], conversation: Conversation, text: str,
                 signals: list[dict[str, Any]]) -> None:
    """Call every observer; one that fails is logged and does not fail the shopper's turn."""
    for observer in observers:
        try:
            await observer(conversation, text, signals)
        except Exception:
            log.exception("turn observer failed", extra={"conversation_id": conversation.id})
