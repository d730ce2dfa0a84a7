"""Deploy history in Redis: one record per deploy, the `live` pointer and a log of changes.

A version is what a deploy made live: the model (by its training hash and file), the KB
index version, the NLU metrics the gate compared, who and when, the summary, and the reason
when the gate was overridden.  Rollbacks move `live` and are logged; they create no version.
A fresh install records what it started with as v1 (`record_first`), so something is always
live; its NLU metrics may follow later (`"report": "pending"` until `attach_report`).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline as RedisPipeline
from redis.exceptions import WatchError

from contracts.keys import RedisKeys
from gateway.ops.console import say


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class VersionStore:
    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def record(self, fields: dict[str, Any], *, actor: dict[str, str]) -> dict[str, Any]:
        """Store a new version, make it live, return it."""
        number = await self._redis.incr(self._keys.editor_version_seq())
        version = {"id": f"v{number}", **fields, "actor": actor, "ts": now_iso()}
        async with self._redis.pipeline(transaction=True) as pipe:
            self._make_live(pipe, version, "deploy")
            await pipe.execute()
        return version

    async def record_first(self, fields: dict[str, Any], *, actor: dict[str, str]) -> dict[str, Any] | None:
        """Store `fields` as v1 and make it live, unless a version was ever recorded; None then.

        Atomic against itself and `record`: the sequence number every version takes is WATCHed,
        so of two starts at once one records v1 and the other nothing, and a deploy racing an
        install becomes v2 (or v1, the install then recording nothing)."""
        seq = self._keys.editor_version_seq()
        version = {"id": "v1", **fields, "actor": actor, "ts": now_iso()}
        async with self._redis.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(seq)
                if await pipe.exists(seq):
                    return None
                pipe.multi()
                pipe.set(seq, 1)
                self._make_live(pipe, version, "install")
                await pipe.execute()
            except WatchError:
                return None
        return version

    async def attach_report(self, model_hash: str, metrics: dict[str, Any]) -> list[str]:
        """Give the versions of `model_hash` whose report was pending these metrics; their ids."""
        attached = []
        for version in await self.all():
            if version.get("report") == "pending" and version["model_hash"] == model_hash:
                version.update(metrics=metrics, report="ready")
                await self._redis.hset(self._keys.editor_versions(), version["id"],
                                       json.dumps(version, ensure_ascii=False))
                attached.append(version["id"])
        return attached

    def _make_live(self, pipe: RedisPipeline, version: dict[str, Any], action: str) -> None:
        pipe.hset(self._keys.editor_versions(), version["id"], json.dumps(version, ensure_ascii=False))
        pipe.rpush(self._keys.editor_version_order(), version["id"])
        pipe.set(self._keys.editor_live(), version["id"])
        pipe.rpush(self._keys.editor_live_log(), _log_entry(version["id"], action, version["actor"]))

    async def set_live(self, version_id: str, *, actor: dict[str, str]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._keys.editor_live(), version_id)
            pipe.rpush(self._keys.editor_live_log(), _log_entry(version_id, "rollback", actor))
            await pipe.execute()

    async def get(self, version_id: str) -> dict[str, Any] | None:
        raw = await self._redis.hget(self._keys.editor_versions(), version_id)
        return json.loads(raw) if raw else None

    async def live_id(self) -> str | None:
        raw = await self._redis.get(self._keys.editor_live())
        return raw.decode() if raw else None

    async def live(self) -> dict[str, Any] | None:
        live_id = await self.live_id()
        return await self.get(live_id) if live_id else None

    async def all(self) -> list[dict[str, Any]]:
        """Every version, newest first."""
        ids = [raw.decode() for raw in await self._redis.lrange(self._keys.editor_version_order(), 0, -1)]
        if not ids:
            return []
        records = await self._redis.hmget(self._keys.editor_versions(), ids)
        return [json.loads(raw) for raw in reversed(records) if raw]

    async def history(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest changes of `live` (deploys and rollbacks), newest first."""
        entries = await self._redis.lrange(self._keys.editor_live_log(), -limit, -1)
        return [json.loads(raw) for raw in reversed(entries)]

    async def previous(self) -> dict[str, Any] | None:
        """The version deployed just before the live one: rollback's default target."""
        live_id = await self.live_id()
        versions = await self.all()
        ids = [v["id"] for v in versions]
        if live_id not in ids:
            return None
        older = versions[ids.index(live_id) + 1:]
        return older[0] if older else None


def _log_entry(version_id: str, action: str, actor: dict[str, str]) -> str:
    return json.dumps({"version": version_id, "action": action, "actor": actor, "ts": now_iso()})


async def live_model(key_prefix: str, redis_url: str) -> Path | None:
    """The model file of the version editors made live (a deploy or rollback), if any: `make run`
    serves it rather than the newest sources', which go live only through a deploy."""
    client = Redis.from_url(redis_url)
    try:
        live = await VersionStore(client, RedisKeys(key_prefix)).live()
    finally:
        await client.aclose()
    if live and Path(live["model_file"]).is_file():
        say(f"serving the live version {live['id']} (model {live['model_hash']})")
        return Path(live["model_file"])
    return None
