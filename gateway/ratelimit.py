"""Fixed-window rate limits in Redis, shared by every gateway instance."""

from __future__ import annotations

import time

from redis.asyncio import Redis
from starlette.requests import HTTPConnection

from contracts.keys import RedisKeys
from gateway.errors import RateLimited


def client_address(connection: HTTPConnection) -> str:
    """The client's address for per-client limits: the peer, or what a trusted proxy says it is
    (SHOPASSIST_TRUSTED_PROXIES; the app's proxy-headers middleware rewrites the peer, gateway/app.py)."""
    return connection.client.host if connection.client else "unknown"


class RateLimiter:
    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def hit(self, scope: str, subject: str, *, limit: int, window_s: int) -> None:
        """Count one request; raise RateLimited past `limit` in the current window."""
        window = int(time.time() // window_s)
        key = self._keys.rate(scope, subject, window)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, window_s * 2)
            count, _ = await pipe.execute()
        if count > limit:
            retry_after = int(window_s - time.time() % window_s) + 1
            raise RateLimited(f"too many {scope} requests; at most {limit} per {window_s}s", retry_after)
