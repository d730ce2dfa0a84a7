"""The ingester against the real Redis: several workers sharing one store split the streams without
duplicates, a second store gets every event too, and handoffs come from the queue's own audit stream
with their reasons."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.conversations import ConversationStore
from gateway.insights.events import EventLog
from gateway.insights.ingest import Ingester
from gateway.insights.store import InsightsStore
from handoff import HandoffQueue

pytestmark = [pytest.mark.redis]


async def test_two_workers_share_a_store_and_a_second_store_sees_everything(
        redis_url: str, key_prefix: str, tmp_path: Path) -> None:
    redis = Redis.from_url(redis_url)
    prefix = f"{key_prefix}-ingest-{uuid.uuid4().hex[:6]}"  # this test's own streams
    keys = RedisKeys(prefix)
    queue = HandoffQueue(redis, prefix)
    conversations = ConversationStore(redis, keys, ttl_s=3600)
    shared, other = InsightsStore(tmp_path / "shared.sqlite3"), InsightsStore(tmp_path / "other.sqlite3")
    workers = [Ingester(redis, keys.insights_events(), queue, store)
               for store in (shared, shared, other)]
    try:
        for worker in workers:
            await worker.start()
        log = EventLog(redis, keys.insights_events())
        conversation, _ = await conversations.create(locale="ko", customer_id=None, page=None)
        await log.record("conversation_started", conversation.id, lang="ko", segment="anonymous")
        for n in range(30):
            await log.record("turn", conversation.id, lang="ko", gateway_ms=n)
            if n % 7 == 0:
                await workers[n % 2].catch_up()  # the two workers of one store take turns
        agent, _ = await queue.agents.add(f"ingest-{uuid.uuid4().hex[:6]}", ["general"], ["ko"], 2)
        ticket = await queue.enqueue(conversation.id, priority=60, reasons=["human_requested", "anger"],
                                     skill="general", lang="ko")
        claimed = await queue.claim(agent.id)
        assert claimed is not None
        await queue.resolve(ticket.id, agent.id, claimed.lease_token, "answered")
        for worker in workers:
            await worker.catch_up()

        for store in (shared, other):
            rows = store.query("SELECT type, count(*) FROM events GROUP BY type ORDER BY type")
            assert rows == [("conversation_started", 1), ("handoff_claimed", 1), ("handoff_enqueued", 1),
                            ("handoff_resolved", 1), ("turn", 30)]
            [(fields,)] = store.query("SELECT fields FROM events WHERE type = 'handoff_enqueued'")
            assert '"reasons":["human_requested","anger"]' in fields and '"priority":60' in fields
            assert store.query("SELECT DISTINCT lang, segment FROM events") == [("ko", "anonymous")]
        assert await workers[0].catch_up() == 0  # nothing left, nothing counted twice

        assert await log.forget({conversation.id}, None) == 31  # an erasure does not wait for the stream to age
        assert await redis.xlen(keys.insights_events()) == 0
    finally:
        for worker in workers:
            await worker.stop()
        stray = [k async for k in redis.scan_iter(match=f"{prefix}*")]
        stray += [k async for k in redis.scan_iter(match=f"{{{prefix}*")]
        if stray:
            await redis.delete(*stray)
        await redis.aclose()

