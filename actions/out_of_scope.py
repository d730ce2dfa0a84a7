"""A message the NLU read as out of scope: say what the bot helps with, and tell the editors.

Replying from an action, not a template, is what lets the reply reach the miss inbox: a
shopping question the classifier put here by mistake ("is there a student discount?") then
shows up as an `out_of_scope` miss with the intent's confidence, for an editor to move to the
right intent. A genuinely off-topic message ("what's the weather?") costs them one "out of
scope" click; it does not count towards the two misses in a row that hand over, because the
bot understood it.
"""

from __future__ import annotations

from actions.base import ShopAction
from actions.turn import Turn


class ActionOutOfScope(ShopAction):
    action_name = "action_out_of_scope"
    handles = ("out_of_scope",)

    async def handle(self, turn: Turn) -> None:
        turn.record_miss("out_of_scope", intent=turn.intent, confidence=round(turn.confidence, 4))
        turn.say("Sorry, I can only help with shopping questions: orders, delivery, returns, refunds, payments "
                 "and coupons.",
                 "죄송해요, 저는 쇼핑 관련 문의(주문, 배송, 반품, 환불, 결제, 쿠폰)만 도와드릴 수 있어요.")
