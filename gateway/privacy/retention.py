"""Retention: data older than the shop's settings allow is deleted by a sweeper in the gateway.

Per kind (settings ``retention_*_days``): conversations idle longer than the transcript
retention go with everything in their hash tag and their Rasa tracker (the CSAT/NPS answers,
which carry no text, follow their own retention); insights events, closed handoff tickets with
their audit entries, and the editors' miss inbox are trimmed by age.  Time is an argument:
``sweep(now)`` is what tests call with a moved clock; the task only decides when.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.privacy.erase import call
from gateway.privacy.holdings import Locator, text
from handoff import HandoffError, HandoffQueue

log = logging.getLogger(__name__)
DAY_S = 86400
FIRST_SWEEP_S = 60.0


@dataclass(frozen=True)
class RetentionPolicy:
    transcripts_s: float
    events_s: float
    tickets_s: float
    misses_s: float
    feedback_s: float


class RetentionSweeper:
    def __init__(self, redis: Redis, prefix: str, policy: RetentionPolicy, queue: HandoffQueue,
                 insights: Any | None, *, every_s: float, clock: Callable[[], float] = time.time) -> None:
        self._redis = redis
        self._locator = Locator(redis, prefix)
        self._keys = self._locator.keys
        self._policy = policy
        self._queue = queue
        self._insights = insights  # gateway/insights/store.py: InsightsStore.delete_before(ts)
        self._every_s = every_s
        self._clock = clock
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        # soon after start-up (a gateway restarted more often than every_s still sweeps), not at once
        await asyncio.sleep(min(self._every_s, FIRST_SWEEP_S))
        while True:
            try:
                swept = await self.sweep()
                log.info("retention sweep", extra=swept)
            except (RedisError, HandoffError) as exc:
                log.warning("retention sweep failed: %s; next run as usual", type(exc).__name__)
            await asyncio.sleep(self._every_s)

    async def sweep(self, now: float | None = None) -> dict[str, int]:
        """Delete what is past its retention at ``now``; returns counts per kind."""
        now = self._clock() if now is None else now
        policy = self._policy
        tickets, audit = await self._queue.prune(now - policy.tickets_s, now)
        return {
            "conversations": await self._conversations(now - policy.transcripts_s),
            "feedback": await self._feedback(now - policy.feedback_s),
            "events": await self._events(now - policy.events_s),
            "tickets": tickets, "ticket_events": audit,
            "misses": int(await self._redis.xtrim(self._keys.editor_misses(), minid=_stream_id(now - policy.misses_s))),
        }

    async def _conversations(self, cutoff: float) -> int:
        """One SCAN over every conversation's hash tag (not one per conversation), grouped by id."""
        grouped: dict[str, list[str]] = {}
        for key in await self._locator.scan(self._keys.conversation_pattern("*")):
            grouped.setdefault(key.split("{conv:", 1)[1].split("}", 1)[0], []).append(key)
        swept = 0
        for conversation_id, all_keys in grouped.items():
            feedback = self._keys.conversation_feedback(conversation_id)  # no text: its own retention
            keys = [key for key in all_keys if key != feedback]
            if not keys or await self._last_activity(conversation_id) >= cutoff:
                continue
            customer_id = text(await self._redis.hget(self._keys.conversation(conversation_id), "customer_id") or b"")
            for key in [*keys, *self._locator.tracker_keys(conversation_id)]:
                await self._redis.delete(key)
            if customer_id:
                await self._redis.zrem(self._keys.customer_conversations(customer_id), conversation_id)
            swept += 1
        return swept

    async def _last_activity(self, conversation_id: str) -> float:
        """The newest transcript entry (stream ids are milliseconds), else the creation time."""
        newest = await self._redis.xrevrange(self._keys.transcript(conversation_id), count=1)
        if newest:
            return int(text(newest[0][0]).split("-")[0]) / 1000
        return float(await self._redis.hget(self._keys.conversation(conversation_id), "created") or 0)

    async def _feedback(self, cutoff: float) -> int:
        swept = 0
        for key in await self._locator.scan(self._keys.feedback_pattern()):
            stamps = await self._redis.hmget(key, ["csat_at", "nps_at"])
            if max((float(s) for s in stamps if s is not None), default=0.0) < cutoff:
                swept += await self._redis.delete(key)
        return swept

    async def _events(self, cutoff: float) -> int:
        trimmed = int(await self._redis.xtrim(self._keys.insights_events(), minid=_stream_id(cutoff)))
        if self._insights is not None:
            trimmed += int(await call(self._insights.delete_before, cutoff))
        return trimmed


def _stream_id(ts: float) -> str:
    return str(int(ts * 1000))


def policy_from(settings: Any) -> RetentionPolicy:
    return RetentionPolicy(
        transcripts_s=settings.retention_transcripts_days * DAY_S, events_s=settings.retention_events_days * DAY_S,
        tickets_s=settings.retention_tickets_days * DAY_S, misses_s=settings.retention_misses_days * DAY_S,
        feedback_s=settings.retention_feedback_days * DAY_S)
