"""Visitors: a random bearer token (stored hashed, like conversation tokens) and a state
record in Redis with a TTL — first seen, sessions, locale, customer, cart, pages seen, activity.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from typing import Any

from redis.asyncio import Redis

from contracts.keys import ProactiveKeys
from gateway.auth import VISITOR_TOKEN_PREFIX
from gateway.errors import Unauthorized
from gateway.proactive import engine

TRAIL_PAGES = 10  # the last pages seen, in the agent's context
_FLOATS = ("first_seen", "last_activity", "page_since", "cart_value", "cart_changed")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class VisitorStore:
    def __init__(self, redis: Redis, keys: ProactiveKeys, *, ttl_s: int, session_gap_s: float) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl_s = ttl_s
        self.session_gap_s = session_gap_s

    async def create(self, locale: str, now: float) -> tuple[str, str]:
        """A new anonymous visitor and its bearer token (only the hash is stored)."""
        visitor_id, token = uuid.uuid4().hex, VISITOR_TOKEN_PREFIX + secrets.token_urlsafe(32)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._keys.visitor_token(_token_hash(token)), visitor_id, ex=self._ttl_s)
            pipe.hset(self._keys.visitor(visitor_id), mapping={
                "first_seen": repr(now), "last_activity": repr(now), "sessions": 1, "locale": locale})
            pipe.expire(self._keys.visitor(visitor_id), self._ttl_s)
            await pipe.execute()
        return visitor_id, token

    async def authorize(self, token: str) -> str:
        visitor_id = await self._redis.get(self._keys.visitor_token(_token_hash(token)))
        if visitor_id is None:
            raise Unauthorized("unknown visitor token", headers={"WWW-Authenticate": "Bearer"})
        return visitor_id.decode()

    async def for_conversation(self, conversation_id: str, now: float) -> str:
        """The visitor linked to a conversation; one is made for a conversation without one."""
        key = self._keys.conversation_visitor(conversation_id)
        visitor_id = await self._redis.get(key)
        if visitor_id is not None:
            return visitor_id.decode()
        new_id = f"c{conversation_id}"
        if await self._redis.set(key, new_id, nx=True, ex=self._ttl_s):
            await self._redis.hset(self._keys.visitor(new_id), mapping={
                "first_seen": repr(now), "last_activity": repr(now), "sessions": 1})
            await self._redis.expire(self._keys.visitor(new_id), self._ttl_s)
            return new_id
        return (await self._redis.get(key) or new_id.encode()).decode()

    async def link(self, visitor_id: str, conversation_id: str, *, locale: str, customer_id: str | None) -> None:
        mapping: dict[str, Any] = {"conversation_id": conversation_id, "locale": locale}
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._keys.conversation_visitor(conversation_id), visitor_id, ex=self._ttl_s)
            if customer_id:
                mapping["customer_id"] = customer_id
                pipe.hset(self._keys.customer(customer_id), "visitor_id", visitor_id)
                pipe.expire(self._keys.customer(customer_id), self._ttl_s)
            pipe.hset(self._keys.visitor(visitor_id), mapping=mapping)
            await pipe.execute()

    async def browsing_of(self, conversation_id: str) -> dict[str, Any]:
        """What the conversation's visitor has in the cart and which pages they saw, for the bot's
        context and the agent's; empty when the widget reported nothing."""
        visitor_id = await self._redis.get(self._keys.conversation_visitor(conversation_id))
        if visitor_id is None:
            return {}
        value, changed, lines, trail = await self._redis.hmget(
            self._keys.visitor(visitor_id.decode()), ["cart_value", "cart_changed", "cart_lines", "trail"])
        browsing: dict[str, Any] = {}
        if value is not None:
            browsing["cart"] = {"value": float(value), "updated": float(changed or 0),
                                "lines": json.loads(lines) if lines else []}
        if trail:
            browsing["trail"] = json.loads(trail)
        return browsing

    async def record(self, visitor_id: str) -> dict[str, str]:
        raw = await self._redis.hgetall(self._keys.visitor(visitor_id))
        return {k.decode(): v.decode() for k, v in raw.items()}

    async def observe(self, visitor_id: str, event: engine.Event, now: float) -> tuple[engine.Visitor, int]:
        """Fold one event into the visitor's state; returns the state and the session number."""
        record = await self.record(visitor_id)
        sessions = int(record.get("sessions", 1))
        last = float(record.get("last_activity", now))
        if now - last > self.session_gap_s:
            sessions += 1
        changes: dict[str, Any] = {"last_activity": repr(now), "sessions": sessions}
        if record.get("first_seen") is None:
            changes["first_seen"] = repr(now)
        if event.page_type != "other" and (event.type == "page_view" or event.page_type != record.get("page_type")):
            changes.update(page_type=event.page_type, page_since=repr(event.ts))
        if event.type == "cart_update":
            value = event.data.get("value")
            if isinstance(value, int | float) and not isinstance(value, bool):
                changes.update(cart_value=repr(float(value)), cart_changed=repr(event.ts))
            if isinstance(event.data.get("items"), list):
                changes["cart_lines"] = json.dumps(event.data["items"], ensure_ascii=False)
        if event.type == "page_view":
            trail = json.loads(record.get("trail") or "[]")
            page = {"type": event.page_type, "path": event.data.get("path", ""), "ts": event.ts}
            if not trail or (trail[-1]["type"], trail[-1]["path"]) != (page["type"], page["path"]):  # not a reload
                trail.append(page)
                changes["trail"] = json.dumps(trail[-TRAIL_PAGES:], ensure_ascii=False)
        record.update({k: str(v) for k, v in changes.items()})
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._keys.visitor(visitor_id), mapping=changes)
            pipe.expire(self._keys.visitor(visitor_id), self._ttl_s)
            await pipe.execute()
        segment = ""
        if record.get("customer_id"):
            raw = await self._redis.hget(self._keys.customer(record["customer_id"]), "segment")
            segment = raw.decode() if raw else ""
        return _view(visitor_id, record, segment), sessions


def _view(visitor_id: str, record: dict[str, str], segment: str) -> engine.Visitor:
    numbers = {name: float(record.get(name, 0) or 0) for name in _FLOATS}
    return engine.Visitor(
        id=visitor_id, locale=record.get("locale", "en"), segment=segment, sessions=int(record.get("sessions", 1)),
        page_type=record.get("page_type", "other"), page_since=numbers["page_since"],
        cart_value=numbers["cart_value"], cart_changed=numbers["cart_changed"],
    )
