"""Conversations and their transcripts in Redis.

A transcript is a Redis Stream: its entry ids are the message ids the API hands out, so
``after=<id>`` is an exclusive XRANGE and ids are ordered across shopper, bot, agent and
system messages without a separate counter.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.auth import CONVERSATION_TOKEN_PREFIX
from gateway.errors import NotFound

SENDERS = ("shopper", "bot", "agent", "system")


@dataclass(frozen=True)
class Conversation:
    id: str
    locale: str
    language: str
    customer_id: str | None
    created: float
    page: dict[str, str] = field(default_factory=dict)
    rasa_language: str | None = None


@dataclass(frozen=True)
class Message:
    id: str
    sender: str
    text: str
    ts: float
    buttons: list[dict[str, str]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "sender": self.sender, "text": self.text, "ts": self.ts}
        if self.buttons:
            body["buttons"] = self.buttons
        body.update(self.extra)
        return body


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ConversationStore:
    def __init__(self, redis: Redis, keys: RedisKeys, ttl_s: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl_s = ttl_s

    async def create(
        self, *, locale: str, customer_id: str | None, page: dict[str, str] | None
    ) -> tuple[Conversation, str]:
        """A new conversation and the bearer token that alone can read and write it."""
        conversation = Conversation(
            id=uuid.uuid4().hex, locale=locale, language=locale, customer_id=customer_id,
            created=time.time(), page=page or {},
        )
        token = CONVERSATION_TOKEN_PREFIX + secrets.token_urlsafe(32)
        mapping = {
            "locale": locale, "language": locale, "customer_id": customer_id or "",
            "created": repr(conversation.created), "page": json.dumps(conversation.page),
            "token_hash": _token_hash(token),
        }
        if customer_id:  # indexed first and without TTL, so export and erasure find every conversation
            await self._redis.zadd(self._keys.customer_conversations(customer_id),
                                   {conversation.id: conversation.created})
        key = self._keys.conversation(conversation.id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=mapping)
            pipe.expire(key, self._ttl_s)
            await pipe.execute()
        return conversation, token

    async def authorize(self, conversation_id: str, token: str) -> Conversation:
        """The conversation if the token is its own; 404 otherwise, so a stranger learns nothing."""
        raw = await self._redis.hgetall(self._keys.conversation(conversation_id))
        if not raw or not hmac.compare_digest(raw[b"token_hash"].decode(), _token_hash(token)):
            raise NotFound("no such conversation")
        return Conversation(
            id=conversation_id,
            locale=raw[b"locale"].decode(),
            language=raw[b"language"].decode(),
            customer_id=raw[b"customer_id"].decode() or None,
            created=float(raw[b"created"]),
            page=json.loads(raw[b"page"]),
            rasa_language=raw.get(b"rasa_language", b"").decode() or None,
        )

    async def language(self, conversation_id: str) -> str | None:
        raw = await self._redis.hget(self._keys.conversation(conversation_id), "language")
        return raw.decode() if raw else None

    async def set_language(self, conversation_id: str, language: str, *, in_rasa: bool) -> None:
        fields = {"language": language}
        if in_rasa:
            fields["rasa_language"] = language
        await self._redis.hset(self._keys.conversation(conversation_id), mapping=fields)

    async def append(self, conversation_id: str, messages: list[dict[str, Any]]) -> list[Message]:
        """Store messages in order, in one transaction, and return them with their ids."""
        key = self._keys.transcript(conversation_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            for message in messages:
                pipe.xadd(key, _encode(message))
            pipe.expire(key, self._ttl_s)
            pipe.expire(self._keys.conversation(conversation_id), self._ttl_s)
            results = await pipe.execute()
        return [
            _decode(entry_id.decode(), _encode(message))
            for entry_id, message in zip(results[: len(messages)], messages, strict=True)
        ]

    async def recent(self, conversation_id: str, count: int) -> list[Message]:
        """The last `count` messages, newest first."""
        entries = await self._redis.xrevrange(self._keys.transcript(conversation_id), count=count)
        return [_decode(entry_id.decode(), fields) for entry_id, fields in entries]

    async def messages(self, conversation_id: str, after: str | None = None) -> list[Message]:
        start = f"({after}" if after else "-"
        entries = await self._redis.xrange(self._keys.transcript(conversation_id), min=start)
        return [_decode(entry_id.decode(), fields) for entry_id, fields in entries]


def _encode(message: dict[str, Any]) -> dict[str, str]:
    fields = {"sender": message["sender"], "text": message["text"], "ts": repr(message["ts"])}
    if message.get("buttons"):
        fields["buttons"] = json.dumps(message["buttons"], ensure_ascii=False)
    if message.get("extra"):
        fields["extra"] = json.dumps(message["extra"], ensure_ascii=False)
    return fields


def _decode(entry_id: str, fields: dict[Any, Any]) -> Message:
    text = {k.decode() if isinstance(k, bytes) else k: v.decode() if isinstance(v, bytes) else v
            for k, v in fields.items()}
    return Message(
        id=entry_id, sender=text["sender"], text=text["text"], ts=float(text["ts"]),
        buttons=json.loads(text["buttons"]) if "buttons" in text else None,
        extra=json.loads(text["extra"]) if "extra" in text else {},
    )
