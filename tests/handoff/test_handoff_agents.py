"""Agents: tokens are shown once and stored only as a hash."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from handoff import AgentNotFound, HandoffQueue

pytestmark = [pytest.mark.redis, pytest.mark.asyncio(loop_scope="session")]


async def test_add_then_authenticate_with_the_token_only(queue: HandoffQueue, redis: Redis) -> None:
    agent, token = await queue.agents.add("김민지", ["orders", "returns"], ["ko", "en"], capacity=4)
    assert (agent.name, agent.skills, agent.langs, agent.capacity) == ("김민지", ("orders", "returns"),
                                                                       ("ko", "en"), 4)
    assert len(token) >= 40
    assert await queue.agents.authenticate(token) == agent
    assert await queue.agents.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert await queue.agents.authenticate("") is None
    stored = b"".join([k + v for k, v in (await redis.hgetall(queue.keys.agent_tokens)).items()])
    stored += b"".join((await redis.hgetall(queue.keys.agents)).values())
    assert token.encode() not in stored


async def test_list_and_get(queue: HandoffQueue, redis: Redis, prefix: str, clock) -> None:
    first, _ = await queue.agents.add("alice", ["orders"], ["en"])
    clock.advance(1)
    second, _ = await queue.agents.add("bob", ["payments"], ["ko"])
    # a fresh registry (another gateway instance) sees the same agents
    fresh = HandoffQueue(redis, prefix, clock)
    assert [a.name for a in await fresh.agents.list()] == ["alice", "bob"]
    assert await fresh.agents.get(second.id) == second
    assert await fresh.agents.get("ag_missing") is None
    assert first.serves("orders", "en") and not first.serves("orders", "ko")


async def test_removed_agent_can_neither_authenticate_nor_claim(queue: HandoffQueue, redis: Redis,
                                                                prefix: str, clock) -> None:
    agent, token = await queue.agents.add("alice", ["orders"], ["en"])
    await queue.enqueue("c1", priority=1, reasons=[], skill="orders", lang="en")
    held = await queue.claim(agent.id)
    other_instance = HandoffQueue(redis, prefix, clock)
    assert await other_instance.agents.get(agent.id) == agent  # cached there from now on
    await queue.agents.remove(agent.id)
    assert await queue.agents.authenticate(token) is None
    assert await other_instance.agents.authenticate(token) is None
    with pytest.raises(AgentNotFound):
        await other_instance.claim(agent.id)
    with pytest.raises(AgentNotFound):
        await queue.agents.remove(agent.id)
    clock.advance(61)
    assert (await queue.requeue_expired()).requeued == (held.id,)
    again, _ = await queue.agents.add("alice", ["orders"], ["en"])  # the name is free again
    assert again.id != agent.id
