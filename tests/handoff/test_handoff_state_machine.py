"""The ticket lifecycle as a hypothesis state machine, run against real Redis with a clock it moves.

A plain Python model predicts every reply (which ticket a claim returns, which errors are raised, who
owns each conversation); after every step the queue must agree with it.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from redis.asyncio import Redis

from handoff import HandbackCooldown, HandoffQueue, LeaseLost, ManualClock, NotAllowed

LEASE_S, RESERVATION_S, COOLDOWN_S, AGING_S, MAX_LOST = 30.0, 20.0, 50.0, 10.0, 2
AGENTS = {  # name -> (skills, langs, capacity)
    "alice": (("orders",), ("en",), 1),
    "bob": (("orders", "payments"), ("en", "ko"), 2),
    "chul": (("payments",), ("ko",), 1),
}
CONVERSATIONS = [f"c{i}" for i in range(6)]


@dataclass
class ModelTicket:
    id: str
    conv: str
    skill: str
    lang: str
    score: float
    seq: int
    state: str = "waiting"
    agent: str = ""
    token: str = ""
    lease_expires: float = 0.0
    reserved_for: str = ""
    reserved_until: float = 0.0
    lost: int = 0


class Lifecycle(RuleBasedStateMachine):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.redis = Redis.from_url(url)
        self.clock = ManualClock()
        self.q = HandoffQueue(self.redis, f"test-sm-{uuid.uuid4().hex[:8]}", self.clock, lease_s=LEASE_S,
                              reservation_s=RESERVATION_S, cooldown_s=COOLDOWN_S, aging_s=AGING_S,
                              max_lost_leases=MAX_LOST)
        self.ids: dict[str, str] = {}
        for name, (skills, langs, capacity) in AGENTS.items():
            agent, _ = self.run(self.q.agents.add(name, skills, langs, capacity))
            self.ids[name] = agent.id
        self.tickets: dict[str, ModelTicket] = {}
        self.open: dict[str, str] = {}  # conversation -> open ticket id
        self.cooldown: dict[str, float] = {}
        self.seq = 0
        self.stale: list[tuple[str, str, str]] = []

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    def teardown(self) -> None:
        async def clean() -> None:
            keys = [k async for k in self.redis.scan_iter(match=self.q.keys.all_patterns())]
            if keys:
                await self.redis.delete(*keys)
            await self.redis.aclose()

        self.run(clean())
        self.loop.close()

    # ---- model helpers ----
    def now(self) -> float:
        return self.clock()

    def load(self, name: str) -> int:
        return sum(1 for t in self.tickets.values() if t.state == "claimed" and t.agent == name)

    def fits(self, t: ModelTicket, name: str) -> bool:
        skills, langs, _ = AGENTS[name]
        if t.reserved_for:
            return t.reserved_for == name
        return t.skill in skills and t.lang in langs

    def order_key(self, t: ModelTicket) -> tuple[float, int]:
        return (t.score - 1e12 if t.reserved_for else t.score, t.seq)

    def held(self) -> list[ModelTicket]:
        return sorted((t for t in self.tickets.values() if t.state == "claimed"), key=lambda t: t.seq)

    def lease_valid(self, t: ModelTicket) -> bool:
        return t.state == "claimed" and t.lease_expires >= self.now()

    def forget_lease(self, t: ModelTicket) -> None:
        self.stale.append((t.id, t.agent, t.token))
        t.agent, t.token, t.lease_expires = "", "", 0.0

    # ---- rules ----
    @rule(conv=st.sampled_from(CONVERSATIONS), priority=st.integers(0, 3),
          skill=st.sampled_from(["orders", "payments"]), lang=st.sampled_from(["en", "ko"]))
    def enqueue(self, conv: str, priority: int, skill: str, lang: str) -> None:
        call = self.q.enqueue(conv, priority=priority, reasons=["test"], skill=skill, lang=lang)
        if conv in self.open:
            assert self.run(call).id == self.open[conv]
        elif self.cooldown.get(conv, 0) > self.now():
            with pytest.raises(HandbackCooldown):
                self.run(call)
        else:
            ticket = self.run(call)
            self.seq += 1
            assert ticket.id == f"t{self.seq}"
            self.tickets[ticket.id] = ModelTicket(ticket.id, conv, skill, lang,
                                                  self.now() - priority * AGING_S, self.seq)
            self.open[conv] = ticket.id

    @rule(name=st.sampled_from(list(AGENTS)))
    def claim(self, name: str) -> None:
        claimed = self.run(self.q.claim(self.ids[name]))
        candidates = [t for t in self.tickets.values() if t.state == "waiting" and self.fits(t, name)]
        if self.load(name) >= AGENTS[name][2] or not candidates:
            assert claimed is None
            return
        expected = min(candidates, key=self.order_key)
        assert claimed is not None and claimed.id == expected.id
        expected.state, expected.agent, expected.token = "claimed", name, claimed.lease_token
        expected.lease_expires = self.now() + LEASE_S
        expected.reserved_for = ""

    @rule(name=st.sampled_from(list(AGENTS)), data=st.data())
    def claim_by_id(self, name: str, data: st.DataObject) -> None:
        if not self.tickets:
            return
        t = self.tickets[data.draw(st.sampled_from(sorted(self.tickets)))]
        call = self.q.claim(self.ids[name], t.id)
        if t.state != "waiting" or not self.fits(t, name) or self.load(name) >= AGENTS[name][2]:
            with pytest.raises(NotAllowed):
                self.run(call)
            return
        claimed = self.run(call)
        assert claimed.id == t.id
        t.state, t.agent, t.token = "claimed", name, claimed.lease_token
        t.lease_expires, t.reserved_for = self.now() + LEASE_S, ""

    @precondition(lambda self: self.held())
    @rule(data=st.data(), op=st.sampled_from(["heartbeat", "release", "resolve", "handback", "to_skill",
                                               "to_agent"]), to=st.sampled_from(list(AGENTS)))
    def act(self, data: st.DataObject, op: str, to: str) -> None:
        t = data.draw(st.sampled_from(self.held()))
        agent_id = self.ids[t.agent]
        calls = {
            "heartbeat": lambda: self.q.heartbeat(t.id, agent_id, t.token),
            "release": lambda: self.q.release(t.id, agent_id, t.token),
            "resolve": lambda: self.q.resolve(t.id, agent_id, t.token, "done", "note"),
            "handback": lambda: self.q.handback(t.id, agent_id, t.token, {"refund": True}),
            "to_skill": lambda: self.q.transfer(t.id, agent_id, t.token, to_skill="payments"),
            "to_agent": lambda: self.q.transfer(t.id, agent_id, t.token, to_agent_id=self.ids[to]),
        }
        if not self.lease_valid(t):
            with pytest.raises(LeaseLost):
                self.run(calls[op]())
            return
        self.run(calls[op]())
        if op == "heartbeat":
            t.lease_expires = self.now() + LEASE_S
            return
        self.forget_lease(t)
        if op in ("resolve", "handback"):
            t.state = "resolved" if op == "resolve" else "handed_back"
            del self.open[t.conv]
            self.cooldown[t.conv] = self.now() + COOLDOWN_S
            return
        t.state = "waiting"
        if op == "to_skill":
            t.skill = "payments"
        if op == "to_agent":
            t.reserved_for, t.reserved_until = to, self.now() + RESERVATION_S

    @precondition(lambda self: self.stale)
    @rule(data=st.data())
    def stale_token_is_refused(self, data: st.DataObject) -> None:
        ticket_id, name, token = data.draw(st.sampled_from(self.stale))
        with pytest.raises(LeaseLost):
            self.run(self.q.resolve(ticket_id, self.ids[name], token, "done"))

    @rule(conv=st.sampled_from(CONVERSATIONS))
    def cancel(self, conv: str) -> None:
        cancelled = self.run(self.q.cancel(conv))
        if conv not in self.open:
            assert cancelled is None
            return
        t = self.tickets[self.open.pop(conv)]
        assert cancelled.id == t.id
        if t.state == "claimed":
            self.forget_lease(t)
        t.state, t.reserved_for = "cancelled", ""

    @rule(seconds=st.sampled_from([1.0, 5.0, 15.0, 31.0]))
    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @rule()
    def sweep(self) -> None:
        result = self.run(self.q.requeue_expired())
        now = self.now()
        requeued, dead, unreserved = [], [], []
        for t in sorted(self.tickets.values(), key=lambda t: t.id):
            if t.state == "claimed" and t.lease_expires < now:
                t.lost += 1
                self.forget_lease(t)
                if t.lost >= MAX_LOST:
                    t.state = "dead"
                    del self.open[t.conv]
                    dead.append(t.id)
                else:
                    t.state = "waiting"
                    requeued.append(t.id)
            elif t.state == "waiting" and t.reserved_for and t.reserved_until < now:
                t.reserved_for = ""
                unreserved.append(t.id)
        assert sorted(result.requeued) == requeued
        assert sorted(result.dead_lettered) == dead
        assert sorted(result.unreserved) == unreserved

    # ---- invariants ----
    @invariant()
    def owners_agree(self) -> None:
        for conv in CONVERSATIONS:
            expected = "bot"
            if conv in self.open:
                expected = "agent" if self.tickets[self.open[conv]].state == "claimed" else "queued"
            assert self.run(self.q.owner(conv)) == expected, conv

    @invariant()
    def waiting_order_and_leases_agree(self) -> None:
        waiting = sorted((t for t in self.tickets.values() if t.state == "waiting"), key=self.order_key)
        assert [t.id for t in self.run(self.q.list_waiting())] == [t.id for t in waiting]
        for name, agent_id in self.ids.items():
            held = sorted(t.id for t in self.run(self.q.held_by(agent_id)))
            mine = [t.id for t in self.tickets.values() if t.state == "claimed" and t.agent == name]
            assert held == sorted(mine)
            load = self.run(self.redis.hget(self.q.keys.load, agent_id))
            assert int(load or 0) == self.load(name)
        states = {t.id: t.state for t in self.tickets.values()}
        assert {t.id: t.state for t in self.run(self.q.list_waiting())} == {
            i: s for i, s in states.items() if s == "waiting"}


@pytest.mark.redis
@pytest.mark.slow
def test_ticket_lifecycle(redis_server) -> None:
    run_state_machine_as_test(
        lambda: Lifecycle(redis_server.url),
        settings=settings(max_examples=30, stateful_step_count=30, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow]),
    )
