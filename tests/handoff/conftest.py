"""Fixtures for the handoff tests: a private redis-server for the session, a fresh key prefix per test."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

# tests/conftest.py puts tests/ on sys.path, where this folder, tests/handoff, would be imported as a
# namespace package in place of the real `handoff` (the editable install's finder runs after the path
# finder). A regular package anywhere on sys.path wins over a namespace one, so add the repository root.
_REPO_ROOT = str(Path(__file__).resolve().parents[2])
if _REPO_ROOT not in sys.path:
    sys.path.append(_REPO_ROOT)
if getattr(sys.modules.get("handoff"), "__file__", "") is None:
    del sys.modules["handoff"]

import pytest  # noqa: E402
from handoff_servers import RedisServer  # noqa: E402
from redis.asyncio import Redis  # noqa: E402

from handoff import HandoffQueue, Keys, ManualClock  # noqa: E402


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(Path(tmp_path_factory.mktemp("redis"))).start()
    yield server
    server.stop()


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


@pytest.fixture
def prefix(redis_server: RedisServer) -> Iterator[str]:
    yield f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def cleanup(redis: Redis, prefix: str) -> AsyncIterator[None]:
    yield
    keys = [key async for key in redis.scan_iter(match=Keys(prefix).all_patterns(), count=1000)]
    if keys:
        await redis.delete(*keys)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def queue(redis: Redis, prefix: str, clock: ManualClock, cleanup: None) -> HandoffQueue:
    q = HandoffQueue(redis, prefix, clock, lease_s=30, max_lost_leases=3, aging_s=60, cooldown_s=120,
                     reservation_s=60)
    await q.connect()
    return q
