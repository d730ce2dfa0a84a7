"""Retention: the sweeper deletes each kind of data once it is past its setting, and nothing before.
Real Redis and the real stores under a prefix of this test's own; time is moved, never slept."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.conversations import ConversationStore
from gateway.insights.store import Event, InsightsStore
from gateway.privacy.retention import DAY_S, RetentionPolicy, RetentionSweeper
from handoff import HandoffQueue

pytestmark = [pytest.mark.redis]

POLICY = RetentionPolicy(transcripts_s=30 * DAY_S, events_s=60 * DAY_S, tickets_s=10 * DAY_S,
                         misses_s=20 * DAY_S, feedback_s=90 * DAY_S)


async def test_each_kind_goes_when_its_retention_ends(redis_url: str, key_prefix: str, tmp_path: Path) -> None:
    prefix = f"{key_prefix}r{uuid.uuid4().hex[:6]}"
    keys = RedisKeys(prefix)
    redis = Redis.from_url(redis_url)
    insights = InsightsStore(tmp_path / "insights.sqlite3")
    t0 = time.time()
    queue = HandoffQueue(redis, prefix, clock=lambda: t0, retention_s=POLICY.tickets_s)
    sweeper = RetentionSweeper(redis, prefix, POLICY, queue, insights, every_s=3600)
    try:
        store = ConversationStore(redis, keys, ttl_s=400 * DAY_S)
        conversation, _ = await store.create(locale="en", customer_id="cust-r1", page=None)
        await store.append(conversation.id, [{"sender": "shopper", "text": "hi, I'm jo@mail.example", "ts": t0}])
        tracker = RedisKeys(prefix).rasa_tracker(conversation.id)
        await redis.set(tracker, '{"events": []}')
        await redis.hset(f"{prefix}:{{conv:{conversation.id}}}:feedback", mapping={"csat": 5, "csat_at": t0})
        agent, _ = await queue.agents.add("Rita", ["general"], ["en"], 2)
        await queue.enqueue(conversation.id, priority=1, reasons=["human_requested"], skill="general", lang="en")
        claimed = await queue.claim(agent.id)
        assert claimed is not None
        await queue.resolve(claimed.ticket.id, agent.id, claimed.lease_token, "answered", "")
        await redis.xadd(keys.insights_events(), {"type": "turn", "conversation_id": conversation.id})
        insights.add([Event(id="1-0", ts=t0, type="turn", conversation_id=conversation.id, fields={})])
        await redis.xadd(keys.editor_misses(), {"text": "masked question"})

        async def counts(days: float) -> dict[str, int]:
            return await sweeper.sweep(now=t0 + days * DAY_S)

        assert await counts(9) == {"conversations": 0, "feedback": 0, "events": 0, "tickets": 0,
                                   "ticket_events": 0, "misses": 0}
        assert (await counts(11))["tickets"] == 1
        assert not await redis.hexists(queue.keys.tickets, claimed.ticket.id)
        assert await redis.xlen(queue.keys.events) == 0
        assert (await counts(21))["misses"] == 1
        assert await redis.exists(keys.conversation(conversation.id), tracker) == 2
        assert (await counts(31))["conversations"] == 1
        assert await redis.exists(keys.conversation(conversation.id), keys.transcript(conversation.id), tracker) == 0
        assert await redis.zcard(keys.customer_conversations("cust-r1")) == 0
        assert await redis.exists(f"{prefix}:{{conv:{conversation.id}}}:feedback") == 1  # its own retention
        assert (await counts(61))["events"] == 2  # the raw stream entry and the stored row
        assert (await counts(91))["feedback"] == 1
        assert (await counts(91)) == {"conversations": 0, "feedback": 0, "events": 0, "tickets": 0,
                                      "ticket_events": 0, "misses": 0}
    finally:
        insights.close()
        await redis.aclose()
