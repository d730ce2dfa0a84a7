"""Erasing a customer: every key about them, their conversations and their visitors, in Redis
(Rasa's tracker store included), the handoff queue and the insights store.

A shopper still connected to one of the conversations is told first (a system message over
the live socket, gateway/api/ws.py) and the socket is closed; deleting the conversation record
makes its token stop working.  Editors' misses hold masked text and no ids, so they stay.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from gateway.errors import NotFound
from gateway.insights.events import EventLog
from gateway.privacy.holdings import Holdings, Locator, text
from gateway.turns import TurnLock
from handoff import HandoffQueue

log = logging.getLogger(__name__)
TURN_WAIT_S = 60.0  # longer than any turn (turn_timeout_s): a turn in flight is waited for, not cut

ERASED_TEXT = {
    "en": "This conversation has been closed and its data erased at your request. Thank you for chatting with us.",
    "ko": "요청하신 대로 이 대화를 종료하고 데이터를 삭제했습니다. 이용해 주셔서 감사합니다.",
}


class SubjectEvents(Protocol):
    """The insights store's side of an erasure (gateway/insights/store.py: InsightsStore)."""

    def erase_subject(self, subject: str) -> int: ...

    def export_subject(self, subject: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class Erased:
    customer_id: str
    conversations: int
    visitors: int
    keys_deleted: int
    tickets: int
    insights_events: int
    notified_live: int

    def to_api(self) -> dict[str, Any]:
        return dict(vars(self))


async def call(method: Any, *args: Any) -> Any:
    """The insights store is synchronous SQLite: run it off the event loop (an async one is awaited)."""
    result = await asyncio.to_thread(method, *args)
    return await result if inspect.isawaitable(result) else result


class Eraser:
    def __init__(self, locator: Locator, queue: HandoffQueue, insights: SubjectEvents | None,
                 subject_of: Any) -> None:
        self._locator = locator
        self._redis = locator.redis
        self._queue = queue
        self._insights = insights
        self._subject_of = subject_of  # customer id -> pseudonymous insights subject

    async def erase(self, customer_id: str) -> Erased:
        holdings = await self._locator.find(customer_id)
        subject = self._subject_of(customer_id)
        if holdings.empty and not await self._insights_hold(subject):
            raise NotFound(f"no data is held about customer {customer_id!r}")
        notified = sum([await self._end_live_chat(c) for c in holdings.conversations])
        tickets = deleted = 0
        for conversation_id in holdings.conversations:
            # a turn in flight finishes first (it may escalate); one waiting then finds the conversation gone
            async with TurnLock(self._redis, self._locator.keys.turn_lock(conversation_id), TURN_WAIT_S):
                tickets += len(await self._queue.purge(conversation_id))
                deleted += await self._delete(await self._locator.conversation_keys(conversation_id))
        deleted += await self._delete_customer_and_visitors(holdings)
        await self._forget_visitors_in_reports(holdings)
        events = await self._erase_insights(holdings, subject)  # last: the turns above may have added some
        log.info("customer erased", extra={"conversations": len(holdings.conversations), "keys": deleted})
        return Erased(customer_id, len(holdings.conversations), len(holdings.visitors), deleted, tickets, events,
                      notified)

    async def _end_live_chat(self, conversation_id: str) -> int:
        """Tell sockets on the conversation it ends now; returns how many were listening."""
        keys = self._locator.keys
        language = text(await self._redis.hget(keys.conversation(conversation_id), "language") or b"en")
        signal = {"sender": "system", "event": "erased", "text": ERASED_TEXT.get(language, ERASED_TEXT["en"])}
        return int(await self._redis.publish(keys.typing(conversation_id), json.dumps(signal, ensure_ascii=False)))

    async def _delete_customer_and_visitors(self, holdings: Holdings) -> int:
        keys = list(holdings.customer_keys)
        for visitor_id in holdings.visitors:
            keys += await self._locator.visitor_keys(visitor_id)
        deleted = await self._delete(keys)
        # the customer index is written first at creation: delete it again in case a chat began meanwhile
        await self._redis.delete(self._locator.keys.customer_conversations(holdings.customer_id))
        return deleted

    async def _delete(self, keys: list[str]) -> int:
        deleted = 0
        for key in dict.fromkeys(keys):  # one by one: the keys live in different Cluster slots
            deleted += await self._redis.delete(key)
        return deleted

    async def _forget_visitors_in_reports(self, holdings: Holdings) -> None:
        """The proactive report counts visitors in sets and lists prompts by conversation: drop theirs."""
        for key in await self._locator.scan(self._locator.proactive.report_pattern()):
            kind = text(await self._redis.type(key))
            if kind == "set" and holdings.visitors:
                await self._redis.srem(key, *holdings.visitors)
            elif kind == "list":
                for entry in await self._redis.lrange(key, 0, -1):
                    if text(entry).split(" ", 1)[0] in holdings.conversations:
                        await self._redis.lrem(key, 0, entry)

    async def _insights_hold(self, subject: str) -> bool:
        return self._insights is not None and bool(await call(self._insights.export_subject, subject))

    async def _erase_insights(self, holdings: Holdings, subject: str) -> int:
        """The raw stream first (so the ingester cannot copy an entry back), then the SQLite store."""
        stream = EventLog(self._redis, self._locator.keys.insights_events())
        forgotten = await stream.forget(set(holdings.conversations), subject)
        if self._insights is None:
            return forgotten
        return forgotten + int(await call(self._insights.erase_subject, subject))
