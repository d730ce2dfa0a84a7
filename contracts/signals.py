"""Turn signals: facts an action reports about a turn to the gateway, never shown to the shopper.

An action attaches one to its replies as a custom JSON message, ``{SIGNAL_KEY: {"kind": …, …}}``
(`wrap`); Rasa passes it through, and the gateway takes it out of the replies (`unwrap`) before
the shopper sees them.  The kinds and the fields each carries:

- ``miss``: the bot could not help (``source``, ``lang``; the editors' inbox).
- ``kb_question``: a FAQ search (``lang``, ``decision``, ``category``, …; insights and the preview).
- ``insight``: a fact for the dashboard (``event`` and its fields).
- ``timing``: added by the gateway itself, never by an action (Rasa and action durations).
"""

from __future__ import annotations

from typing import Any

SIGNAL_KEY = "shopassist_signal"
KINDS = ("miss", "kb_question", "insight", "timing")


def wrap(kind: str, **fields: Any) -> dict[str, Any]:
    """The custom message that carries one signal."""
    if kind not in KINDS:
        raise ValueError(f"unknown signal kind {kind!r}; known: {', '.join(KINDS)}")
    return {SIGNAL_KEY: {"kind": kind, **fields}}


def unwrap(custom: object) -> dict[str, Any] | None:
    """The signal a reply's ``custom`` payload carries, or None for a reply the shopper should see."""
    signal = custom.get(SIGNAL_KEY) if isinstance(custom, dict) else None
    return signal if isinstance(signal, dict) else None
