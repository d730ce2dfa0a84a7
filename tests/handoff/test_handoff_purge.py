"""Erasure and retention in the queue: `purge` forgets a conversation wherever its tickets are (an agent
holding one gets its capacity back) and announces nothing; `prune` forgets what is past retention."""

from __future__ import annotations

import time

import pytest
from redis.asyncio import Redis

from handoff import HandoffQueue, ManualClock, TicketNotFound

pytestmark = [pytest.mark.redis, pytest.mark.asyncio(loop_scope="session")]


async def everything(redis: Redis, queue: HandoffQueue) -> str:
    """All the queue holds, as text."""
    dump = []
    async for key in redis.scan_iter(match=queue.keys.all_patterns()):
        kind = (await redis.type(key)).decode()
        read = {"hash": redis.hgetall, "zset": lambda k: redis.zrange(k, 0, -1), "string": redis.get,
                "list": lambda k: redis.lrange(k, 0, -1), "stream": redis.xrange}.get(kind)
        dump.append(f"{key!r}={await read(key)!r}" if read else repr(key))
    return "\n".join(dump)


async def test_purge_forgets_a_conversation_waiting_and_one_held_by_an_agent(queue: HandoffQueue,
                                                                             redis: Redis) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"], 2)
    await queue.enqueue("held-conv", priority=1, reasons=["x"], skill="orders", lang="en",
                        context={"email": "kim@mail.example"}, idempotency_key="e1")
    held = await queue.claim(agent.id, idempotency_key="c1")
    await queue.enqueue("waiting-conv", priority=1, reasons=["x"], skill="orders", lang="en")
    await queue.enqueue("other-conv", priority=1, reasons=["x"], skill="orders", lang="en")
    events_before = len(await queue.read_events())

    assert await queue.purge("held-conv") == [held.ticket.id]
    assert await queue.purge("waiting-conv") != []
    text = await everything(redis, queue)
    assert "held-conv" not in text and "waiting-conv" not in text and "kim@mail.example" not in text
    assert (await queue.agents.get(agent.id)) is not None and (await redis.hget(queue.keys.load, agent.id)) == b"0"
    with pytest.raises(TicketNotFound):
        await queue.get(held.ticket.id)
    assert [t.conversation_id for t in await queue.list_waiting()] == ["other-conv"]
    remaining = await queue.read_events()
    assert {e.conversation_id for e in remaining} == {"other-conv"} and len(remaining) < events_before
    assert await queue.purge("held-conv") == []  # repeating is harmless


async def test_prune_forgets_closed_tickets_and_old_events_after_the_cutoff(queue: HandoffQueue,
                                                                            clock: ManualClock) -> None:
    clock.now = time.time()  # audit events are stream entries, whose ids are Redis's wall-clock milliseconds
    agent, _ = await queue.agents.add("bob", ["orders"], ["en"], 2)
    await queue.enqueue("c-old", priority=1, reasons=["x"], skill="orders", lang="en")
    held = await queue.claim(agent.id)
    closed = await queue.resolve(held.ticket.id, agent.id, held.lease_token, "done")
    assert await queue.prune(before=clock() - 1) == (0, 0)
    clock.advance(3600)
    pruned, trimmed = await queue.prune(before=clock(), now=clock())
    assert pruned == 1 and trimmed >= 3  # enqueued, claimed, resolved
    with pytest.raises(TicketNotFound):
        await queue.get(closed.id)


async def test_closes_forget_tickets_past_retention_and_keep_the_handling_log_capped(
        redis: Redis, prefix: str, clock: ManualClock, cleanup: None) -> None:
    """Without any sweeper: every 16th close prunes up to 50 old tickets; the log stays within cap + 64."""
    queue = HandoffQueue(redis, prefix, clock, retention_s=3600, handle_log_size=10)
    agent, _ = await queue.agents.add("carol", ["orders"], ["en"], 1)

    async def cycle(conversation_id: str) -> str:
        await queue.enqueue(conversation_id, priority=1, reasons=["x"], skill="orders", lang="en")
        held = await queue.claim(agent.id)
        await queue.resolve(held.ticket.id, agent.id, held.lease_token, "done")
        return held.ticket.id

    old = [await cycle(f"old-{i}") for i in range(40)]
    clock.advance(3601)
    recent = [await cycle(f"new-{i}") for i in range(40)]  # tickets 41-80: closes of t48, t64, t80 prune

    for ticket_id in old:
        with pytest.raises(TicketNotFound):
            await queue.get(ticket_id)
    assert [(await queue.get(t)).state for t in recent] == ["resolved"] * 40
    assert await redis.zcard(queue.keys.closed) == 40
    assert await redis.llen(queue.keys.handle_log) <= 10 + 64
    assert len(await redis.lrange(queue.keys.handle_log, 0, -1)) >= 10
