"""The proactive pipeline: events in, at most one prompt per batch out.

For each event: fold it into the visitor's state, record downstream steps for the report,
find the matching rules (highest priority first) and fire the first one the limits allow —
unless the shopper is typing or a human owns the conversation.  Held-out visitors pass
through the same limits (so both groups are comparable) but get no prompt.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from contracts.keys import ProactiveKeys
from gateway.conversations import Message
from gateway.insights import kinds as insight_kinds
from gateway.insights.events import EventLog
from gateway.proactive import engine
from gateway.proactive.delivery import Delivery, Prompt
from gateway.proactive.ledger import Ledger
from gateway.proactive.live_rules import LiveRules
from gateway.proactive.measure import Measurements, held_out
from gateway.proactive.rules import Rule
from gateway.proactive.visitors import VisitorStore

log = logging.getLogger(__name__)

_MAX_CUSTOMER_PENDING = 20
_CUSTOMER_PENDING_TTL_S = 7 * 86400


@dataclass(frozen=True)
class Outcome:
    """What a batch led to, told back to the widget."""

    rule_id: str | None = None
    held: bool = False  # waiting for a conversation
    messages: tuple[Message, ...] = ()
    held_out: bool = False  # the rule fired for a holdout visitor: nothing is shown

    def to_api(self) -> dict[str, Any] | None:
        if self.rule_id is None or self.held_out:
            return None
        return {"rule": self.rule_id, "pending": self.held, "messages": [m.to_api() for m in self.messages]}


class ProactivePrompts:
    def __init__(self, redis: Redis, keys: ProactiveKeys, rules: LiveRules, visitors: VisitorStore,
                 ledger: Ledger, delivery: Delivery, measurements: Measurements, *, holdout_share: float,
                 typing_s: float, clock: Callable[[], float]) -> None:
        self._redis = redis
        self._keys = keys
        self.rules = rules
        self.visitors = visitors
        self._ledger = ledger
        self._delivery = delivery
        self._measurements = measurements
        self._holdout_share = holdout_share
        self._typing_s = typing_s
        self.clock = clock
        self.insights: EventLog | None = None  # set by the gateway: shown / suppressed counts

    async def on_events(self, visitor_id: str, conversation_id: str | None,
                        events: list[engine.Event], *, consented: bool = True) -> Outcome:
        """Without proactive consent (docs/privacy.md) the events still update the visitor, but nothing fires."""
        outcome = Outcome()
        for event in events:
            fire = consented and outcome.rule_id is None
            result = await self._on_event(visitor_id, conversation_id, event, fire=fire)
            if result.rule_id is not None:
                outcome = result
        return outcome

    async def on_link(self, visitor_id: str, conversation_id: str, customer_id: str | None, *,
                      consented: bool = True) -> Outcome:
        """A conversation exists now: deliver the waiting prompt and the customer's shop events."""
        if not consented:
            return Outcome()
        prompt = await self._delivery.take_pending(visitor_id)
        if prompt is not None:
            messages = await self._delivery.deliver_or_hold(visitor_id, conversation_id, prompt)
            await self._delivered(prompt.rule_id, conversation_id, messages)
            return Outcome(prompt.rule_id, held=not messages, messages=tuple(messages))
        if customer_id:
            return await self.on_events(visitor_id, conversation_id, await self._customer_pending(customer_id))
        return Outcome()

    async def on_shop_event(self, customer_id: str, segment: str | None, event: engine.Event) -> str:
        """Delivered now to an open conversation, else kept for the customer's next visit."""
        customer_key = self._keys.customer(customer_id)
        if segment:
            await self._redis.hset(customer_key, "segment", segment)
            await self._redis.expire(customer_key, _CUSTOMER_PENDING_TTL_S)
        raw = await self._redis.hget(customer_key, "visitor_id")
        if raw is not None:
            visitor_id = raw.decode()
            record = await self.visitors.record(visitor_id)
            conversation_id = record.get("conversation_id")
            recent = self.clock() - float(record.get("last_activity", 0)) <= self.visitors.session_gap_s
            if conversation_id and recent and not await self._delivery.silenced(visitor_id, conversation_id):
                outcome = await self._on_event(visitor_id, conversation_id, event, fire=True)
                if outcome.held_out:
                    return "held_out"
                if outcome.rule_id is not None:
                    return "delivered" if outcome.messages else "held"
                return "no_rule"
        key = self._keys.customer_pending(customer_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, _dump_event(event))
            pipe.ltrim(key, -_MAX_CUSTOMER_PENDING, -1)
            pipe.expire(key, _CUSTOMER_PENDING_TTL_S)
            await pipe.execute()
        return "queued"

    async def _customer_pending(self, customer_id: str) -> list[engine.Event]:
        key = self._keys.customer_pending(customer_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lrange(key, 0, -1)
            pipe.delete(key)
            raw, _ = await pipe.execute()
        return [_load_event(item) for item in raw]

    async def _on_event(self, visitor_id: str, conversation_id: str | None, event: engine.Event,
                        *, fire: bool) -> Outcome:
        now = self.clock()
        if event.type == "typing":
            await self._delivery.typing(visitor_id, self._typing_s)
            return Outcome()
        visitor, session = await self.visitors.observe(visitor_id, event, now)
        if event.type == "page_view":
            await self._measurements.downstream(visitor_id, event.page_type,
                                                await self.visitors.record(visitor_id), now)
        if not fire:
            return Outcome()
        candidates = engine.matching(self.rules.get(), event, visitor, now)
        if not candidates:
            return Outcome()
        if await self._delivery.silenced(visitor_id, conversation_id):
            await self._suppressed(conversation_id, candidates[0].id, "silenced")
            return Outcome()
        refusals = []
        for rule in candidates:
            refusal = await self._ledger.try_fire(visitor_id, rule, session, now)
            if refusal is not None:
                log.debug("proactive rule refused", extra={"rule": rule.id, "reason": refusal})
                refusals.append(refusal)
                continue
            return await self._fire(visitor_id, conversation_id, rule, event, now)
        await self._suppressed(conversation_id, candidates[0].id, str(refusals[0]))
        return Outcome()

    async def _suppressed(self, conversation_id: str | None, rule_id: str, reason: str) -> None:
        """A rule matched but no prompt was shown (silenced, over a limit, or held out)."""
        if self.insights is not None:
            await self.insights.record(insight_kinds.PROACTIVE_SUPPRESSED, conversation_id, rule=rule_id,
                                       reason=reason[:40])

    async def _fire(self, visitor_id: str, conversation_id: str | None, rule: Rule, event: engine.Event,
                    now: float) -> Outcome:
        if held_out(visitor_id, rule.id, self._holdout_share):
            await self._measurements.exposed(visitor_id, rule.id, "holdout", now)
            await self._suppressed(conversation_id, rule.id, "holdout")
            return Outcome(rule.id, held_out=True)  # ends the batch, as a shown prompt would
        await self._measurements.exposed(visitor_id, rule.id, "shown", now)
        entities: dict[str, Any] = dict(rule.entities)
        entities.update({name: str(event.data[name])[:64] for name in rule.pass_data if name in event.data})
        prompt = Prompt(rule.id, rule.intent, entities)
        messages = await self._delivery.deliver_or_hold(visitor_id, conversation_id, prompt)
        if conversation_id is not None:
            await self._delivered(rule.id, conversation_id, messages)
        return Outcome(rule.id, held=not messages, messages=tuple(messages))

    async def _delivered(self, rule_id: str, conversation_id: str, messages: list[Message]) -> None:
        if messages:
            await self._measurements.delivered(rule_id, conversation_id, messages[-1].id, self.clock())
            if self.insights is not None:
                await self.insights.record(insight_kinds.PROACTIVE_SHOWN, conversation_id, rule=rule_id)


def _dump_event(event: engine.Event) -> str:
    return json.dumps({"type": event.type, "ts": event.ts, "page_type": event.page_type, "data": event.data})


def _load_event(raw: bytes) -> engine.Event:
    data = json.loads(raw)
    return engine.Event(data["type"], data["ts"], data["page_type"], data["data"])
