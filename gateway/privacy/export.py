"""Exporting everything held about a customer, as one JSON document (a data-subject access request).

Every key the erasure would delete is dumped whatever its type, so the export and the
erasure cover the same ground by construction; handoff tickets and insights events are
added from their stores.  Token hashes are left out: they are credentials, not data about
the person.
"""

from __future__ import annotations

import json
import time
from typing import Any

from gateway.errors import NotFound
from gateway.privacy.erase import SubjectEvents, call
from gateway.privacy.holdings import Locator, text
from handoff import HandoffQueue

_SECRET_FIELDS = {"token_hash"}


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


async def dump(redis: Any, key: str) -> Any:
    """A key's value as plain JSON, whatever its Redis type."""
    kind = text(await redis.type(key))
    if kind == "string":
        return _maybe_json(text(await redis.get(key)))
    if kind == "hash":
        return {text(k): _maybe_json(text(v)) for k, v in (await redis.hgetall(key)).items()
                if text(k) not in _SECRET_FIELDS}
    if kind == "list":
        return [_maybe_json(text(v)) for v in await redis.lrange(key, 0, -1)]
    if kind == "set":
        return sorted(text(v) for v in await redis.smembers(key))
    if kind == "zset":
        return [[text(m), s] for m, s in await redis.zrange(key, 0, -1, withscores=True)]
    if kind == "stream":
        return [{"id": text(i), **{text(k): _maybe_json(text(v)) for k, v in f.items()}}
                for i, f in await redis.xrange(key)]
    return None


class Exporter:
    def __init__(self, locator: Locator, queue: HandoffQueue, insights: SubjectEvents | None,
                 subject_of: Any) -> None:
        self._locator = locator
        self._queue = queue
        self._insights = insights
        self._subject_of = subject_of

    async def export(self, customer_id: str) -> dict[str, Any]:
        holdings = await self._locator.find(customer_id)
        events = await call(self._insights.export_subject, self._subject_of(customer_id)) if self._insights else []
        if holdings.empty and not events:
            raise NotFound(f"no data is held about customer {customer_id!r}")
        redis = self._locator.redis
        conversations = []
        for conversation_id in holdings.conversations:
            keys = await self._locator.conversation_keys(conversation_id)
            conversations.append({"id": conversation_id, "keys": {k: await dump(redis, k) for k in keys},
                                  "handoff_tickets": await self._tickets(conversation_id)})
        visitors = [{"id": v, "keys": {k: await dump(redis, k) for k in await self._locator.visitor_keys(v)
                                       if ":vtok:" not in k}} for v in holdings.visitors]
        return {
            "customer_id": customer_id, "exported_at": time.time(),
            "customer": {k: await dump(redis, k) for k in holdings.customer_keys},
            "conversations": conversations, "visitors": visitors, "insights_events": events,
        }

    async def _tickets(self, conversation_id: str) -> list[dict[str, Any]]:
        redis, keys = self._locator.redis, self._queue.keys
        tickets = []
        async for ticket_id, raw in redis.hscan_iter(keys.tickets):
            ticket = json.loads(raw)
            if ticket.get("conversation_id") == conversation_id:
                context = await redis.hget(keys.contexts, ticket_id)
                tickets.append({**ticket, "context": json.loads(context) if context else None})
        return tickets
