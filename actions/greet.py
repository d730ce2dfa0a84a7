"""Greeting, answered by the action server so every turn exercises the whole path."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

GREETINGS = {
    "en": "Hi! I'm the ShopAssist bot. Ask me about orders, delivery, returns, refunds or payments.",
    "ko": "안녕하세요! ShopAssist 챗봇입니다. 주문, 배송, 반품, 환불, 결제에 대해 물어보세요.",
}


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = tracker.get_slot("language") or "en"
        dispatcher.utter_message(text=GREETINGS.get(language, GREETINGS["en"]))
        return []
