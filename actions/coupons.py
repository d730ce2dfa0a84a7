"""Coupon problems: answered from the knowledge base's coupon articles."""

from __future__ import annotations

from actions.answers import answer_question
from actions.base import ShopAction
from actions.turn import Turn


class ActionCouponProblem(ShopAction):
    action_name = "action_coupon_problem"
    handles = ("coupon_problem",)

    async def handle(self, turn: Turn) -> None:
        await answer_question(turn, turn.text, category="coupons")
