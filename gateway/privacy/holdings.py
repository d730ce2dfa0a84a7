"""Where a customer's data lives in Redis: their conversations, the visitors linked to them,
and every key in their hash tags, whichever process wrote it.

The gateway indexes conversations per customer (gateway/conversations.py); a scan of the
conversation records also finds any made before that index existed.  Rasa's tracker store
lives in the same Redis under its own prefix (contracts/keys.py), keyed by conversation id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redis.asyncio import Redis

from contracts.keys import ProactiveKeys, RedisKeys

SCAN_COUNT = 1000


def text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@dataclass
class Holdings:
    customer_id: str
    conversations: list[str] = field(default_factory=list)
    visitors: list[str] = field(default_factory=list)
    customer_keys: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.conversations or self.visitors or self.customer_keys)


class Locator:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.keys = RedisKeys(prefix)
        self.proactive = ProactiveKeys(prefix)

    async def find(self, customer_id: str) -> Holdings:
        holdings = Holdings(customer_id)
        indexed = await self.redis.zrange(self.keys.customer_conversations(customer_id), 0, -1)
        conversations = {text(c) for c in indexed} | set(await self._scanned_conversations(customer_id))
        holdings.conversations = sorted(conversations)
        visitors = set()
        for conversation_id in holdings.conversations:
            visitor = await self.redis.get(self.proactive.conversation_visitor(conversation_id))
            if visitor is not None:
                visitors.add(text(visitor))
        latest = await self.redis.hget(self.proactive.customer(customer_id), "visitor_id")
        if latest is not None:
            visitors.add(text(latest))
        holdings.visitors = sorted(visitors)
        holdings.customer_keys = await self.scan(self.keys.customer_pattern(customer_id))
        return holdings

    async def _scanned_conversations(self, customer_id: str) -> list[str]:
        found = []
        async for key in self.redis.scan_iter(match=self.keys.conversation("*"), count=SCAN_COUNT):
            if text(await self.redis.hget(key, "customer_id") or b"") == customer_id:
                found.append(text(key).split("{conv:", 1)[1].split("}", 1)[0])
        return found

    async def scan(self, pattern: str) -> list[str]:
        return [text(key) async for key in self.redis.scan_iter(match=pattern, count=SCAN_COUNT)]

    def tracker_keys(self, conversation_id: str) -> list[str]:
        return [self.keys.rasa_tracker(conversation_id), self.keys.rasa_lock(conversation_id)]

    async def conversation_keys(self, conversation_id: str) -> list[str]:
        """Every key about one conversation: its hash tag, Rasa's tracker, its rate-limit counters."""
        keys = await self.scan(self.keys.conversation_pattern(conversation_id))
        keys += [key for key in self.tracker_keys(conversation_id) if await self.redis.exists(key)]
        keys += await self.scan(self.keys.rate("*", conversation_id, "*"))  # type: ignore[arg-type]
        return keys

    async def visitor_keys(self, visitor_id: str) -> list[str]:
        keys = await self.scan(self.keys.visitor_pattern(visitor_id))
        keys += await self.scan(self.keys.rate("*", visitor_id, "*"))  # type: ignore[arg-type]
        async for key in self.redis.scan_iter(match=self.proactive.visitor_token("*"), count=SCAN_COUNT):
            if text(await self.redis.get(key) or b"") == visitor_id:
                keys.append(text(key))
        return keys
