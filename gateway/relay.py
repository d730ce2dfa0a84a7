"""Turning handoff-queue events into what the shopper sees, and keeping leases honest.

Every gateway instance follows the queue's event stream; one of them (whichever claims
the event first in Redis) writes the system message, so shoppers never see duplicates
however many instances run.  The same loop announces queue positions and waits when they change
(and every two minutes regardless), and a sweeper requeues tickets whose agent stopped heartbeating.
"""

from __future__ import annotations

import asyncio
import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from contracts.keys import RedisKeys
from gateway import system_messages
from gateway.conversations import ConversationStore
from gateway.errors import ComponentUnavailable
from gateway.rasa_client import RasaClient, bot_message
from handoff import Event, HandoffError, HandoffQueue

log = logging.getLogger(__name__)

_SWEEP_EVERY_S = 1.0
# Rasa external intents (domain.yml) run when the bot owns the conversation again:
# after a resolve it asks for a CSAT rating, after a handback it carries on with the agent's facts.
BOT_RESUMES = {"resolved": "EXTERNAL_handoff_resolved", "handed_back": "EXTERNAL_handoff_returned"}
_CLAIM_EVENT_TTL_S = 24 * 3600
UPDATE_EVERY_S = 120  # a waiting shopper hears from us at least this often, news or not
_REMIND_EVERY_S = 15.0
_ANNOUNCED = ("announced_position", "announced_at")
# Compare-and-set, so one instance speaks: 1 when the place or wait changed, 2 when the last word is
# ARGV[3] seconds old, else 0 (and nothing written).
_ANNOUNCE = """
local last = redis.call('hmget', KEYS[1], 'announced_position', 'announced_at')
local kind = 0
if last[1] ~= ARGV[1] then kind = 1
elseif tonumber(ARGV[2]) - tonumber(last[2] or 0) >= tonumber(ARGV[3]) then kind = 2 end
if kind > 0 then redis.call('hset', KEYS[1], 'announced_position', ARGV[1], 'announced_at', ARGV[2]) end
return kind
"""


class HandoffRelay:
    def __init__(self, queue: HandoffQueue, store: ConversationStore, redis: Redis, keys: RedisKeys,
                 rasa: RasaClient) -> None:
        self._queue = queue
        self._rasa = rasa
        self._store = store
        self._redis = redis
        self._keys = keys
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._follow()), asyncio.create_task(self._sweep()),
                       asyncio.create_task(self._remind())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _follow(self) -> None:
        after = "$"
        while True:
            try:
                async for event in self._queue.events(after=after, block_ms=1000):
                    after = event.id
                    await self._on_event(event)
            except (HandoffError, RedisError) as exc:
                log.warning("handoff relay: %s; retrying", type(exc).__name__)
                await asyncio.sleep(1)

    async def _sweep(self) -> None:
        while True:
            try:
                await self._queue.requeue_expired()
            except (HandoffError, RedisError) as exc:
                log.warning("handoff sweeper: %s; retrying", type(exc).__name__)
            await asyncio.sleep(_SWEEP_EVERY_S)

    async def _remind(self) -> None:
        while True:
            await asyncio.sleep(_REMIND_EVERY_S)
            try:
                await self.announce_positions()
            except (HandoffError, RedisError) as exc:
                log.warning("queue updates: %s; retrying", type(exc).__name__)

    async def _on_event(self, event: Event) -> None:
        if event.type not in ("enqueued", "requeued", "released", "transferred", "unreserved"):
            # no longer waiting: the next time it waits, its place is news again
            await self._redis.hdel(self._keys.conversation(event.conversation_id), *_ANNOUNCED)
        if await self._redis.set(self._keys.relayed_event(event.id), 1, nx=True, ex=_CLAIM_EVENT_TTL_S):
            await self._tell_shopper(event)
        await self.announce_positions()

    async def _tell_shopper(self, event: Event) -> None:
        language = await self._store.language(event.conversation_id)
        if language is None:
            return  # conversation expired or erased
        agent = await self._queue.agents.get(event.agent_id) if event.agent_id else None
        # after a handback the bot itself speaks (below); the system text is only its fallback
        text = None if event.type == "handed_back" else system_messages.text(
            event.type, language, agent=agent.name if agent else "")
        if text:
            extra = {"event": event.type}
            if event.type == "claimed" and agent:
                extra["agent_name"] = agent.name
            await self._store.append(event.conversation_id, [
                {"sender": "system", "text": text, "ts": time.time(), "extra": extra}])
        if event.type in BOT_RESUMES:
            await self._resume_bot(event, language)
        log.info("handoff event", extra={"conversation_id": event.conversation_id, "event": event.type,
                                         "ticket_id": event.ticket_id})

    async def _resume_bot(self, event: Event, language: str) -> None:
        """The bot owns the conversation again; Rasa's external intent tells it why."""
        entities = {"resolution_code": event.fields.get("code", ""), "facts": event.fields.get("facts", "{}")}
        try:
            replies = await self._rasa.trigger_intent(event.conversation_id, BOT_RESUMES[event.type], entities)
        except ComponentUnavailable as exc:
            log.warning("could not resume the bot: %s", exc.message, extra={"conversation_id": event.conversation_id})
            replies = [{"text": system_messages.text("handed_back", language)}] if event.type == "handed_back" else []
        messages = [bot_message(r) for r in replies if r.get("text")]
        if messages:
            await self._store.append(event.conversation_id, messages)

    async def announce_positions(self) -> None:
        """Tell each waiting shopper their place and wait when either changes, and at least every
        UPDATE_EVERY_S; while nobody who can help is online, say so and how to leave a message."""
        now = time.time()
        for conversation_id, position in (await self._queue.positions()).items():
            kind = await self._redis.eval(_ANNOUNCE, 1, self._keys.conversation(conversation_id),
                                          f"{position.position}|{position.minutes}", repr(now), UPDATE_EVERY_S)
            if not kind:
                continue
            language = await self._store.language(conversation_id) or "en"
            text = system_messages.position_text(language, position) if kind == 1 or position.minutes else \
                system_messages.text("unstaffed_still", language, position=position.position) or ""
            await self._store.append(conversation_id, [{
                "sender": "system", "text": text, "ts": now,
                "extra": {"event": "position", "position": position.position,
                          "eta_s": None if position.eta_s is None else round(position.eta_s)},
            }])
