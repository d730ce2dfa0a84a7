"""Counting firings against the limits: in Redis (atomic Lua) or in memory (tests).

Both implement `try_fire`; one contract test suite checks both say the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from redis.asyncio import Redis

from contracts.keys import ProactiveKeys
from gateway.proactive import engine
from gateway.proactive.rules import Rule

_FIRE = (Path(__file__).parent / "scripts" / "fire-1.lua").read_text()
_TTL_S = 3 * 86400  # outlives any cooldown we ship and yesterday's budget


class Ledger(Protocol):
    async def try_fire(self, visitor_id: str, rule: Rule, session: int, now: float) -> str | None:
        """Count one firing if the limits allow it; None when counted, else the refusal."""


class RedisLedger:
    def __init__(self, redis: Redis, keys: ProactiveKeys, limits: engine.Limits) -> None:
        self._redis = redis
        self._keys = keys
        self._limits = limits
        self._script = redis.register_script(_FIRE)

    async def try_fire(self, visitor_id: str, rule: Rule, session: int, now: float) -> str | None:
        ttl = max(_TTL_S, int(rule.cooldown_s) + 86400)
        answer = await self._script(keys=[self._keys.limits(visitor_id)], args=[
            rule.id, session, engine.day_of(now), repr(now), repr(rule.cooldown_s), self._limits.daily_budget, ttl])
        answer = answer.decode() if isinstance(answer, bytes) else answer
        return None if answer == "ok" else answer


class MemoryLedger:
    def __init__(self, limits: engine.Limits) -> None:
        self._limits = limits
        self.counters: dict[str, dict[str, float]] = {}

    async def try_fire(self, visitor_id: str, rule: Rule, session: int, now: float) -> str | None:
        counters = self.counters.setdefault(visitor_id, {})
        reason = engine.refusal(counters, rule, session, now, self._limits)
        if reason is None:
            engine.count(counters, rule, session, now)
        return reason
