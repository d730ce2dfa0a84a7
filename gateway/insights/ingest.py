"""Copying events from Redis into the SQLite store, exactly once in effect.

Two streams feed the store: ours (``{prefix}:insights:events``) and the handoff queue's audit
stream, so handoffs are not reported twice.  Each is read through a consumer group named after
the store (created at the stream's end when the store is new): with several gateway processes
sharing one store every entry goes to one of them, an entry is
acknowledged only after its row is committed, and entries a crashed process left pending are
taken over after a minute.  Rows are keyed by stream id, so a redelivered entry changes nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
import time
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from gateway.insights.kinds import SEGMENT
from gateway.insights.store import Event, InsightsStore
from handoff import Event as HandoffEvent
from handoff import HandoffError, HandoffQueue, Ticket, TicketNotFound

log = logging.getLogger(__name__)

_BATCH = 500
_STALE_MS = 60_000
_EVERY_S = 1.0
RAW_KEEP_S = 86400  # raw entries outlive ingestion by a day (a store offline longer misses events)
_CLOSED = ("resolved", "handed_back", "cancelled", "dead")


class Ingester:
    def __init__(self, redis: Redis, stream: str, queue: HandoffQueue, store: InsightsStore) -> None:
        self._redis = redis
        self._stream = stream
        self._streams = {stream: "in", queue.keys.events: "ho"}
        self._queue = queue
        self._store = store
        self._consumer = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self._group = f"insights-{store.store_id}"
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Create the groups now, so nothing written after start-up is missed; then follow every second."""
        try:
            for stream in self._streams:
                await self._ensure_group(stream)
        except RedisError as exc:  # the loop creates them once Redis answers
            log.warning("insights ingester: %s at start-up", type(exc).__name__)
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            try:
                await self.catch_up()
                # our stream only: the handoff queue keeps its audit stream by its own retention
                await self._redis.xtrim(self._stream, minid=int((time.time() - RAW_KEEP_S) * 1000),
                                        approximate=True)
            except (RedisError, HandoffError) as exc:
                log.warning("insights ingester: %s; retrying", type(exc).__name__)
            await asyncio.sleep(_EVERY_S)

    async def catch_up(self) -> int:
        """Ingest everything written so far (the dashboard calls this first, so its figures are current)."""
        added = 0
        async with self._lock:
            for stream, source in self._streams.items():
                await self._ensure_group(stream)
                added += await self._drain(stream, source, "0")  # ours, left pending by an earlier failure
                await self._take_over_stale(stream)
                added += await self._drain(stream, source, ">")
        return added

    async def _ensure_group(self, stream: str) -> None:
        try:
            await self._redis.xgroup_create(stream, self._group, id="$", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def _take_over_stale(self, stream: str) -> None:
        await self._redis.xautoclaim(stream, self._group, self._consumer, _STALE_MS, "0-0", count=_BATCH)

    async def _drain(self, stream: str, source: str, start: str) -> int:
        added = 0
        while True:
            reply = await self._redis.xreadgroup(self._group, self._consumer, {stream: start}, count=_BATCH)
            entries = [(_text(i), {_text(k): _text(v) for k, v in f.items()}) for _, batch in reply or []
                       for i, f in batch if f]
            if not entries:
                return added
            events = [await self._event(source, entry_id, fields) for entry_id, fields in entries]
            added += await asyncio.to_thread(self._store.add, [e for e in events if e is not None])
            await self._redis.xack(stream, self._group, *[entry_id for entry_id, _ in entries])
            if start != ">":  # pending entries are re-read from the start until none are left
                start = entries[-1][0]

    async def _event(self, source: str, entry_id: str, raw: dict[str, str]) -> Event | None:
        try:
            if source == "in":
                return _our_event(entry_id, raw)
            return await self._handoff_event(entry_id, raw)
        except (KeyError, ValueError) as exc:
            log.warning("insights: skipped malformed entry %s: %s", entry_id, exc)
            return None

    async def _handoff_event(self, entry_id: str, raw: dict[str, str]) -> Event:
        """A handoff state change, with the ticket's reasons and priority (not in the audit entry)."""
        fields: dict[str, Any] = {"ticket_id": raw["ticket_id"]}
        ts = HandoffEvent.from_entry(entry_id, raw).ts  # the queue's own reading of its stream
        ticket = await self._ticket(raw["ticket_id"])
        if raw["type"] == "enqueued":
            fields.update(priority=int(raw["priority"]), skill=raw["skill"],
                          reasons=list(ticket.reasons) if ticket else ["unknown"])
        if raw["type"] in _CLOSED and raw.get("code"):
            fields["code"] = raw["code"]
        return Event("ho:" + entry_id, ts, "handoff_" + raw["type"], raw["conversation_id"], fields)

    async def _ticket(self, ticket_id: str) -> Ticket | None:
        try:
            return await self._queue.get(ticket_id)
        except TicketNotFound:  # pruned after the queue's retention
            return None


def _our_event(entry_id: str, raw: dict[str, str]) -> Event:
    fields = json.loads(raw["fields"])
    if not isinstance(fields, dict):
        raise ValueError("fields is not an object")
    subject, lang = fields.pop("subject", None), fields.pop("lang", None)
    segment = fields.pop("segment", None)
    if raw["type"] == SEGMENT and not segment:
        raise ValueError("segment event without a segment")
    return Event("in:" + entry_id, float(raw["ts"]), raw["type"], raw["conversation_id"] or None, fields,
                 subject=subject, lang=lang, segment=segment)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
