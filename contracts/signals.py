"""Turn signals: facts an action reports about a turn to the gateway, never shown to the shopper.

An action attaches one to its replies as a custom JSON message, ``{SIGNAL_KEY: {"kind": …, …}}``
(`wrap`); Rasa passes it through, and the gateway takes it out of the replies (`unwrap`) before
the shopper sees them.  The kinds and the fields each carries:

- ``miss``: the bot could not help (``source``, one of `MISS_SOURCES`, ``lang``; the editors'
  inbox and the dashboard's failure counts).
- ``kb_question``: a FAQ search (``lang``, ``decision``, ``category``, …; insights and the preview).
- ``insight``: a fact for the dashboard (``event`` and its fields; ``event="bot_result"`` with a
  ``result`` of `BOT_RESULTS` is what the bot achieved in the turn, for the conversation's outcome).
- ``timing``: added by the gateway itself, never by an action (Rasa and action durations).
"""

from __future__ import annotations

from typing import Any

SIGNAL_KEY = "shopassist_signal"
KINDS = ("miss", "kb_question", "insight", "timing")

# Every way the bot fails a shopper, as the editors' inbox files it and the dashboard counts it.
MISS_SOURCES = (
    "kb_none",               # the knowledge base had no answer
    "nlu_fallback",          # the intent classifier was unsure
    "misunderstood",         # no rule applied to the intent
    "out_of_scope",          # the bot said it only helps with shopping questions
    "not_helpful",           # "No" to "Did this help?" (about the question the article answered)
    "rephrased",             # the shopper asked the same question again in other words
    "handoff_after_answer",  # the shopper asked for a person right after a bot answer
)
# Misses about an earlier message: the signal's ``question`` is the question that went wrong.
ABOUT_AN_EARLIER_QUESTION = ("not_helpful", "rephrased", "handoff_after_answer")

# What a turn achieved for the shopper (a miss is reported as a ``miss`` signal instead).
BOT_RESULTS = (
    "completed",     # a flow did what was asked: the order's status shown, a return opened, …
    "confirmed",     # "Yes" to "Did this help?"
    "dead_end",      # the bot could not go on: sign-in needed, nothing the shopper can change, …
    "left_message",  # nobody could chat; the shopper left a contact for the team
)


def wrap(kind: str, **fields: Any) -> dict[str, Any]:
    """The custom message that carries one signal."""
    if kind not in KINDS:
        raise ValueError(f"unknown signal kind {kind!r}; known: {', '.join(KINDS)}")
    return {SIGNAL_KEY: {"kind": kind, **fields}}


def unwrap(custom: object) -> dict[str, Any] | None:
    """The signal a reply's ``custom`` payload carries, or None for a reply the shopper should see."""
    signal = custom.get(SIGNAL_KEY) if isinstance(custom, dict) else None
    return signal if isinstance(signal, dict) else None


def missed_question(signal: dict[str, Any], text: str) -> str | None:
    """The shopper's question a miss signal is about (this turn's text, or the earlier question it
    names), stripped; None when there is none, and then the miss is not stored anywhere."""
    asked = signal.get("question") if signal.get("source") in ABOUT_AN_EARLIER_QUESTION else text
    return asked.strip() if isinstance(asked, str) and asked.strip() else None
