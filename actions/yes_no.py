"""A bare yes or no, read as the answer to the bot's last question (slot `pending`)."""

from __future__ import annotations

from actions import pending
from actions.base import ShopAction
from actions.turn import Turn


class _Answer(ShopAction):
    yes: bool = True

    async def handle(self, turn: Turn) -> None:
        kind, argument = pending.parse(turn.slot("pending"))
        follow = pending.FOLLOW_UPS.get(kind)
        if follow is None:
            turn.say("Okay! What can I help you with?", "네! 무엇을 도와드릴까요?")
            return
        turn.set("pending", None)
        await (follow.on_yes if self.yes else follow.on_no)(turn, argument)


class ActionReplyAffirm(_Answer):
    action_name = "action_reply_affirm"
    handles = ("affirm",)


class ActionReplyDeny(_Answer):
    action_name = "action_reply_deny"
    handles = ("deny",)
    yes = False
