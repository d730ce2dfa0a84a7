"""What a gateway has stored in Redis, as a comparable snapshot: the fuzzing checks that a refused
request changes none of it (tests/security/test_api_fuzz.py)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import redis

from contracts.keys import RedisKeys
from handoff.keys import Keys as HandoffKeys

# Keys a refused request may change by design: each refusal is counted for /metrics (the insights
# stream) and rate limits count attempts, refused or not.
EXPECTED_WRITES = re.compile(rb"^[^:]+:(insights:events|rate:.*)$")
EXPIRING_MS = 10_000


class RedisState:
    """Every key under the gateway's prefix (its own and the handoff queue's) with its value, read by type
    (a hash as a dict, a set as a set, a stream as its entries: DUMP's bytes change when Redis merely
    re-encodes or rehashes, and the insights ingester reads the handoff stream through a consumer group,
    which is reading, not a change). TTLs, which tick, are left out, and so are keys about to expire
    (under EXPIRING_MS: typing silences, locks), which vanish on their own."""

    def __init__(self, redis_url: str, prefix: str) -> None:
        self._redis = redis.Redis.from_url(redis_url)
        self._patterns = (f"{prefix}:*", f"{{{prefix}:*")
        self._events = HandoffKeys(prefix).events
        self._relayed = RedisKeys(prefix).relayed_event
        self._pipeline_lock = RedisKeys(prefix).editor_pipeline_lock()

    def snapshot(self) -> dict[bytes, Any]:
        keys = [key for pattern in self._patterns for key in self._redis.scan_iter(match=pattern, count=1000)
                if not EXPECTED_WRITES.match(key)]
        with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.type(key)
                pipe.pttl(key)
            found = pipe.execute()
            kept = [(key, kind) for key, kind, ttl in zip(keys, found[::2], found[1::2], strict=True)
                    if not 0 <= ttl < EXPIRING_MS]
            for key, kind in kept:
                READ_BY_TYPE.get(kind, READ_OTHER)(pipe, key)
            values = pipe.execute()
        return {key: value for (key, _), value in zip(kept, values, strict=True) if value is not None}

    def settle(self, quiet_s: float = 0.05, timeout_s: float = 30.0) -> None:
        """Wait for background work to end: the relay has taken the newest handoff event (its system messages,
        queue positions, the bot's resume after a close), no editor job runs, and nothing changed for quiet_s."""
        deadline = time.monotonic() + timeout_s
        previous, quiet_since = self.snapshot(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            current = self.snapshot()
            if current != previous or not self._idle():
                previous, quiet_since = current, time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_s:
                return
        raise AssertionError(f"the gateway's background work did not settle in {timeout_s} s")

    def _idle(self) -> bool:
        newest = self._redis.xrevrange(self._events, count=1)
        relayed = not newest or self._redis.exists(self._relayed(newest[0][0].decode()))
        return bool(relayed) and not self._redis.exists(self._pipeline_lock)

    def recent_events(self) -> list[str]:
        return [fields.get(b"type", b"?").decode() for _, fields in self._redis.xrevrange(self._events, count=5)]

    def close(self) -> None:
        self._redis.close()


READ_BY_TYPE: dict[bytes, Callable[[Any, bytes], Any]] = {
    b"string": lambda pipe, key: pipe.get(key), b"hash": lambda pipe, key: pipe.hgetall(key),
    b"list": lambda pipe, key: pipe.lrange(key, 0, -1), b"set": lambda pipe, key: pipe.smembers(key),
    b"zset": lambda pipe, key: pipe.zrange(key, 0, -1, withscores=True), b"stream": lambda pipe, key: pipe.xrange(key),
}
READ_OTHER: Callable[[Any, bytes], Any] = lambda pipe, key: pipe.dump(key)  # noqa: E731


def changes(before: dict[bytes, Any], after: dict[bytes, Any]) -> dict[str, tuple[str, str]]:
    return {key.decode(errors="replace"): (repr(before.get(key))[:200], repr(after.get(key))[:200])
            for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
