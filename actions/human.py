"""The shopper asked for a person: the escalation policy's `human_requested` rule does the rest.

Asked right after a bot answer, the request is also a miss about the question that answer was
for (`handoff_after_answer`): the answer did not do, and the editors should see it.
"""

from __future__ import annotations

from actions import pending, runtime
from actions.after_answer import answered_last_turn, article_shown_last_turn, asked_question, earlier_intent
from actions.base import ShopAction
from actions.turn import Turn


class ActionRequestHuman(ShopAction):
    action_name = "action_request_human"
    handles = ("request_human",)

    async def handle(self, turn: Turn) -> None:
        turn.human_requested = True
        turn.missed = False
        if answered_last_turn(turn):
            await _record_handoff_after_answer(turn)


async def _record_handoff_after_answer(turn: Turn) -> None:
    shown = article_shown_last_turn(turn)
    article = (await runtime.knowledge_base()).get(shown) if shown else None
    turn.record_miss("handoff_after_answer", intent=earlier_intent(turn) or "", confidence=None,
                     question=asked_question(turn),
                     kb_candidates=[{"id": article.id, "title": article.title, "score": None}] if article else [])


async def _offer_yes(turn: Turn, about: str) -> None:
    """Yes to "Would you like a person?"; `about` ("offer_human:<intent>") routes it to that intent's team."""
    turn.human_requested = True
    if about:
        turn.intent = about


async def _offer_no(turn: Turn, _: str) -> None:
    turn.say("Okay. Is there anything else I can help with?", "알겠어요. 더 도와드릴 일이 있을까요?")


pending.follow_up("offer_human", _offer_yes, _offer_no)
