"""One test (or a few) per queue operation, against a real Redis, with a clock the tests move."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from handoff import (
    AgentNotFound,
    HandbackCooldown,
    HandoffQueue,
    InvalidRequest,
    LeaseLost,
    ManualClock,
    NotAllowed,
    Position,
)

pytestmark = [pytest.mark.redis, pytest.mark.asyncio(loop_scope="session")]


async def enqueue(queue: HandoffQueue, conv: str, *, priority: int = 1, skill: str = "orders",
                  lang: str = "en", **extra):
    return await queue.enqueue(conv, priority=priority, reasons=["asked_for_human"], skill=skill, lang=lang,
                               segment="regular", context=extra.pop("context", {}), **extra)


async def test_enqueue_opens_one_ticket_and_queues_the_conversation(queue: HandoffQueue) -> None:
    assert await queue.owner("c1") == "bot"
    ticket = await enqueue(queue, "c1", context={"history": [{"role": "user", "text": "환불해 주세요"}]})
    assert ticket.state == "waiting" and ticket.conversation_id == "c1"
    assert await queue.owner("c1") == "queued"
    again = await enqueue(queue, "c1", priority=5, skill="payments")
    assert again.id == ticket.id and again.skill == "orders"
    assert [t.id for t in await queue.list_waiting()] == [ticket.id]


async def test_claim_hands_over_context_and_the_conversation(queue: HandoffQueue) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en", "ko"])
    ticket = await enqueue(queue, "c1", lang="ko", context={"history": [{"text": "환불"}], "order": "A-1"})
    claimed = await queue.claim(agent.id)
    assert claimed is not None and claimed.id == ticket.id
    assert claimed.context == {"history": [{"text": "환불"}], "order": "A-1"}
    assert claimed.ticket.agent_id == agent.id and claimed.lease_token
    assert await queue.owner("c1") == "agent"
    assert await queue.claim(agent.id) is None


async def test_higher_priority_first_then_first_come_first_served(queue: HandoffQueue,
                                                                  clock: ManualClock) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"], capacity=10)
    low1 = await enqueue(queue, "low1", priority=0)
    clock.advance(1)
    low2 = await enqueue(queue, "low2", priority=0)
    clock.advance(1)
    high = await enqueue(queue, "high", priority=2)
    listed = await queue.list_for_agent(agent.id)
    assert [t.id for t in listed] == [high.id, low1.id, low2.id]
    taken = [(await queue.claim(agent.id)).id for _ in range(3)]
    assert taken == [high.id, low1.id, low2.id]


async def test_aging_lets_a_long_wait_overtake_a_higher_priority(queue: HandoffQueue,
                                                                 clock: ManualClock) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"])
    old = await enqueue(queue, "old", priority=0)
    clock.advance(150)  # aging_s=60: the old ticket's effective priority is now 2.5
    new = await enqueue(queue, "new", priority=2)
    listed = await queue.list_for_agent(agent.id)
    assert [t.id for t in listed] == [old.id, new.id]
    assert listed[0].effective_priority == pytest.approx(2.5)
    assert listed[0].waiting_s == pytest.approx(150)
    assert (await queue.claim(agent.id)).id == old.id


async def test_claim_routes_by_skill_and_language(queue: HandoffQueue) -> None:
    orders_en, _ = await queue.agents.add("en-orders", ["orders"], ["en"])
    payments_ko, _ = await queue.agents.add("ko-payments", ["payments"], ["ko"])
    ko_payment = await enqueue(queue, "c1", skill="payments", lang="ko")
    en_payment = await enqueue(queue, "c2", skill="payments", lang="en")
    assert await queue.claim(orders_en.id) is None
    assert [t.id for t in await queue.list_for_agent(payments_ko.id)] == [ko_payment.id]
    assert (await queue.claim(payments_ko.id)).id == ko_payment.id
    assert await queue.claim(payments_ko.id) is None
    assert (await queue.get(en_payment.id)).state == "waiting"


async def test_capacity_limits_concurrent_chats(queue: HandoffQueue) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"], capacity=2)
    for conv in ("c1", "c2", "c3"):
        await enqueue(queue, conv)
    first = await queue.claim(agent.id)
    await queue.claim(agent.id)
    assert await queue.claim(agent.id) is None
    waiting = (await queue.list_waiting())[0]
    with pytest.raises(NotAllowed):
        await queue.claim(agent.id, waiting.id)
    await queue.resolve(first.id, agent.id, first.lease_token, "answered")
    assert (await queue.claim(agent.id)).id == waiting.id


async def test_claim_by_id_exactly_once(queue: HandoffQueue) -> None:
    alice, _ = await queue.agents.add("alice", ["orders"], ["en"])
    bob, _ = await queue.agents.add("bob", ["orders"], ["en"])
    kim, _ = await queue.agents.add("kim", ["returns"], ["ko"])
    await enqueue(queue, "c1")
    second = await enqueue(queue, "c2")
    assert (await queue.claim(alice.id, second.id)).id == second.id
    with pytest.raises(NotAllowed):
        await queue.claim(bob.id, second.id)
    first = (await queue.list_waiting())[0]
    with pytest.raises(NotAllowed):
        await queue.claim(kim.id, first.id)
    with pytest.raises(AgentNotFound):
        await queue.claim("ag_missing")


async def test_heartbeat_keeps_the_lease_and_expiry_requeues_in_place(queue: HandoffQueue,
                                                                      clock: ManualClock) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"])
    other, _ = await queue.agents.add("bob", ["orders"], ["en"])
    first = await enqueue(queue, "c1")
    claimed = await queue.claim(agent.id)
    clock.advance(20)
    await queue.heartbeat(claimed.id, agent.id, claimed.lease_token)
    clock.advance(20)  # 40 s after the claim, 20 s after the heartbeat: lease_s=30 still holds
    assert (await queue.requeue_expired()).requeued == ()
    later = await enqueue(queue, "c2")
    clock.advance(31)
    swept = await queue.requeue_expired()
    assert swept.requeued == (first.id,)
    assert await queue.owner("c1") == "queued"
    assert [t.id for t in await queue.list_waiting()] == [first.id, later.id]
    assert (await queue.get(first.id)).lost_leases == 1
    with pytest.raises(LeaseLost):
        await queue.heartbeat(claimed.id, agent.id, claimed.lease_token)
    assert (await queue.claim(other.id)).id == first.id
    assert (await queue.requeue_expired()).requeued == ()


async def test_expired_lease_cannot_act_even_before_the_sweep(queue: HandoffQueue,
                                                              clock: ManualClock) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"])
    await enqueue(queue, "c1")
    claimed = await queue.claim(agent.id)
    clock.advance(31)
    with pytest.raises(LeaseLost):
        await queue.resolve(claimed.id, agent.id, claimed.lease_token, "answered")
    with pytest.raises(LeaseLost):
        await queue.check_lease(claimed.id, agent.id, claimed.lease_token)


async def test_dead_letter_after_max_lost_leases(queue: HandoffQueue, clock: ManualClock) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"])
    ticket = await enqueue(queue, "c1")
    for lost in range(1, 4):
        assert (await queue.claim(agent.id)).id == ticket.id
        clock.advance(31)
        swept = await queue.requeue_expired()
        assert (swept.dead_lettered if lost == 3 else swept.requeued) == (ticket.id,)
    assert (await queue.get(ticket.id)).state == "dead"
    assert [t.id for t in await queue.dead_letters()] == [ticket.id]
    assert await queue.owner("c1") == "bot"
    assert await queue.claim(agent.id) is None
    assert [e.type for e in await queue.read_events()][-1] == "dead_lettered"


async def test_release_returns_the_ticket_to_its_place(queue: HandoffQueue, clock: ManualClock) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"], capacity=1)
    first = await enqueue(queue, "c1")
    claimed = await queue.claim(agent.id)
    clock.advance(5)
    later = await enqueue(queue, "c2")
    released = await queue.release(claimed.id, agent.id, claimed.lease_token)
    assert released.state == "waiting" and released.lost_leases == 0
    assert await queue.owner("c1") == "queued"
    assert [t.id for t in await queue.list_waiting()] == [first.id, later.id]
    with pytest.raises(LeaseLost):
        await queue.heartbeat(claimed.id, agent.id, claimed.lease_token)
    assert (await queue.claim(agent.id)).id == first.id  # capacity was given back


async def test_transfer_to_a_skill_keeps_the_place(queue: HandoffQueue, clock: ManualClock) -> None:
    orders, _ = await queue.agents.add("orders", ["orders"], ["en"])
    payments, _ = await queue.agents.add("payments", ["payments"], ["en"])
    ticket = await enqueue(queue, "c1")
    claimed = await queue.claim(orders.id)
    clock.advance(5)
    newer = await enqueue(queue, "c2", skill="payments")
    moved = await queue.transfer(claimed.id, orders.id, claimed.lease_token, to_skill="payments")
    assert moved.skill == "payments" and moved.state == "waiting" and moved.transfers == 1
    assert await queue.claim(orders.id) is None
    assert [t.id for t in await queue.list_for_agent(payments.id)] == [ticket.id, newer.id]
    assert (await queue.claim(payments.id)).id == ticket.id


async def test_transfer_to_an_agent_reserves_until_the_reservation_ends(queue: HandoffQueue,
                                                                        clock: ManualClock) -> None:
    alice, _ = await queue.agents.add("alice", ["orders"], ["en"])
    bob, _ = await queue.agents.add("bob", ["payments"], ["ko"])
    carol, _ = await queue.agents.add("carol", ["orders"], ["en"])
    await enqueue(queue, "c0")
    ticket = await enqueue(queue, "c1")
    claimed = await queue.claim(alice.id, ticket.id)
    await queue.transfer(claimed.id, alice.id, claimed.lease_token, to_agent_id=bob.id)
    assert [t.id for t in await queue.list_for_agent(bob.id)] == [ticket.id]
    assert ticket.id not in [t.id for t in await queue.list_for_agent(carol.id)]
    with pytest.raises(NotAllowed):
        await queue.claim(carol.id, ticket.id)
    clock.advance(61)
    assert (await queue.requeue_expired()).unreserved == (ticket.id,)
    assert [t.id for t in await queue.list_for_agent(bob.id)] == []
    assert ticket.id in [t.id for t in await queue.list_for_agent(carol.id)]


async def test_reserved_agent_takes_the_transfer_first(queue: HandoffQueue) -> None:
    alice, _ = await queue.agents.add("alice", ["orders"], ["en"])
    bob, _ = await queue.agents.add("bob", ["orders"], ["en"])
    await enqueue(queue, "c0", priority=9)
    ticket = await enqueue(queue, "c1", priority=0)
    claimed = await queue.claim(alice.id, ticket.id)
    await queue.transfer(claimed.id, alice.id, claimed.lease_token, to_agent_id=bob.id)
    taken = await queue.claim(bob.id)
    assert taken.id == ticket.id and taken.ticket.transfers == 1
    assert await queue.owner("c1") == "agent"


async def test_handback_gives_the_bot_the_facts_and_a_cooldown(queue: HandoffQueue,
                                                               clock: ManualClock) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"])
    await enqueue(queue, "c1")
    claimed = await queue.claim(agent.id)
    done = await queue.handback(claimed.id, agent.id, claimed.lease_token, {"refund_issued": True},
                                code="refund_issued")
    assert done.state == "handed_back" and done.facts == {"refund_issued": True}
    assert await queue.owner("c1") == "bot"
    event = (await queue.read_events())[-1]
    assert event.type == "handed_back" and event.fields["facts"] == '{"refund_issued":true}'
    with pytest.raises(HandbackCooldown) as cooldown:
        await enqueue(queue, "c1")
    assert cooldown.value.until == pytest.approx(clock() + 120)
    assert await queue.owner("c1") == "bot"
    clock.advance(121)
    reopened = await enqueue(queue, "c1")
    assert reopened.id != claimed.id and await queue.owner("c1") == "queued"


async def test_resolve_records_code_note_and_handling_time(queue: HandoffQueue, clock: ManualClock) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"])
    await enqueue(queue, "c1")
    claimed = await queue.claim(agent.id)
    clock.advance(12)
    done = await queue.resolve(claimed.id, agent.id, claimed.lease_token, "order_found", "주문 확인함")
    assert (done.state, done.code, done.note) == ("resolved", "order_found", "주문 확인함")
    assert (await queue.get(claimed.id)).note == "주문 확인함"
    assert await queue.handling_time("orders", "en") == pytest.approx(12)
    assert await queue.owner("c1") == "bot"
    with pytest.raises(LeaseLost):
        await queue.resolve(claimed.id, agent.id, claimed.lease_token, "order_found")


async def test_cancel_when_the_shopper_leaves(queue: HandoffQueue) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"], capacity=1)
    waiting = await enqueue(queue, "c1")
    assert (await queue.cancel("c1")).id == waiting.id
    assert await queue.owner("c1") == "bot" and await queue.list_waiting() == []
    assert await queue.cancel("c1") is None
    await enqueue(queue, "c2")  # no cooldown after a cancel
    await enqueue(queue, "c1")
    claimed = await queue.claim(agent.id)
    cancelled = await queue.cancel(claimed.conversation_id)
    assert cancelled.state == "cancelled"
    with pytest.raises(LeaseLost):
        await queue.check_lease(claimed.id, agent.id, claimed.lease_token)
    assert (await queue.claim(agent.id)) is not None  # the cancelled chat no longer counts
    events = await queue.read_events()
    assert [e.type for e in events if e.ticket_id == claimed.id][-1] == "cancelled"


async def test_position_and_eta_per_route(queue: HandoffQueue, clock: ManualClock) -> None:
    assert await queue.position("nobody") is None
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"], capacity=2)
    for conv in ("c1", "c2", "c3"):
        await enqueue(queue, conv)
    await enqueue(queue, "k1", lang="ko")
    assert await queue.position("c1") == Position(1, None)  # registered but not online: no promise
    await queue.presence.report(agent.id, "online")
    # two idle slots take c1 and c2 now; c3 waits for the first to end (default handling time, 300 s)
    assert [await queue.position(c) for c in ("c1", "c2", "c3")] == [Position(1, 0), Position(2, 0),
                                                                      Position(3, 300)]
    assert await queue.position("k1") == Position(1, None)  # nobody online serves Korean
    claimed = await queue.claim(agent.id)
    assert await queue.position(claimed.conversation_id) is None
    clock.advance(20)
    await queue.resolve(claimed.id, agent.id, claimed.lease_token, "answered")
    second = await queue.claim(agent.id)
    clock.advance(5)
    everything = await queue.positions()  # median handling time is now 20 s; one slot free, one 5 s into a chat
    assert everything["c3"] == Position(1, 0.0)
    await enqueue(queue, "c4")
    assert (await queue.positions())["c4"] == Position(2, 15.0)  # the chat under way ends in 20 - 5 s
    await queue.presence.report(agent.id, "away")
    assert (await queue.positions())["c4"].eta_s is None
    assert second is not None


async def test_presence_lapses_without_a_heartbeat(queue: HandoffQueue, clock: ManualClock) -> None:
    agent, _ = await queue.agents.add("bea", ["orders"], ["en"])
    assert await queue.presence.statuses() == {}
    await queue.presence.report(agent.id, "online")
    assert await queue.presence.online() == {agent.id}
    clock.advance(queue.presence.ttl_s + 1)  # a closed tab stops reporting
    assert await queue.presence.statuses() == {}
    await queue.presence.report(agent.id, "away")
    assert await queue.presence.statuses() == {agent.id: "away"} and await queue.presence.online() == set()
    await queue.presence.report(agent.id, "offline")
    assert await queue.presence.statuses() == {}
    with pytest.raises(InvalidRequest):
        await queue.presence.report(agent.id, "busy")


async def test_check_lease(queue: HandoffQueue) -> None:
    alice, _ = await queue.agents.add("alice", ["orders"], ["en"])
    bob, _ = await queue.agents.add("bob", ["orders"], ["en"])
    await enqueue(queue, "c1")
    claimed = await queue.claim(alice.id)
    assert (await queue.check_lease(claimed.id, alice.id, claimed.lease_token)).id == claimed.id
    with pytest.raises(LeaseLost):
        await queue.check_lease(claimed.id, bob.id, claimed.lease_token)
    with pytest.raises(LeaseLost):
        await queue.check_lease(claimed.id, alice.id, "not-the-token")


async def test_every_state_change_is_one_event_in_order(queue: HandoffQueue, clock: ManualClock) -> None:
    agent, _ = await queue.agents.add("alice", ["orders"], ["en"])
    other, _ = await queue.agents.add("bob", ["orders"], ["en"])
    await enqueue(queue, "c1")
    c = await queue.claim(agent.id)
    await queue.release(c.id, agent.id, c.lease_token)
    c = await queue.claim(agent.id)
    await queue.transfer(c.id, agent.id, c.lease_token, to_agent_id=other.id)
    c = await queue.claim(other.id)
    await queue.heartbeat(c.id, other.id, c.lease_token)  # not a state change
    clock.advance(31)
    await queue.requeue_expired()
    c = await queue.claim(agent.id)
    await queue.resolve(c.id, agent.id, c.lease_token, "answered")
    events = await queue.read_events()
    assert [e.type for e in events] == [
        "enqueued", "claimed", "released", "claimed", "transferred", "claimed", "requeued", "claimed",
        "resolved",
    ]
    assert all(e.ticket_id == c.id and e.conversation_id == "c1" for e in events)
    assert events[4].fields["to_agent"] == other.id
    assert [e.type for e in await queue.read_events(after=events[6].id)] == ["claimed", "resolved"]


async def test_events_follows_new_entries(queue: HandoffQueue) -> None:
    stream = queue.events(after="$", block_ms=2000)
    reader = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.05)
    ticket = await enqueue(queue, "c1")
    event = await asyncio.wait_for(reader, 5)
    assert (event.type, event.ticket_id) == ("enqueued", ticket.id)
    await stream.aclose()


async def test_works_with_decoded_responses(redis_server, prefix: str, clock: ManualClock) -> None:
    client = Redis.from_url(redis_server.url, decode_responses=True)
    queue = HandoffQueue(client, prefix, clock)
    try:
        agent, token = await queue.agents.add("alice", ["orders"], ["en"])
        assert (await queue.agents.authenticate(token)).id == agent.id
        await enqueue(queue, "c1")
        assert (await queue.positions())["c1"].position == 1
        assert (await queue.claim(agent.id)).conversation_id == "c1"
        assert [e.type for e in await queue.read_events()] == ["enqueued", "claimed"]
    finally:
        await client.delete(*[k async for k in client.scan_iter(match=queue.keys.all_patterns())])
        await client.aclose()


async def test_claim_finds_a_fitting_ticket_deep_in_the_queue(queue: HandoffQueue) -> None:
    orders, _ = await queue.agents.add("orders", ["orders"], ["en"])
    for chunk in range(0, 300, 50):
        await asyncio.gather(*[enqueue(queue, f"p{i}", skill="payments") for i in range(chunk, chunk + 50)])
    deep = await enqueue(queue, "deep")
    assert [t.id for t in await queue.list_for_agent(orders.id)] == [deep.id]
    assert (await queue.claim(orders.id)).id == deep.id
    assert await queue.claim(orders.id) is None


async def test_events_written_between_two_reads_are_not_missed(redis: Redis, prefix: str, clock: ManualClock,
                                                               queue: HandoffQueue) -> None:
    class TimeoutJustBeforeAWrite:
        """A client whose first XREAD times out just as another instance writes an event."""

        def __init__(self) -> None:
            self.timed_out = False

        def __getattr__(self, name: str):
            return getattr(redis, name)

        async def xread(self, streams, **options):
            if not self.timed_out:
                self.timed_out = True
                await enqueue(queue, "c1")
                return []
            return await redis.xread(streams, **options)

    await enqueue(queue, "c0")
    follower = HandoffQueue(TimeoutJustBeforeAWrite(), prefix, clock)
    stream = follower.events(after="$", block_ms=1000)
    event = await asyncio.wait_for(anext(stream), 5)
    assert (event.type, event.conversation_id) == ("enqueued", "c1")
    await stream.aclose()
