"""Consent records against a real Redis: a new notice version asks again, the customer's choice carries
to their next conversation, a conversation's own choice wins, and the log is bounded."""

from __future__ import annotations

import uuid

import pytest
from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.conversations import Conversation
from gateway.errors import Invalid
from gateway.privacy.consent import MAX_RECORDS, ConsentPolicy, ConsentStore

pytestmark = [pytest.mark.redis]
BOTH = ("personalisation", "proactive")


def chat(customer_id: str | None) -> Conversation:
    return Conversation(id=uuid.uuid4().hex, locale="en", language="en", customer_id=customer_id, created=0.0)


async def test_consent_follows_the_notice_version_and_the_customer(redis_url: str, key_prefix: str) -> None:
    redis = Redis.from_url(redis_url)
    keys = RedisKeys(f"{key_prefix}c{uuid.uuid4().hex[:6]}")
    v1 = ConsentStore(redis, keys, ConsentPolicy(BOTH, "v1"), ttl_s=3600)
    try:
        first = chat("cust-1")
        await v1.record_for_conversation(first, {"personalisation": True}, "v1", now=1.0)
        assert await v1.for_conversation(first) == {"personalisation": True, "proactive": False}
        assert await v1.for_conversation(chat("cust-1")) == {"personalisation": True, "proactive": False}
        declined = chat("cust-1")
        await v1.record_for_conversation(declined, {"personalisation": False}, "v1", now=2.0)
        assert (await v1.for_conversation(declined))["personalisation"] is False
        assert await v1.for_conversation(chat(None)) == {"personalisation": False, "proactive": False}

        v2 = ConsentStore(redis, keys, ConsentPolicy(BOTH, "v2"), ttl_s=3600)
        assert await v2.for_conversation(first) == {"personalisation": False, "proactive": False}
        with pytest.raises(Invalid):
            await v2.record_for_conversation(first, {"proactive": True}, "v1", now=3.0)

        not_required = ConsentStore(redis, keys, ConsentPolicy((), "v1"), ttl_s=3600)
        assert await not_required.for_conversation(chat(None)) == {"personalisation": True, "proactive": True}

        for n in range(MAX_RECORDS + 5):
            await v1.record_for_conversation(first, {"proactive": n % 2 == 0}, "v1", now=10.0 + n)
        history = await v1.history(v1.log_key(first))
        assert len(history) == MAX_RECORDS and history[-1]["ts"] == 10.0 + MAX_RECORDS + 4
    finally:
        await redis.aclose()
