"""A gateway over the session's real Rasa stack for a shop that requires both consents, with no
proactive holdout (so an allowed prompt always shows), and helpers to talk to it."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from handoff import HandoffQueue
from tests import presence
from tests.conftest import gateway_settings

SHOP_SECRET = "privacy-shop-secret-0123456789"
NOTICE = "2026-11"


@pytest.fixture(scope="session")
def privacy_gateway(rasa_stack, redis_url: str) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from gateway.app import create_app

    settings = gateway_settings(rasa_stack, consent_required=("personalisation", "proactive"),
                                privacy_notice_version=NOTICE, proactive_holdout_share=0.0,
                                proactive_shop_secret=SHOP_SECRET)
    with TestClient(create_app(settings, redis_url)) as client:
        yield client


@pytest.fixture(scope="session")
def secret(rasa_stack) -> str:  # type: ignore[no-untyped-def]
    return rasa_stack.env["SHOPASSIST_IDENTITY_SECRET"]


@pytest.fixture
def general_agent(redis_url: str, key_prefix: str):  # type: ignore[no-untyped-def]
    """An agent for "general" at the console (online: escalations are queued only while someone who
    can help is), removed afterwards: other tests rely on nobody serving it."""
    async def call(action):  # type: ignore[no-untyped-def]
        client = Redis.from_url(redis_url)
        try:
            return await action(HandoffQueue(client, key_prefix).agents)
        finally:
            await client.aclose()

    agent, token = asyncio.run(call(lambda a: a.add(f"Erin-{uuid.uuid4().hex[:6]}", ["general"], ["en"], 5)))
    with presence.online(redis_url, key_prefix, agent.id):
        yield {"Authorization": f"Bearer {token}"}
    asyncio.run(call(lambda a: a.remove(agent.id)))


def unique_customer() -> str:
    return f"priv-{uuid.uuid4().hex[:12]}"


def product_dwell() -> list[dict[str, Any]]:
    """Behaviour that matches the shipped `product_dwell` rule."""
    now = time.time()
    return [{"type": "page_view", "ts": now, "page": {"url": "/p/1", "type": "product"}, "data": {}},
            {"type": "dwell", "ts": now, "page": {"url": "/p/1", "type": "product"}, "data": {"seconds": 60}}]


