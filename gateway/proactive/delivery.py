"""Handing a prompt to Rasa as an external intent, so it is part of the dialogue.

The bot's replies land in the transcript marked ``{"proactive": true, "rule": <id>}``.  A
prompt for a visitor without a conversation waits (short TTL) until the widget links one.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from contracts.keys import ProactiveKeys
from gateway.conversations import ConversationStore, Message
from gateway.errors import ComponentUnavailable
from gateway.rasa_client import RasaClient, bot_message
from handoff import HandoffQueue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prompt:
    rule_id: str
    intent: str
    entities: dict[str, Any]

    def dumps(self) -> str:
        return json.dumps({"rule": self.rule_id, "intent": self.intent, "entities": self.entities})

    @classmethod
    def loads(cls, raw: bytes | str) -> Prompt:
        data = json.loads(raw)
        return cls(data["rule"], data["intent"], data["entities"])


class Delivery:
    def __init__(self, redis: Redis, keys: ProactiveKeys, store: ConversationStore, rasa: RasaClient,
                 queue: HandoffQueue, pending_ttl_s: int) -> None:
        self._redis = redis
        self._keys = keys
        self._store = store
        self._rasa = rasa
        self._queue = queue
        self._pending_ttl_s = pending_ttl_s

    async def silenced(self, visitor_id: str, conversation_id: str | None) -> bool:
        """The shopper is typing, or a human owns (or is about to own) the conversation."""
        if await self._redis.exists(self._keys.typing(visitor_id)):
            return True
        return conversation_id is not None and await self._queue.owner(conversation_id) != "bot"

    async def typing(self, visitor_id: str, seconds: float) -> None:
        await self._redis.set(self._keys.typing(visitor_id), 1, px=int(seconds * 1000))

    async def hold(self, visitor_id: str, prompt: Prompt) -> None:
        await self._redis.set(self._keys.pending(visitor_id), prompt.dumps(), ex=self._pending_ttl_s)

    async def take_pending(self, visitor_id: str) -> Prompt | None:
        raw = await self._redis.getdel(self._keys.pending(visitor_id))
        return Prompt.loads(raw) if raw else None

    async def deliver(self, conversation_id: str, prompt: Prompt) -> list[Message]:
        """Trigger the prompt in Rasa and store the replies; [] when the conversation is gone."""
        language = await self._store.language(conversation_id)
        if language is None:
            return []
        entities = {**prompt.entities, "rule": prompt.rule_id}
        await self._rasa.set_slot(conversation_id, "language", language)
        await self._store.set_language(conversation_id, language, in_rasa=True)
        replies = await self._rasa.trigger_intent(conversation_id, prompt.intent, entities)
        messages = []
        for reply in replies:
            if reply.get("text"):
                message = bot_message(reply)
                message["extra"] = {"proactive": True, "rule": prompt.rule_id}
                messages.append(message)
        stored = await self._store.append(conversation_id, messages) if messages else []
        log.info("proactive prompt", extra={"conversation_id": conversation_id, "rule": prompt.rule_id,
                                            "replies": len(stored)})
        return stored

    async def deliver_or_hold(self, visitor_id: str, conversation_id: str | None, prompt: Prompt) -> list[Message]:
        if conversation_id is None:
            await self.hold(visitor_id, prompt)
            return []
        try:
            return await self.deliver(conversation_id, prompt)
        except ComponentUnavailable as exc:
            log.warning("proactive prompt held: %s", exc.message, extra={"conversation_id": conversation_id})
            await self.hold(visitor_id, prompt)
            return []
