"""Leaving a message when nobody can chat: a validated email or phone becomes a ticket."""

from __future__ import annotations

from typing import Any

from actions import pending
from actions.answers import answer_question
from actions.base import HANDLERS, ShopAction
from actions.contact_details import contact_in, looks_like_contact, question_beside_contact
from actions.escalation import context, flow
from actions.escalation.policy import Decision
from actions.turn import Turn


class ActionProvideContact(ShopAction):
    action_name = "action_provide_contact"
    handles = ("provide_contact",)
    may_escalate = False
    claims_pending = ("contact",)

    @classmethod
    def claims(cls, turn: Turn) -> bool:
        return looks_like_contact(turn.text)

    async def handle(self, turn: Turn) -> None:
        waiting: Any = turn.slot("escalation")
        kind, _ = pending.parse(turn.slot("pending"))
        if kind != "contact" or not isinstance(waiting, dict):
            if turn.order_id():  # "status of ORD-100123, my email is …": a guest looking up an order
                turn.intent = "order_status"
                await HANDLERS["order_status"]().handle(turn)
                return
            question = question_beside_contact(turn.text)
            if question:
                await answer_question(turn, question)
                return
            turn.say("Thanks! What can I help you with?", "감사합니다! 무엇을 도와드릴까요?")
            return
        found = contact_in(turn.text)
        if found is None:
            turn.say("That doesn't look like a valid email address or phone number. Could you check it? "
                     "(for example name@example.com or 010-1234-5678)",
                     "올바른 이메일 주소나 전화번호가 아닌 것 같아요. 다시 확인해 주시겠어요? "
                     "(예: name@example.com 또는 010-1234-5678)")
            return
        reasons = tuple(waiting.get("reasons") or ["human_requested"])
        decision = Decision(reasons, int(waiting.get("priority") or 50))
        request = await context.build(turn, decision, {"contact": found, "left_message": True})
        ticket = await flow.submit(turn, decision, str(waiting.get("skill") or "general"), request)
        turn.set("pending", None)
        turn.set("escalation", None)
        turn.missed = False
        turn.achieved("left_message")
        turn.say("Thank you. Your message is ticket {ticket}; we'll contact you at {contact} as soon as our "
                 "team "
                 "is in.", "감사합니다. 문의가 {ticket}번으로 접수됐어요. 상담원이 {contact}(으)로 곧 "
                           "연락드릴게요.",
                 ticket=ticket, contact=next(iter(found.values())))


async def _contact_yes(turn: Turn, _: str) -> None:
    turn.say("Please type your email address or phone number.", "이메일 주소나 전화번호를 입력해 주세요.")


async def _contact_no(turn: Turn, _: str) -> None:
    turn.set("pending", None)
    turn.set("escalation", None)
    turn.say("No problem. Is there anything else I can help with?", "알겠어요. 더 도와드릴 일이 있을까요?")


pending.follow_up("contact", _contact_yes, _contact_no)
