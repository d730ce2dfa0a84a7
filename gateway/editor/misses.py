"""Reading the miss stream and keeping which misses an editor has resolved.

A resolution is stored twice: the cluster as it was when resolved (its examples, counts,
the action, who and when), and for each of its misses the cluster id, so those misses
never come back as open even when later clustering would group them differently.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.errors import Conflict

MAX_READ = 10_000
STALE_CLAIM_S = 600.0  # longer than any source edit (rasa data validate times out at 180 s)


@dataclass(frozen=True)
class Miss:
    id: str  # the stream entry id, time-ordered
    text: str
    lang: str
    source: str
    intent: str | None
    confidence: float | None
    kb_candidates: list[dict[str, Any]]
    ts: float


def _miss(entry_id: bytes, fields: dict[bytes, bytes]) -> Miss:
    get = {k.decode(): v.decode() for k, v in fields.items()}.get
    confidence = get("confidence") or ""
    return Miss(
        id=entry_id.decode(), text=get("text") or "", lang=get("lang") or "en", source=get("source") or "",
        intent=get("intent") or None, confidence=float(confidence) if confidence else None,
        kb_candidates=json.loads(get("kb_candidates") or "[]"), ts=float(get("ts") or 0),
    )


class MissStore:
    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def misses(self, lang: str) -> list[Miss]:
        """Every stored miss in `lang`, oldest first."""
        entries = await self._redis.xrange(self._keys.editor_misses(), count=MAX_READ)
        return [m for m in (_miss(i, f) for i, f in entries) if m.lang == lang and m.text]

    async def resolved_misses(self) -> dict[str, str]:
        """Miss id -> id of the cluster that resolved it."""
        raw = await self._redis.hgetall(self._keys.editor_resolved_misses())
        return {k.decode(): v.decode() for k, v in raw.items()}

    async def resolutions(self) -> dict[str, dict[str, Any]]:
        raw = await self._redis.hgetall(self._keys.editor_resolutions())
        return {k.decode(): json.loads(v) for k, v in raw.items()}

    async def claim(self, cluster_id: str, record: dict[str, Any]) -> None:
        """Mark a cluster as being resolved; a second editor resolving it at once gets 409.
        A claim left by a gateway that died mid-resolve lapses after STALE_CLAIM_S."""
        key = self._keys.editor_resolutions()
        if await self._redis.hsetnx(key, cluster_id, json.dumps(record)):
            return
        held = json.loads(await self._redis.hget(key, cluster_id) or b"{}")
        started = float((held.get("resolution") or {}).get("ts") or 0)
        if held.get("status") == "resolving" and time.time() - started > STALE_CLAIM_S:
            await self._redis.hset(key, cluster_id, json.dumps(record))
            return
        raise Conflict(f"cluster {cluster_id} is already {held.get('status') or 'resolved'}")

    async def release(self, cluster_id: str) -> None:
        """Undo a claim whose source edit was refused."""
        await self._redis.hdel(self._keys.editor_resolutions(), cluster_id)

    async def resolve(self, cluster_id: str, record: dict[str, Any], miss_ids: list[str]) -> None:
        """Store the finished resolution and forget resolutions of misses the stream has dropped."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._keys.editor_resolutions(), cluster_id, json.dumps(record, ensure_ascii=False))
            if miss_ids:
                pipe.hset(self._keys.editor_resolved_misses(), mapping=dict.fromkeys(miss_ids, cluster_id))
            await pipe.execute()
        await self._forget_trimmed()

    async def _forget_trimmed(self) -> None:
        oldest = await self._redis.xrange(self._keys.editor_misses(), count=1)
        if not oldest:
            return
        first = _stream_id(oldest[0][0].decode())
        stale = [m for m in await self.resolved_misses() if _stream_id(m) < first]
        if stale:
            await self._redis.hdel(self._keys.editor_resolved_misses(), *stale)


def _stream_id(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)
