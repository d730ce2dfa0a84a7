"""The pipeline on real Redis with a controllable clock and a stand-in Rasa: silence during a
handoff, the daily budget across rules, holdout, and a prompt waiting for its conversation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.conversations import ConversationStore
from gateway.proactive.delivery import Delivery
from gateway.proactive.engine import Event, Limits
from gateway.proactive.ledger import RedisLedger
from gateway.proactive.live_rules import LiveRules
from gateway.proactive.measure import Measurements
from gateway.proactive.prompts import ProactivePrompts
from gateway.proactive.visitors import VisitorStore

pytestmark = [pytest.mark.redis, pytest.mark.asyncio(loop_scope="session")]

RULES = """
rules:
  - {id: exit, priority: 3, cooldown_s: 60, when: {event: exit_intent}, trigger: {intent: EXTERNAL_proactive}}
  - {id: dwell, priority: 2, cooldown_s: 60, when: {event: dwell}, trigger: {intent: EXTERNAL_proactive}}
  - {id: search, priority: 1, cooldown_s: 60, when: {event: search}, trigger: {intent: EXTERNAL_proactive}}
"""


class FakeRasa:
    def __init__(self) -> None:
        self.triggered: list[tuple[str, str, dict[str, Any]]] = []

    async def set_slot(self, conversation_id: str, name: str, value: Any) -> None:
        return None

    async def trigger_intent(self, conversation_id: str, intent: str, entities: dict[str, Any]) -> list[dict]:
        self.triggered.append((conversation_id, intent, entities))
        return [{"text": f"prompt {entities['rule']}"}]


class FakeQueue:
    def __init__(self) -> None:
        self.owners: dict[str, str] = {}

    async def owner(self, conversation_id: str) -> str:
        return self.owners.get(conversation_id, "bot")


@pytest.fixture
def pipeline(redis: Redis, keys, clock, tmp_path: Path):
    def build(holdout: float = 0.0, budget: int = 2) -> tuple[ProactivePrompts, FakeRasa, FakeQueue,
                                                               ConversationStore]:
        (tmp_path / "rules.yml").write_text(RULES)
        store = ConversationStore(redis, RedisKeys(keys.prefix), ttl_s=3600)
        rasa, queue = FakeRasa(), FakeQueue()
        prompts = ProactivePrompts(
            redis, keys, LiveRules(tmp_path / "rules.yml", 5, clock),
            VisitorStore(redis, keys, ttl_s=3600, session_gap_s=1800), RedisLedger(redis, keys, Limits(budget)),
            Delivery(redis, keys, store, rasa, queue, pending_ttl_s=60),  # type: ignore[arg-type]
            Measurements(redis, keys), holdout_share=holdout, typing_s=5, clock=clock)
        return prompts, rasa, queue, store
    return build


def ev(kind: str, clock) -> Event:
    return Event(kind, clock(), "product", {"seconds": 99})


async def test_no_prompt_while_a_human_owns_the_conversation_and_no_limit_is_spent(pipeline, clock) -> None:
    prompts, rasa, queue, store = pipeline()
    conversation, _ = await store.create(locale="en", customer_id=None, page=None)
    queue.owners[conversation.id] = "agent"
    assert (await prompts.on_events("v1", conversation.id, [ev("exit_intent", clock)])).rule_id is None
    queue.owners[conversation.id] = "bot"
    outcome = await prompts.on_events("v1", conversation.id, [ev("exit_intent", clock)])
    assert outcome.rule_id == "exit"
    assert [m.extra for m in await store.messages(conversation.id)] == [{"proactive": True, "rule": "exit"}]


async def test_the_daily_budget_holds_across_rules_and_one_prompt_per_batch(pipeline, clock) -> None:
    prompts, rasa, _, store = pipeline(budget=2)
    conversation, _ = await store.create(locale="en", customer_id=None, page=None)
    batch = [ev("search", clock), ev("dwell", clock), ev("exit_intent", clock)]
    fired = []
    for _ in range(6):
        fired.append((await prompts.on_events("v2", conversation.id, batch)).rule_id)
        clock.advance(3600)  # past every cooldown, new session each time, same UTC day
    assert fired == ["search", "search", None, None, None, None]  # first match per batch; then the budget
    assert len(rasa.triggered) == 2
    clock.advance(86400)
    assert (await prompts.on_events("v2", conversation.id, batch)).rule_id is not None


async def test_held_out_visitors_get_nothing_and_a_prompt_waits_for_the_conversation(pipeline, clock) -> None:
    prompts, rasa, _, store = pipeline(holdout=1.0)
    held_out = await prompts.on_events("v3", None, [ev("exit_intent", clock), ev("dwell", clock)])
    assert (held_out.rule_id, held_out.held_out, held_out.to_api()) == ("exit", True, None)
    assert rasa.triggered == []

    prompts, rasa, _, store = pipeline(holdout=0.0)
    waiting = await prompts.on_events("v4", None, [ev("exit_intent", clock)])
    assert (waiting.rule_id, waiting.held) == ("exit", True)
    conversation, _ = await store.create(locale="ko", customer_id=None, page=None)
    delivered = await prompts.on_link("v4", conversation.id, None)
    assert delivered.rule_id == "exit" and not delivered.held
    assert [c for c, _, _ in rasa.triggered] == [conversation.id]
    assert (await prompts.on_link("v4", conversation.id, None)).rule_id is None  # delivered once
