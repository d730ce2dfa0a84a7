"""Helpers for end-to-end conversations through the shopper REST API, and for looking at
the handoff queue the actions write to."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from redis.asyncio import Redis

from actions.shop.demo import DemoShop
from actions.shop.demo_data import generate
from gateway import identity
from handoff import HandoffQueue

T = TypeVar("T")
HANGUL = re.compile(r"[가-힣]")


@dataclass
class Chat:
    client: Any
    conversation_id: str
    headers: dict[str, str]
    replies: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def start(cls, client: Any, locale: str, customer_id: str | None = None, secret: str = "",
              page: dict[str, str] | None = None) -> Chat:
        body: dict[str, Any] = {"locale": locale}
        if customer_id:
            body.update(customer_id=customer_id, user_hash=identity.user_hash(secret, customer_id))
        if page:
            body["page"] = page
        response = client.post("/api/v1/conversations", json=body)
        assert response.status_code == 201, response.text
        data = response.json()
        return cls(client, data["conversation_id"], {"Authorization": f"Bearer {data['token']}"})

    def send(self, text: str) -> str:
        """The bot's replies joined by newlines (buttons in self.replies)."""
        response = self.client.post(f"/api/v1/conversations/{self.conversation_id}/messages",
                                    headers=self.headers, json={"text": text})
        assert response.status_code == 200, response.text
        self.replies = response.json()["messages"]
        assert self.replies, f"no reply to {text!r}"
        return "\n".join(m["text"] for m in self.replies)

    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.replies for b in m.get("buttons") or []]

    def press(self, title_part: str) -> str:
        button = next(b for b in self.buttons() if title_part in b["title"])
        return self.send(button["payload"])


def run(redis_url: str, prefix: str, call: Callable[[HandoffQueue], Awaitable[T]]) -> T:
    """One handoff-queue call from a synchronous test, on its own connection and loop."""
    async def main() -> T:
        redis = Redis.from_url(redis_url)
        try:
            return await call(HandoffQueue(redis, prefix))
        finally:
            await redis.aclose()

    return asyncio.run(main())


def ticket_of(redis_url: str, prefix: str, conversation_id: str) -> tuple[Any, dict[str, Any]]:
    """The conversation's ticket and the context the agent receives."""
    async def find(queue: HandoffQueue) -> tuple[Any, dict[str, Any]]:
        state = await queue.conversation(conversation_id)
        assert state.ticket_id, f"no ticket for {conversation_id} (owner {state.owner})"
        ticket = await queue.get(state.ticket_id)
        raw = await queue._redis.hget(queue.keys.contexts, state.ticket_id)  # noqa: SLF001 - test inspection
        return ticket, json.loads(raw or "{}")

    return run(redis_url, prefix, find)


def demo() -> DemoShop:
    """The same seeded shop the action server serves (generated for today)."""
    return DemoShop(generate())


def trigger(rasa_url: str, token: str, conversation_id: str, intent: str) -> list[dict[str, Any]]:
    """What the gateway does when an agent resolves: trigger an external intent in Rasa."""
    response = httpx.post(f"{rasa_url}/conversations/{conversation_id}/trigger_intent",
                          params={"token": token},
                          json={"name": intent}, timeout=20)
    assert response.status_code == 200, response.text
    return response.json().get("messages", [])
