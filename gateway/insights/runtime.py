"""Insights as the gateway holds it: the producer, the store and the ingester, opened together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.conversations import Conversation
from gateway.insights import kinds
from gateway.insights.events import EventLog, subject_of
from gateway.insights.ingest import Ingester
from gateway.insights.store import InsightsStore
from gateway.settings import Settings
from gateway.shutdown import stop_within
from handoff import HandoffQueue


@dataclass
class Insights:
    log: EventLog
    store: InsightsStore
    ingester: Ingester
    identity_secret: str
    max_days: int

    def subject(self, customer_id: str | None) -> str | None:
        return subject_of(self.identity_secret, customer_id)

    async def conversation_started(self, conversation: Conversation) -> None:
        await self.log.record(
            kinds.CONVERSATION_STARTED, conversation.id, lang=conversation.language,
            segment=None if conversation.customer_id else "anonymous",
            subject=self.subject(conversation.customer_id), page_type=conversation.page.get("type", "other"))

    async def agent_wrote(self, conversation_id: str, ticket_id: str) -> None:
        """An agent's message to the shopper: the first one per ticket ends its first-response time."""
        await self.log.record(kinds.AGENT_MESSAGE, conversation_id, ticket_id=ticket_id)


@asynccontextmanager
async def open_insights(settings: Settings, redis: Redis, queue: HandoffQueue) -> AsyncIterator[Insights]:
    stream = RedisKeys(settings.key_prefix).insights_events()
    store = await asyncio.to_thread(InsightsStore, settings.insights_path)
    ingester = Ingester(redis, stream, queue, store)
    await ingester.start()
    try:
        yield Insights(EventLog(redis, stream), store, ingester,
                       settings.identity_secret.get_secret_value(), settings.insights_max_days)
    finally:
        await stop_within("the insights ingester", ingester.stop())
        await asyncio.to_thread(store.close)
