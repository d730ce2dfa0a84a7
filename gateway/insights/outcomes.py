"""The outcome of a conversation: decided here, once, from its events in time order.

The store keeps each conversation's outcome up to date as its events arrive (a later turn
can still change it), and every figure that counts success reads that column, so the
dashboard, the report and /metrics cannot count "contained" in different ways.

- ``bot_resolved``: the bot's last word helped: an article shown and not refused, "Yes" to
  "Did this help?", or a flow that told the shopper where their order stands.
- ``agent_resolved``: an agent resolved the ticket, or handed the conversation back to the bot
  and the bot was not then seen to fail.
- ``left_message``: nobody could chat and the shopper left a contact for the team.
- ``abandoned_after_miss`` / ``abandoned_after_no`` / ``abandoned_at_dead_end``: the bot's last
  word was a miss, a "No" to "Did this help?", or a dead end (no such order, too many checks).
- ``abandoned_waiting``: the shopper left the queue, or the ticket expired, before an agent.
- ``abandoned_midway``: the shopper spoke, the bot asked or clarified, and nothing followed.
- ``open``: a ticket is waiting for or being served by an agent.
- ``silent``: the conversation was opened (a prompt shown, the widget opened) but the shopper
  never wrote; containment leaves these out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from contracts.signals import ABOUT_AN_EARLIER_QUESTION
from gateway.insights import kinds

OUTCOMES = ("bot_resolved", "agent_resolved", "left_message", "abandoned_after_miss", "abandoned_after_no",
            "abandoned_at_dead_end", "abandoned_waiting", "abandoned_midway", "open", "silent")
SILENT = "silent"
# the events an outcome is decided from (the store recomputes a conversation's outcome when one arrives)
DECIDING = frozenset({kinds.TURN, kinds.KB_DECISION, kinds.MISS, kinds.BOT_RESULT, "handoff_enqueued",
                      "handoff_claimed", "handoff_resolved", "handoff_handed_back", "handoff_cancelled",
                      "handoff_dead"})
_BY_RESULT = {"completed": "bot_resolved", "confirmed": "bot_resolved", "dead_end": "abandoned_at_dead_end",
              "left_message": "left_message"}
_BY_DECISION = {"answer": "bot_resolved", "clarify": "abandoned_midway"}  # "none" comes with its miss


def decide(events: Iterable[tuple[str, dict[str, Any]]]) -> str:
    """The outcome after these (type, fields) events, oldest first."""
    outcome = SILENT
    for type_, fields in events:
        outcome = _after(outcome, type_, fields)
    return outcome


def _after(outcome: str, type_: str, fields: dict[str, Any]) -> str:
    if type_ == kinds.BOT_RESULT and fields.get("result") == "left_message":
        return "left_message"  # its ticket was opened in the same turn, just before
    if type_.startswith("handoff_"):
        return _after_handoff(outcome, type_.removeprefix("handoff_"))
    if outcome in ("open", "left_message"):
        return outcome  # the team owns it: a bot event of the handing-over turn decides nothing
    if type_ == kinds.TURN:
        return "abandoned_midway" if outcome == SILENT else outcome
    if type_ == kinds.KB_DECISION:
        return _BY_DECISION.get(fields.get("decision", ""), outcome)
    if type_ == kinds.MISS and fields.get("source") not in ABOUT_AN_EARLIER_QUESTION:
        return "abandoned_after_miss"
    if type_ == kinds.MISS and fields.get("source") == "not_helpful":
        return "abandoned_after_no"
    if type_ == kinds.BOT_RESULT:
        return _BY_RESULT.get(fields.get("result", ""), outcome)
    return outcome  # a rephrasing or a request for a person is judged by what the bot does next


def _after_handoff(outcome: str, kind: str) -> str:
    if kind in ("enqueued", "claimed"):
        return outcome if outcome == "left_message" else "open"
    if kind in ("resolved", "handed_back"):
        return "agent_resolved"
    if kind in ("cancelled", "dead"):
        return outcome if outcome == "left_message" else "abandoned_waiting"
    return outcome
