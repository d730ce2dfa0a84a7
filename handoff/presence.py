"""Agent presence: who is at the console now, so the queue promises only what a present team can do.

The console reports online or away every 20 s; an agent not heard from within ``ttl_s`` (a closed
tab, a lost network) counts as offline, as does one who signed out. The TTL is long enough for a
console in a background tab, whose timers browsers slow to about one a minute.
"""

from __future__ import annotations

from typing import Literal

import orjson
from redis.asyncio import Redis

from .boundary import redis_boundary
from .clock import Clock, from_ms, to_ms
from .errors import InvalidRequest
from .keys import Keys

Status = Literal["online", "away", "offline"]
STATUSES: tuple[Status, ...] = ("online", "away", "offline")


class Presence:
    def __init__(self, redis: Redis, keys: Keys, clock: Clock, ttl_s: float) -> None:
        self._redis = redis
        self._keys = keys
        self._clock = clock
        self.ttl_s = ttl_s

    async def report(self, agent_id: str, status: str) -> None:
        """The console's heartbeat: online or away now; offline when the agent signs out."""
        if status not in STATUSES:
            raise InvalidRequest(f"status must be one of {', '.join(STATUSES)}")
        with redis_boundary():
            if status == "offline":
                await self._redis.hdel(self._keys.presence, agent_id)
            else:
                await self._redis.hset(self._keys.presence, agent_id,
                                       orjson.dumps({"status": status, "seen": to_ms(self._clock())}))

    async def statuses(self) -> dict[str, Status]:
        """Agent id -> status now, for every agent heard from within the TTL (others are offline)."""
        with redis_boundary():
            raw = await self._redis.hgetall(self._keys.presence)
        oldest = self._clock() - self.ttl_s
        result: dict[str, Status] = {}
        for agent_id, value in raw.items():
            record = orjson.loads(value)
            if from_ms(record["seen"]) >= oldest:
                key = agent_id.decode() if isinstance(agent_id, bytes) else agent_id
                result[key] = "away" if record["status"] == "away" else "online"
        return result

    async def online(self) -> frozenset[str]:
        return frozenset(agent_id for agent_id, status in (await self.statuses()).items() if status == "online")
