"""The SQLite store behind the dashboard, the report and /metrics.

Why SQLite: a support lead asks for one period, language and segment at a time over a few
million rows at most, on the box that runs the gateway; an embedded file with indexes on
(type, ts) and conversation answers that in milliseconds, needs no server, and copies as one
file.  WAL lets the report read while the gateway writes.

Each store file has a random id; the ingester's consumer group is named after it, so every
store (every deployment, every test) receives each event once, from its creation on.
Two tables: ``events`` (one row per fact, keyed by its stream id, so re-ingesting is harmless)
and ``conversations`` (start time, language, segment, subject, page type, and the outcome that
gateway/insights/outcomes.py decides from its events), which the filters act on.
Calls are synchronous; the gateway runs them in a worker thread.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.insights import outcomes
from gateway.insights.kinds import CONVERSATION_STARTED, SEGMENT, TURN

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, ts REAL NOT NULL, type TEXT NOT NULL, conversation_id TEXT,
  subject TEXT, lang TEXT, segment TEXT, fields TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS events_type_ts ON events (type, ts);
CREATE INDEX IF NOT EXISTS events_conversation ON events (conversation_id);
CREATE INDEX IF NOT EXISTS events_subject ON events (subject);
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, started REAL NOT NULL, lang TEXT, segment TEXT, subject TEXT, page_type TEXT,
  outcome TEXT NOT NULL DEFAULT 'silent');
CREATE INDEX IF NOT EXISTS conversations_started ON conversations (started);
CREATE INDEX IF NOT EXISTS conversations_subject ON conversations (subject);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Event:
    id: str
    ts: float
    type: str
    conversation_id: str | None
    fields: dict[str, Any]
    subject: str | None = None
    lang: str | None = None
    segment: str | None = None


class InsightsStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._add_outcome_column()
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('store_id', ?)", (secrets.token_hex(8),))
        self.store_id: str = self._db.execute("SELECT value FROM meta WHERE key='store_id'").fetchone()[0]
        self._lock = threading.Lock()

    def _add_outcome_column(self) -> None:
        """A store made before outcomes existed gets the column, and every conversation its outcome."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(conversations)")}
        if "outcome" in columns:
            return
        self._db.execute("ALTER TABLE conversations ADD COLUMN outcome TEXT NOT NULL DEFAULT 'silent'")
        for (cid,) in self._db.execute("SELECT id FROM conversations").fetchall():
            self._decide(cid)

    def close(self) -> None:
        """Wait for a call still running in a worker thread (a cancelled ingest leaves one behind):
        closing SQLite under it crashes the process."""
        with self._lock:
            self._db.close()

    def add(self, events: Iterable[Event]) -> int:
        """Store events (duplicates ignored) and fold conversation facts into their row."""
        added, touched = 0, set()
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for event in events:
                    added += self._add_one(event)
                    if event.conversation_id and (event.type in outcomes.DECIDING
                                                  or event.type == CONVERSATION_STARTED):
                        touched.add(event.conversation_id)
                for cid in touched:  # events of two streams arrive out of order: decide from all of them
                    self._decide(cid)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return added

    def _add_one(self, event: Event) -> int:
        db = self._db
        cid = event.conversation_id
        if event.type == CONVERSATION_STARTED and cid:
            db.execute("INSERT OR IGNORE INTO conversations (id, started, lang, segment, subject, page_type) "
                       "VALUES (?,?,?,?,?,?)",
                       (cid, event.ts, event.lang, event.segment, event.subject, event.fields.get("page_type")))
        elif event.type == SEGMENT and cid and event.segment:
            db.execute("UPDATE conversations SET segment=? WHERE id=?", (event.segment, cid))
            db.execute("UPDATE events SET segment=? WHERE conversation_id=?", (event.segment, cid))
        elif event.type == TURN and cid and event.lang:
            db.execute("UPDATE conversations SET lang=? WHERE id=?", (event.lang, cid))
        subject, lang, segment = event.subject, event.lang, event.segment
        if cid:
            row = db.execute("SELECT subject, lang, segment FROM conversations WHERE id=?", (cid,)).fetchone()
            if row:
                subject, lang, segment = subject or row[0], lang or row[1], segment or row[2]
        cursor = db.execute(
            "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?,?)",
            (event.id, event.ts, event.type, cid, subject, lang, segment,
             json.dumps(event.fields, ensure_ascii=False, separators=(",", ":"))))
        return cursor.rowcount

    def _decide(self, conversation_id: str) -> None:
        marks = ",".join("?" * len(outcomes.DECIDING))
        rows = self._db.execute(f"SELECT type, fields FROM events WHERE conversation_id=? AND type IN ({marks}) "
                                "ORDER BY ts, id", (conversation_id, *sorted(outcomes.DECIDING))).fetchall()
        outcome = outcomes.decide((type_, json.loads(fields)) for type_, fields in rows)
        self._db.execute("UPDATE conversations SET outcome=? WHERE id=?", (outcome, conversation_id))

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    # ---- data-subject requests (used by gateway/privacy) ---------------------------------------------

    def export_subject(self, subject: str) -> list[dict[str, Any]]:
        """Every event held about one pseudonymous customer, oldest first."""
        rows = self.query(
            "SELECT id, ts, type, conversation_id, lang, segment, fields FROM events WHERE subject=? "
            "OR conversation_id IN (SELECT id FROM conversations WHERE subject=?) ORDER BY ts", (subject, subject))
        return [{"id": r[0], "ts": r[1], "type": r[2], "conversation_id": r[3], "lang": r[4], "segment": r[5],
                 "fields": json.loads(r[6])} for r in rows]

    def erase_subject(self, subject: str) -> int:
        """Delete the customer's events and conversation rows; returns the number of events deleted."""
        with self._lock:
            self._db.execute("BEGIN")
            deleted = self._db.execute(
                "DELETE FROM events WHERE subject=? OR conversation_id IN "
                "(SELECT id FROM conversations WHERE subject=?)", (subject, subject)).rowcount
            self._db.execute("DELETE FROM conversations WHERE subject=?", (subject,))
            self._db.execute("COMMIT")
        return deleted

    def delete_before(self, ts: float) -> int:
        """Retention: drop events and conversations older than ``ts``."""
        with self._lock:
            self._db.execute("BEGIN")
            deleted = self._db.execute("DELETE FROM events WHERE ts < ?", (ts,)).rowcount
            self._db.execute("DELETE FROM conversations WHERE started < ?", (ts,))
            self._db.execute("COMMIT")
        return deleted
