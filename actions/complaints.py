"""Complaints: apologise and listen; damaged or missing items, anger and repeats are
escalated by the policy, anything else gets the offer of a person."""

from __future__ import annotations

from actions import buttons, problems
from actions.base import ShopAction
from actions.turn import Turn


class ActionComplaint(ShopAction):
    action_name = "action_complaint"
    handles = ("complaint",)

    async def handle(self, turn: Turn) -> None:
        turn.missed = False
        await turn.note_mentioned_order()
        if problems.problems_in(turn.text) & {"damaged", "missing"}:
            turn.say("I'm really sorry — that's not how your order should arrive.",
                     "정말 죄송해요. 그렇게 도착하면 안 되는 건데요.")
            return
        turn.offer_human(("I'm sorry to hear that, and thank you for telling us.",
                          "불편을 드려 죄송하고, 말씀해 주셔서 감사해요."),
                         ("Would you like me to pass this to a colleague who can look into it?",
                          "상담원에게 전달해서 확인해 드릴까요?"), buttons.yes_no(turn))
