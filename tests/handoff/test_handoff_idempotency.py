"""Repeating a request with the same idempotency key repeats its reply, not its effect."""

from __future__ import annotations

import asyncio

import pytest

from handoff import HandoffQueue, LeaseLost

pytestmark = [pytest.mark.redis, pytest.mark.asyncio(loop_scope="session")]


async def test_enqueue_twice_with_one_key(queue: HandoffQueue) -> None:
    calls = [queue.enqueue("c1", priority=1, reasons=["r"], skill="orders", lang="en", idempotency_key="k1")
             for _ in range(5)]
    tickets = await asyncio.gather(*calls)
    assert len({t.id for t in tickets}) == 1
    assert [e.type for e in await queue.read_events()] == ["enqueued"]


async def test_claim_retried_with_one_key_gets_the_same_lease(queue: HandoffQueue) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"], capacity=5)
    for conv in ("c1", "c2", "c3"):
        await queue.enqueue(conv, priority=1, reasons=[], skill="orders", lang="en")
    first = await queue.claim(agent.id, idempotency_key="claim-1")
    again = await queue.claim(agent.id, idempotency_key="claim-1")
    assert (again.id, again.lease_token) == (first.id, first.lease_token)
    assert len(await queue.held_by(agent.id)) == 1
    other = await queue.claim(agent.id, idempotency_key="claim-2")
    assert other.id != first.id


async def test_the_same_key_of_another_agent_is_another_request(queue: HandoffQueue) -> None:
    alice, _ = await queue.agents.add("alice", ["orders"], ["en"])
    bob, _ = await queue.agents.add("bob", ["orders"], ["en"])
    for conv in ("c1", "c2"):
        await queue.enqueue(conv, priority=1, reasons=[], skill="orders", lang="en")
    mine = await queue.claim(alice.id, idempotency_key="same")
    theirs = await queue.claim(bob.id, idempotency_key="same")
    assert mine.id != theirs.id and mine.lease_token != theirs.lease_token


async def test_resolve_retried_with_one_key(queue: HandoffQueue) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"])
    await queue.enqueue("c1", priority=1, reasons=[], skill="orders", lang="en")
    held = await queue.claim(agent.id)
    first = await queue.resolve(held.id, agent.id, held.lease_token, "answered", "n", idempotency_key="r1")
    again = await queue.resolve(held.id, agent.id, held.lease_token, "answered", "n", idempotency_key="r1")
    assert first == again
    assert [e.type for e in await queue.read_events()].count("resolved") == 1
    with pytest.raises(LeaseLost):  # without the key the retry is a new request on a closed ticket
        await queue.resolve(held.id, agent.id, held.lease_token, "answered", "n")


async def test_release_transfer_handback_retried(queue: HandoffQueue) -> None:
    agent, _ = await queue.agents.add("alice", ["orders", "returns"], ["en"])
    await queue.enqueue("c1", priority=1, reasons=[], skill="orders", lang="en")
    held = await queue.claim(agent.id)
    for _ in range(2):
        await queue.transfer(held.id, agent.id, held.lease_token, to_skill="returns", idempotency_key="t")
    held = await queue.claim(agent.id)
    for _ in range(2):
        await queue.release(held.id, agent.id, held.lease_token, idempotency_key="r")
    held = await queue.claim(agent.id)
    for _ in range(2):
        await queue.handback(held.id, agent.id, held.lease_token, {"ok": True}, idempotency_key="h")
    types = [e.type for e in await queue.read_events()]
    assert types == ["enqueued", "claimed", "transferred", "claimed", "released", "claimed", "handed_back"]
