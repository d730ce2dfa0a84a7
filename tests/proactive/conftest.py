"""Fixtures of the proactive tests: a controllable clock, Redis under a per-test prefix, and a
gateway whose Rasa is absent (for the input checks that never reach Rasa)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from contracts.keys import ProactiveKeys

SHOP_SECRET = "test-shop-secret-0123456789"


class Clock:
    """Time that moves only when a test says so."""

    def __init__(self, now: float = 1_764_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def keys(key_prefix: str) -> ProactiveKeys:
    return ProactiveKeys(f"{key_prefix}-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session")
def offline_gateway(redis_url: str, key_prefix: str, tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[httpx.Client]:
    """The real gateway with nothing listening where Rasa should be: enough for bad input.  It lives for
    the whole session, so it writes under its own prefix: its handoff relay, which cannot reach Rasa,
    must not win the shared queue's events (a resolve would then never ask the shopper for a rating)."""
    from fastapi.testclient import TestClient

    from gateway.app import create_app
    from gateway.ops.redis_server import free_port
    from gateway.settings import load_settings

    dead = f"http://127.0.0.1:{free_port()}"
    settings = load_settings(
        key_prefix=f"{key_prefix}-offline", rasa_url=dead, actions_url=dead, rasa_token="x" * 32,
        identity_secret="test-identity-secret-0123456789", proactive_shop_secret=SHOP_SECRET,
        kb_index_dir=Path(tmp_path_factory.mktemp("no-kb")), proactive_batches_per_minute=5,
    )
    with TestClient(create_app(settings, redis_url)) as client:
        yield client
