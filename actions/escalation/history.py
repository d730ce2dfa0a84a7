"""Problems a customer raised recently, so the same problem raised again is escalated.

One sorted set per customer (score = time), members "<intent>|<order id>|<conversation>";
"the same problem" is the same intent about the same order (or no order) raised in
another conversation within the window.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from actions.escalation.policy import REPEAT_WINDOW_DAYS
from contracts.keys import RedisKeys

_WINDOW_S = REPEAT_WINDOW_DAYS * 24 * 3600


async def raised_before(redis: Redis, prefix: str, customer_id: str, intent: str, order_id: str | None,
                        conversation_id: str, now: float | None = None) -> bool:
    """Record this problem and say whether another conversation raised it within the window."""
    now = time.time() if now is None else now
    topic = f"{intent}|{order_id or ''}|"
    name = RedisKeys(prefix).customer_issues(customer_id)
    members = await redis.zrangebyscore(name, now - _WINDOW_S, "+inf")
    others = [m.decode() for m in members if not m.decode().endswith("|" + conversation_id)]
    seen = any(m.startswith(topic) for m in others)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zadd(name, {topic + conversation_id: now})
        pipe.zremrangebyscore(name, "-inf", now - _WINDOW_S)
        pipe.expire(name, _WINDOW_S)
        await pipe.execute()
    return seen
