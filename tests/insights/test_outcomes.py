"""A conversation's outcome from its events, in the orders they really arrive in."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from gateway.insights.outcomes import decide
from gateway.insights.store import Event, InsightsStore

ANSWER = ("kb_decision", {"decision": "answer", "article_id": "en-shipping"})
TURN = ("turn", {})


@pytest.mark.parametrize(("events", "outcome"), [
    ([], "silent"),
    ([TURN], "abandoned_midway"),  # asked; the bot asked back; the shopper left
    ([TURN, ANSWER], "bot_resolved"),
    ([TURN, ANSWER, TURN, ("miss", {"source": "not_helpful"})], "abandoned_after_no"),
    ([TURN, ANSWER, TURN, ("miss", {"source": "not_helpful"}), TURN, ANSWER], "bot_resolved"),  # the runner-up
    ([TURN, ("kb_decision", {"decision": "none"}), ("miss", {"source": "kb_none"})], "abandoned_after_miss"),
    ([TURN, ("miss", {"source": "out_of_scope"})], "abandoned_after_miss"),
    ([TURN, ("bot_result", {"result": "dead_end"})], "abandoned_at_dead_end"),
    ([TURN, ("bot_result", {"result": "completed"})], "bot_resolved"),
    ([TURN, ANSWER, TURN, ("miss", {"source": "rephrased"}), ANSWER], "bot_resolved"),  # judged by the new answer
    # the ticket is opened inside the action, before the turn's own events are written
    ([("handoff_enqueued", {}), TURN, ("miss", {"source": "kb_none"})], "open"),
    ([("handoff_enqueued", {}), ("handoff_claimed", {}), ("handoff_resolved", {}), TURN], "agent_resolved"),
    ([("handoff_enqueued", {}), ("handoff_cancelled", {})], "abandoned_waiting"),
    ([("handoff_enqueued", {}), ("handoff_dead", {})], "abandoned_waiting"),
    ([("handoff_enqueued", {}), ("handoff_handed_back", {}), TURN, ("miss", {"source": "nlu_fallback"})],
     "abandoned_after_miss"),
    ([("handoff_enqueued", {}), TURN, ("bot_result", {"result": "left_message"}), ("handoff_claimed", {})],
     "left_message"),
    ([("handoff_enqueued", {}), ("bot_result", {"result": "left_message"}), ("handoff_resolved", {})],
     "agent_resolved"),
])
def test_outcome(events: list[tuple[str, dict]], outcome: str) -> None:
    assert decide(events) == outcome


def test_the_store_decides_from_all_events_whatever_order_the_two_streams_deliver_them(tmp_path: Path) -> None:
    store = InsightsStore(tmp_path / "insights.sqlite3")
    store.add([Event("in:1-0", 10, "conversation_started", "c", {}, lang="en")])
    store.add([Event("in:3-0", 30, "turn", "c", {}), Event("in:4-0", 30, "miss", "c", {"source": "kb_none",
                                                                                         "question": "x"})])
    assert store.query("SELECT outcome FROM conversations") == [("abandoned_after_miss",)]
    store.add([Event("ho:2-0", 20, "handoff_enqueued", "c", {"ticket_id": "T"})])  # earlier, read later
    assert store.query("SELECT outcome FROM conversations") == [("open",)]


def test_a_store_from_before_outcomes_gets_them_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE events (id TEXT PRIMARY KEY, ts REAL NOT NULL, type TEXT NOT NULL, conversation_id TEXT,
          subject TEXT, lang TEXT, segment TEXT, fields TEXT NOT NULL DEFAULT '{}');
        CREATE TABLE conversations (id TEXT PRIMARY KEY, started REAL NOT NULL, lang TEXT, segment TEXT,
          subject TEXT, page_type TEXT);""")
    db.execute("INSERT INTO conversations VALUES ('c', 1, 'en', NULL, NULL, 'home')")
    db.execute("INSERT INTO events VALUES ('in:2-0', 2, 'kb_decision', 'c', NULL, 'en', NULL, ?)",
               (json.dumps({"decision": "answer", "article_id": "a"}),))
    db.commit()
    db.close()
    assert InsightsStore(path).query("SELECT id, outcome FROM conversations") == [("c", "bot_resolved")]
