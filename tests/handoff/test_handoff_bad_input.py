"""Bad input gets a clear error and leaves every key of the queue byte-for-byte unchanged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from redis.asyncio import Redis

from handoff import (
    AgentNotFound,
    HandoffError,
    HandoffQueue,
    InvalidRequest,
    LeaseLost,
    NotAllowed,
    TicketNotFound,
)

pytestmark = [pytest.mark.redis, pytest.mark.asyncio(loop_scope="session")]


async def snapshot(redis: Redis, queue: HandoffQueue) -> dict[bytes, bytes]:
    keys = sorted([k async for k in redis.scan_iter(match=queue.keys.all_patterns())])
    return {key: await redis.dump(key) for key in keys}


@pytest.fixture
async def scene(queue: HandoffQueue):
    """Alice holds t1 (orders/en), t2 waits, Bob serves payments/ko."""
    alice, _ = await queue.agents.add("alice", ["orders"], ["en"], capacity=1)
    bob, _ = await queue.agents.add("bob", ["payments"], ["ko"])
    await queue.enqueue("c1", priority=1, reasons=[], skill="orders", lang="en")
    await queue.enqueue("c2", priority=1, reasons=[], skill="orders", lang="en")
    held = await queue.claim(alice.id)
    return alice, bob, held


def enqueue(queue: HandoffQueue, **overrides):
    request = {"conversation_id": "c9", "priority": 1, "reasons": [], "skill": "orders", "lang": "en"}
    request.update(overrides)
    return queue.enqueue(request.pop("conversation_id"), **request)


CASES: dict[str, tuple[type[HandoffError], Callable]] = {
    "unknown ticket": (TicketNotFound, lambda q, a, b, h: q.heartbeat("t999", a.id, h.lease_token)),
    "unknown ticket on resolve": (TicketNotFound, lambda q, a, b, h: q.resolve("t999", a.id, "x", "done")),
    "malformed ticket id": (InvalidRequest, lambda q, a, b, h: q.get("../etc")),
    "get unknown ticket": (TicketNotFound, lambda q, a, b, h: q.get("t424242")),
    "another agent's ticket": (LeaseLost, lambda q, a, b, h: q.resolve(h.id, b.id, h.lease_token, "done")),
    "stale token": (LeaseLost, lambda q, a, b, h: q.release(h.id, a.id, "stale-token")),
    "stale token on transfer": (
        LeaseLost, lambda q, a, b, h: q.transfer(h.id, a.id, "old", to_skill="returns")),
    "transfer to a missing skill": (
        InvalidRequest, lambda q, a, b, h: q.transfer(h.id, a.id, h.lease_token, to_skill="astrology")),
    "transfer to a missing agent": (
        AgentNotFound, lambda q, a, b, h: q.transfer(h.id, a.id, h.lease_token, to_agent_id="ag_nobody")),
    "transfer to nowhere": (InvalidRequest, lambda q, a, b, h: q.transfer(h.id, a.id, h.lease_token)),
    "oversized note": (
        InvalidRequest, lambda q, a, b, h: q.resolve(h.id, a.id, h.lease_token, "done", "x" * 2001)),
    "malformed resolution code": (
        InvalidRequest, lambda q, a, b, h: q.resolve(h.id, a.id, h.lease_token, "Done!", "")),
    "facts that are not JSON": (
        InvalidRequest, lambda q, a, b, h: q.handback(h.id, a.id, h.lease_token, {"when": object()})),
    "oversized facts": (
        InvalidRequest, lambda q, a, b, h: q.handback(h.id, a.id, h.lease_token, {"x": "y" * 5000})),
    "claim by an unknown agent": (AgentNotFound, lambda q, a, b, h: q.claim("ag_nobody")),
    "claim a ticket that is taken": (NotAllowed, lambda q, a, b, h: q.claim(b.id, h.id)),
    "claim a ticket of another skill": (NotAllowed, lambda q, a, b, h: q.claim(b.id, "t2")),
    "claim beyond capacity": (NotAllowed, lambda q, a, b, h: q.claim(a.id, "t2")),
    "list for an unknown agent": (AgentNotFound, lambda q, a, b, h: q.list_for_agent("ag_nobody")),
    "enqueue an unknown skill": (InvalidRequest, lambda q, a, b, h: enqueue(q, skill="x")),
    "enqueue an unknown language": (InvalidRequest, lambda q, a, b, h: enqueue(q, lang="fr")),
    "enqueue a negative priority": (InvalidRequest, lambda q, a, b, h: enqueue(q, priority=-1)),
    "enqueue a fractional priority": (InvalidRequest, lambda q, a, b, h: enqueue(q, priority=1.5)),
    "enqueue an oversized context": (
        InvalidRequest, lambda q, a, b, h: enqueue(q, context={"history": "x" * 70_000})),
    "enqueue an empty conversation id": (InvalidRequest, lambda q, a, b, h: enqueue(q, conversation_id="")),
    "enqueue with too many reasons": (InvalidRequest, lambda q, a, b, h: enqueue(q, reasons=["r"] * 17)),
    "agent with an unknown skill": (
        InvalidRequest, lambda q, a, b, h: q.agents.add("eve", ["magic"], ["en"])),
    "agent with a taken name": (
        InvalidRequest, lambda q, a, b, h: q.agents.add("alice", ["orders"], ["en"])),
    "agent with zero capacity": (
        InvalidRequest, lambda q, a, b, h: q.agents.add("zed", ["orders"], ["en"], capacity=0)),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_bad_input_is_refused_and_changes_nothing(case: str, queue: HandoffQueue, redis: Redis,
                                                        scene) -> None:
    expected, call = CASES[case]
    alice, bob, held = scene
    before = await snapshot(redis, queue)
    operation: Awaitable = call(queue, alice, bob, held)
    with pytest.raises(expected) as raised:
        await operation
    assert str(raised.value)
    assert await snapshot(redis, queue) == before
    # and the rightful holder still holds its lease
    assert (await queue.check_lease(held.id, alice.id, held.lease_token)).state == "claimed"
