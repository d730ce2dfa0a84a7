"""One shopper turn: validate, deduplicate, route to Rasa, store the exchange.

Delivery contract (documented in the README): a message is stored only together with the
bot's reply.  If Redis, Rasa or the action server is down the API answers 503 with
Retry-After naming the component, nothing is stored, and the widget resends the same
``client_msg_id`` later; a repeated id is answered from what was stored, never run twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway import intent_payloads, language, system_messages
from gateway.conversations import Conversation, ConversationStore
from gateway.errors import Conflict, Invalid, NotFound, TooLarge
from gateway.rasa_client import RasaClient, bot_message
from gateway.ratelimit import RateLimiter
from gateway.turn_signals import TurnObserver, notify, split_replies
from handoff import HandoffQueue

log = logging.getLogger(__name__)

# C0 and C1 control characters but tab, newline and carriage return (a CR ends a line: see below)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_END = re.compile(r"\r\n?")
CLIENT_MSG_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_DEDUP_TTL_S = 24 * 3600
NOTED_EVERY_S = 60  # a queued shopper's messages are acknowledged at most this often: heard, not spammed


@dataclass(frozen=True)
class TurnLimits:
    max_chars: int
    turn_timeout_s: float
    messages_per_minute: int


def clean_text(text: str, max_chars: int) -> str:
    """Text as it will be stored: line ends as "\\n", trimmed, bounded.  A control character is
    refused rather than dropped, so what is stored is what was sent (a NUL often hides an attack)."""
    control = _CONTROL.search(text)
    if control:
        raise Invalid(f"text contains the control character U+{ord(control.group()):04X} at position "
                      f"{control.start()}; only tab and newline are allowed")
    cleaned = _LINE_END.sub("\n", text).strip()
    if not cleaned:
        raise Invalid("text must not be empty")
    if len(cleaned) > max_chars:
        raise TooLarge(f"text has {len(cleaned)} characters; the limit is {max_chars}")
    return cleaned


class ShopperTurns:
    def __init__(self, redis: Redis, keys: RedisKeys, store: ConversationStore, rasa: RasaClient,
                 limiter: RateLimiter, queue: HandoffQueue, limits: TurnLimits,
                 browsing_of: Callable[[str], Awaitable[dict[str, Any]]],
                 consent_of: Callable[[Conversation], Awaitable[dict[str, bool]]]) -> None:
        self._redis = redis
        self._keys = keys
        self._store = store
        self._rasa = rasa
        self._limiter = limiter
        self._queue = queue
        self._browsing_of = browsing_of  # the widget's cart and page events, for an escalation's context
        self._consent_of = consent_of  # what the actions may use (profile, order history): docs/privacy.md
        self._limits = limits
        self.observers: list[TurnObserver] = []  # told about every turn the bot answered, with its signals

    async def handle(self, conversation: Conversation, text: str,
                     client_msg_id: str | None) -> dict[str, Any]:
        text = clean_text(text, self._limits.max_chars)
        if client_msg_id is not None and not CLIENT_MSG_ID.match(client_msg_id):
            raise Invalid("client_msg_id must be 1-64 letters, digits or _.:-")
        await self._limiter.hit("messages", conversation.id, limit=self._limits.messages_per_minute,
                                window_s=60)
        dedup_key = self._keys.client_message(conversation.id, client_msg_id) if client_msg_id else None
        if dedup_key and not await self._redis.set(dedup_key, "pending", nx=True, ex=_DEDUP_TTL_S):
            return await self._stored_answer(dedup_key)
        try:
            async with self._turn_lock(conversation.id):
                if not await self._redis.exists(self._keys.conversation(conversation.id)):
                    raise NotFound("this conversation has ended")  # erased while this turn waited
                result = await self._run(conversation, text, client_msg_id)
        except BaseException:
            if dedup_key:
                await self._redis.delete(dedup_key)
            raise
        if dedup_key:
            await self._redis.set(dedup_key, json.dumps(result, ensure_ascii=False), ex=_DEDUP_TTL_S)
        return result

    async def _run(self, conversation: Conversation, text: str, client_msg_id: str | None) -> dict[str, Any]:
        received = time.time()
        shopper_message: dict[str, Any] = {"sender": "shopper", "text": text, "ts": received}
        if client_msg_id:
            shopper_message["extra"] = {"client_msg_id": client_msg_id}
        owner = await self._queue.owner(conversation.id)
        if owner != "bot":
            # queued or with an agent: the agent side reads the transcript; Rasa never sees it
            messages = [shopper_message]
            if owner == "queued" and await self._redis.set(self._keys.queued_noted(conversation.id), 1, nx=True,
                                                           ex=NOTED_EVERY_S):
                messages.append({"sender": "system", "text": system_messages.text("noted", conversation.language),
                                 "ts": time.time(), "extra": {"event": "noted"}})
            stored = await self._store.append(conversation.id, messages)
            log.info("turn to agent side", extra={"conversation_id": conversation.id, "mode": owner})
            return {"messages": [m.to_api() for m in stored[1:]], "mode": owner}
        language_now = language.detect(text) or conversation.language
        if language_now != conversation.rasa_language:
            await self._rasa.set_slot(conversation.id, "language", language_now)
            await self._store.set_language(conversation.id, language_now, in_rasa=True)
            if language_now != conversation.language:
                log.info("language switched", extra={"conversation_id": conversation.id,
                                                     "language": language_now})
        metadata: dict[str, Any] = {"locale": conversation.locale, "language": language_now,
                                    "customer_id": conversation.customer_id, "page": conversation.page}
        metadata["consent"] = await self._consent_of(conversation)
        metadata.update(await self._browsing_of(conversation.id))
        rasa_text = text
        if text.startswith(intent_payloads.INTENT_PREFIX):  # only such a text needs the buttons offered
            recent = await self._store.recent(conversation.id, intent_payloads.OFFER_LOOKBACK_MESSAGES)
            rasa_text = intent_payloads.for_rasa(text, intent_payloads.offered(recent, received))
        sent = time.time()
        replies, signals = split_replies(await self._rasa.send(conversation.id, rasa_text, metadata))
        rasa_ms = (time.time() - sent) * 1000
        bot_messages = [bot_message(reply) for reply in replies if reply.get("text")]
        stored = await self._store.append(conversation.id, [shopper_message, *bot_messages])
        signals.append({"kind": "timing", "lang": language_now, "rasa_ms": rasa_ms,
                        "gateway_ms": (time.time() - received) * 1000})
        await notify(self.observers, conversation, text, signals)
        log.info("turn", extra={"conversation_id": conversation.id, "replies": len(bot_messages),
                                "latency_ms": round((time.time() - received) * 1000, 1)})
        log.debug("turn text", extra={"conversation_id": conversation.id, "text": text})
        # an action may have escalated during this turn
        return {"messages": [m.to_api() for m in stored[1:]], "mode": await self._queue.owner(conversation.id)}

    async def _stored_answer(self, dedup_key: str) -> dict[str, Any]:
        stored = await self._redis.get(dedup_key)
        if stored is None or stored == b"pending":
            raise Conflict("a message with this client_msg_id is still being processed; retry shortly")
        return json.loads(stored)

    def _turn_lock(self, conversation_id: str) -> TurnLock:
        return TurnLock(self._redis, self._keys.turn_lock(conversation_id), self._limits.turn_timeout_s)


class TurnLock:
    """Serialises turns of one conversation across gateway instances, so replies stay in order
    (and lets an erasure wait for a turn in flight: gateway/privacy/erase.py)."""

    def __init__(self, redis: Redis, key: str, timeout_s: float) -> None:
        self._redis = redis
        self._key = key
        self._timeout_s = timeout_s
        self._token = secrets.token_hex(8)

    async def __aenter__(self) -> None:
        deadline = time.monotonic() + self._timeout_s
        expiry_ms = int((self._timeout_s + 5) * 1000)
        while not await self._redis.set(self._key, self._token, nx=True, px=expiry_ms):
            if time.monotonic() > deadline:
                raise Conflict("another message of this conversation is still being answered")
            await asyncio.sleep(0.05)

    async def __aexit__(self, *exc: object) -> None:
        # delete only our own lock: compare-and-delete in one step
        await self._redis.eval(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
            1, self._key, self._token,
        )

