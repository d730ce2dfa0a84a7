"""Reporting facts about a turn to the gateway (see bot/turn_signals.py), invisible to the shopper."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

SIGNAL_KEY = "shopassist_signal"  # must match bot.turn_signals.SIGNAL_KEY (actions may not import bot)


def emit(dispatcher: CollectingDispatcher, kind: str, **fields: Any) -> None:
    """Attach a signal such as ``emit(dispatcher, "miss", source="kb_none", ...)`` to this turn's replies."""
    dispatcher.utter_message(json_message={SIGNAL_KEY: {"kind": kind, **fields}})
