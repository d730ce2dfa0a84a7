"""Who changed which source, and when: a bounded log of editor edits in Redis."""

from __future__ import annotations

import json
import time

from redis.asyncio import Redis

from contracts.keys import RedisKeys

KEEP = 1000


class ChangeLog:
    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def record(self, actor: dict[str, str], what: str, target: str, files: list[str]) -> None:
        entry = {"actor": actor, "ts": time.time(), "what": what, "target": target, "files": files}
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lpush(self._keys.editor_changes(), json.dumps(entry, ensure_ascii=False))
            pipe.ltrim(self._keys.editor_changes(), 0, KEEP - 1)
            await pipe.execute()

    async def recent(self, count: int = 50) -> list[dict[str, object]]:
        return [json.loads(e) for e in await self._redis.lrange(self._keys.editor_changes(), 0, count - 1)]
