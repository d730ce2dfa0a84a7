"""Greeting, answered by the action server so every turn exercises the whole path."""

from __future__ import annotations

from actions.base import ShopAction
from actions.turn import Turn


class ActionGreet(ShopAction):
    action_name = "action_greet"
    handles = ("greet",)

    async def handle(self, turn: Turn) -> None:
        turn.missed = False
        turn.say("Hi! I'm the ShopAssist bot. Ask me about orders, delivery, returns, refunds or payments.",
                 "안녕하세요! ShopAssist 챗봇입니다. 주문, 배송, 반품, 환불, 결제에 대해 물어보세요.")
