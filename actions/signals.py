"""Reporting facts about a turn to the gateway (contracts/signals.py), invisible to the shopper."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from contracts import signals


def emit(dispatcher: CollectingDispatcher, kind: str, **fields: Any) -> None:
    """Attach a signal such as ``emit(dispatcher, "miss", source="kb_none", ...)`` to this turn's replies."""
    dispatcher.utter_message(json_message=signals.wrap(kind, **fields))
