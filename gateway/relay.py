"""Turning handoff-queue events into what the shopper sees, and keeping leases honest.

Every gateway instance follows the queue's event stream; one of them (whichever claims
the event first in Redis) writes the system message, so shoppers never see duplicates
however many instances run.  The same loop announces queue positions when they change,
and a sweeper requeues tickets whose agent stopped heartbeating.
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
# Compare-and-set: write the announced position only if it changed; 1 when it did.
_ANNOUNCE = """
if redis.call('hget', KEYS[1], 'announced_position') == ARGV[1] then return 0 end
redis.call('hset', KEYS[1], 'announced_position', ARGV[1])
return 1
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
        self._tasks = [asyncio.create_task(self._follow()), asyncio.create_task(self._sweep())]

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

    async def _on_event(self, event: Event) -> None:
        if event.type not in ("enqueued", "requeued", "released", "transferred", "unreserved"):
            # no longer waiting: the next time it waits, its place is news again
            await self._redis.hdel(self._keys.conversation(event.conversation_id), "announced_position")
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
        """Tell each waiting shopper their place and ETA, once per change of place."""
        for conversation_id, position in (await self._queue.positions()).items():
            changed = await self._redis.eval(_ANNOUNCE, 1, self._keys.conversation(conversation_id),
                                             str(position.position))
            if not changed:
                continue
            language = await self._store.language(conversation_id) or "en"
            await self._store.append(conversation_id, [{
                "sender": "system", "text": system_messages.position_text(language, *position), "ts": time.time(),
                "extra": {"event": "position", "position": position.position, "eta_s": round(position.eta_s)},
            }])
