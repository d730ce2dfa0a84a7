"""The shopper asked for a person: the escalation policy's `human_requested` rule does the rest."""

from __future__ import annotations

from actions import pending
from actions.base import ShopAction
from actions.turn import Turn


class ActionRequestHuman(ShopAction):
    action_name = "action_request_human"
    handles = ("request_human",)

    async def handle(self, turn: Turn) -> None:
        turn.human_requested = True
        turn.missed = False


async def _offer_yes(turn: Turn, about: str) -> None:
    """Yes to "Would you like a person?"; `about` ("offer_human:<intent>") routes it to that intent's team."""
    turn.human_requested = True
    if about:
        turn.intent = about


async def _offer_no(turn: Turn, _: str) -> None:
    turn.say("Okay. Is there anything else I can help with?", "알겠어요. 더 도와드릴 일이 있을까요?")


pending.follow_up("offer_human", _offer_yes, _offer_no)
