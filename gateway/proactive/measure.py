"""Measuring prompts: who was shown a prompt or held out, and what they did next.

Per rule and UTC day, Redis sets of visitor ids: ``exposed`` (matched and passed the
limits), ``checkout`` (reached the checkout page afterwards) and ``order`` (reached the
order-confirmation page), each for the ``shown`` and ``holdout`` groups; and the list of
delivered prompt messages, read back at report time to count replies and button clicks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from redis.asyncio import Redis

from contracts.keys import ProactiveKeys
from gateway.conversations import ConversationStore
from gateway.proactive.engine import day_of

DOWNSTREAM = {"checkout": "checkout", "order": "order"}  # page type reached -> metric
_STATS_TTL_S = 120 * 86400
_MAX_DELIVERIES_READ = 2000


def held_out(visitor_id: str, rule_id: str, share: float) -> bool:
    """Deterministic per visitor and rule, so a visitor stays in one group."""
    bucket = int(hashlib.sha256(f"{visitor_id}:{rule_id}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return bucket < share


class Measurements:
    def __init__(self, redis: Redis, keys: ProactiveKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def exposed(self, visitor_id: str, rule_id: str, group: str, now: float) -> None:
        day = day_of(now)
        key = self._keys.metric(rule_id, day, group, "exposed")
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.sadd(key, visitor_id)
            pipe.expire(key, _STATS_TTL_S)
            pipe.hset(self._keys.visitor(visitor_id), f"exposed:{rule_id}", group)
            await pipe.execute()

    async def delivered(self, rule_id: str, conversation_id: str, message_id: str, now: float) -> None:
        key = self._keys.deliveries(rule_id, day_of(now))
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, f"{conversation_id} {message_id}")
            pipe.expire(key, _STATS_TTL_S)
            await pipe.execute()

    async def downstream(self, visitor_id: str, page_type: str, record: dict[str, str], now: float) -> None:
        metric = DOWNSTREAM.get(page_type)
        if metric is None:
            return
        exposures = {k.removeprefix("exposed:"): v for k, v in record.items() if k.startswith("exposed:")}
        if not exposures:
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            for rule_id, group in exposures.items():
                key = self._keys.metric(rule_id, day_of(now), group, metric)
                pipe.sadd(key, visitor_id)
                pipe.expire(key, _STATS_TTL_S)
            await pipe.execute()


@dataclass(frozen=True)
class RuleReport:
    rule_id: str
    shown: int
    engaged: int
    holdout: int
    checkout: dict[str, int]
    order: dict[str, int]

    def lift(self, metric: str) -> float | None:
        """Relative lift of the metric's rate, shown over holdout; None without a baseline."""
        counts = self.checkout if metric == "checkout" else self.order
        if not self.shown or not self.holdout or not counts["holdout"]:
            return None
        return (counts["shown"] / self.shown) / (counts["holdout"] / self.holdout) - 1

    def to_api(self) -> dict[str, object]:
        return {
            "rule": self.rule_id, "shown": self.shown, "engaged": self.engaged, "holdout": self.holdout,
            "checkout": self.checkout, "order": self.order,
            "checkout_lift": self.lift("checkout"), "order_lift": self.lift("order"),
        }


def days(start: dt.date, end: dt.date) -> list[str]:
    if end < start or (end - start).days > 366:
        raise ValueError("the range must run forwards and span at most a year")
    return [(start + dt.timedelta(days=i)).strftime("%Y%m%d") for i in range((end - start).days + 1)]


async def report(redis: Redis, keys: ProactiveKeys, store: ConversationStore, rule_ids: list[str],
                 span: list[str]) -> list[RuleReport]:
    """Per rule over the days in `span`: unique visitors per group and metric, and engagement."""
    reports = []
    for rule_id in rule_ids:
        def count(group: str, metric: str, rule_id: str = rule_id) -> list[str]:
            return [keys.metric(rule_id, day, group, metric) for day in span]

        sizes = {}
        for group in ("shown", "holdout"):
            for metric in ("exposed", "checkout", "order"):
                sizes[group, metric] = len(await redis.sunion(count(group, metric)))
        engaged = 0
        for day in span:
            for entry in await redis.lrange(keys.deliveries(rule_id, day), 0, _MAX_DELIVERIES_READ - 1):
                conversation_id, message_id = entry.decode().split(" ", 1)
                later = await store.messages(conversation_id, message_id)
                engaged += any(m.sender == "shopper" for m in later)
        reports.append(RuleReport(
            rule_id, shown=sizes["shown", "exposed"], engaged=engaged, holdout=sizes["holdout", "exposed"],
            checkout={"shown": sizes["shown", "checkout"], "holdout": sizes["holdout", "checkout"]},
            order={"shown": sizes["shown", "order"], "holdout": sizes["holdout", "order"]},
        ))
    return reports


def as_json(reports: list[RuleReport]) -> str:
    return json.dumps([r.to_api() for r in reports], indent=2)
