"""Once per session per rule, a cooldown per rule and a daily budget: never exceeded, whatever
the order of events — checked on the Redis script and the in-memory ledger alike."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter, defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis.asyncio import Redis

from gateway.proactive.engine import Limits, day_of
from gateway.proactive.ledger import MemoryLedger, RedisLedger
from gateway.proactive.rules import parse

RULES = parse("""
rules:
  - {id: a, cooldown_s: 600, when: {event: dwell}, trigger: {intent: EXTERNAL_proactive}}
  - {id: b, cooldown_s: 0, when: {event: dwell}, trigger: {intent: EXTERNAL_proactive}}
  - {id: c, cooldown_s: 86400, when: {event: dwell}, trigger: {intent: EXTERNAL_proactive}}
""").rules
BUDGET = 3
START = 1_764_000_000.0

# a step: which rule, whether a new session starts, how far the clock moves first
steps = st.lists(st.tuples(st.sampled_from(range(len(RULES))), st.booleans(),
                           st.sampled_from([0.0, 1.0, 59.0, 601.0, 3600.0, 40_000.0])), max_size=40)


async def replay(ledger, visitor: str, plan: list[tuple[int, bool, float]]) -> list[tuple[str, int, float]]:
    now, session, fired = START, 1, []
    for rule_index, new_session, advance in plan:
        now += advance
        session += new_session
        rule = RULES[rule_index]
        if await ledger.try_fire(visitor, rule, session, now) is None:
            fired.append((rule.id, session, now))
    return fired


def assert_within_limits(fired: list[tuple[str, int, float]]) -> None:
    per_session = Counter((rule, session) for rule, session, _ in fired)
    assert max(per_session.values(), default=0) <= 1
    per_day = Counter(day_of(now) for _, _, now in fired)
    assert max(per_day.values(), default=0) <= BUDGET
    last: dict[str, float] = {}
    cooldowns = {r.id: r.cooldown_s for r in RULES}
    for rule, _, now in fired:
        if rule in last:
            assert now - last[rule] >= cooldowns[rule]
        last[rule] = now


@settings(max_examples=60, deadline=None)
@given(plan=steps)
def test_memory_ledger_never_exceeds_a_limit(plan) -> None:
    assert_within_limits(asyncio.run(replay(MemoryLedger(Limits(BUDGET)), "v", plan)))


@pytest.mark.redis
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
def test_redis_script_agrees_with_the_engine(plan, redis_url, keys) -> None:
    async def both() -> tuple[list, list]:
        client = Redis.from_url(redis_url)
        try:
            visitor = uuid.uuid4().hex
            in_redis = await replay(RedisLedger(client, keys, Limits(BUDGET)), visitor, plan)
        finally:
            await client.aclose()
        return in_redis, await replay(MemoryLedger(Limits(BUDGET)), visitor, plan)

    in_redis, in_memory = asyncio.run(both())
    assert in_redis == in_memory
    assert_within_limits(in_redis)


@pytest.mark.redis
@pytest.mark.asyncio(loop_scope="session")
async def test_concurrent_gateways_cannot_fire_past_the_budget(redis, keys) -> None:
    """Forty rules fired at once for one visitor (as from several instances): exactly the budget."""
    rules = parse("rules:\n" + "".join(
        f"  - {{id: r{i}, when: {{event: dwell}}, trigger: {{intent: EXTERNAL_proactive}}}}\n" for i in range(40)
    )).rules
    ledgers = [RedisLedger(redis, keys, Limits(BUDGET)) for _ in range(2)]
    answers = await asyncio.gather(*(ledgers[i % 2].try_fire("v", rule, 1, START) for i, rule in enumerate(rules)))
    outcome = defaultdict(int)
    for answer in answers:
        outcome[answer] += 1
    assert outcome == {None: BUDGET, "budget": 40 - BUDGET}
