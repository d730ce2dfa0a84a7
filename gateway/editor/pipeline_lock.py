"""One train, test, deploy or rollback at a time, across the gateway and the CLI.

A Redis lock (SET NX with an expiry, released in `finally`) that a background task keeps
extending while the work runs, so a crashed process frees it within LOCK_TTL_S while a
long training never loses it.  Its value names the holder, so a refusal can say who.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError

from contracts.keys import RedisKeys
from gateway.errors import Conflict

LOCK_TTL_S = 60.0


@contextlib.asynccontextmanager
async def pipeline_lock(redis: Redis, keys: RedisKeys, holder: str) -> AsyncIterator[None]:
    """Hold the pipeline lock as `holder` (e.g. "deploy job j-1f2e"), or raise Conflict (409)."""
    lock = Lock(redis, keys.editor_pipeline_lock(), timeout=LOCK_TTL_S, blocking=False, thread_local=False)
    if not await lock.acquire(token=f"{holder}|{secrets.token_hex(8)}"):
        raw = await redis.get(keys.editor_pipeline_lock())
        current = raw.decode().rsplit("|", 1)[0] if raw else "another train, test or deploy"
        raise Conflict(f"{current} is running; wait until it is done")
    done = asyncio.Event()
    keeper = asyncio.create_task(_keep(lock, done))
    try:
        yield
    finally:
        done.set()  # not cancel(): a command cancelled mid-flight can leave a pooled connection unusable
        with contextlib.suppress(LockError):
            await keeper
            await lock.release()


async def _keep(lock: Lock, done: asyncio.Event) -> None:
    while not done.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), LOCK_TTL_S / 3)
        if not done.is_set():
            await lock.reacquire()
