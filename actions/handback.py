"""The bot takes a conversation back from an agent and carries on from what the agent set.

The gateway triggers EXTERNAL_handoff_returned with the agent's resolution code and facts
(e.g. {"refund_issued": true}); the facts go into a slot so later actions can rely on them,
and the shopper hears the ones that matter in their language.
"""

from __future__ import annotations

import json

from actions.base import ShopAction
from actions.turn import Turn

FACT_PHRASES = {
    "refund_issued": ("a refund has been issued", "환불이 처리되었습니다"),
    "replacement_sent": ("a replacement is on its way", "교환 상품이 발송되었습니다"),
    "order_cancelled": ("your order has been cancelled", "주문이 취소되었습니다"),
    "address_changed": ("your delivery address has been updated", "배송지가 변경되었습니다"),
    "coupon_reissued": ("your coupon has been reissued", "쿠폰이 재발급되었습니다"),
}


def parse_facts(raw: str | None) -> dict[str, object]:
    if not raw:
        return {}
    try:
        facts = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return facts if isinstance(facts, dict) else {}


class ActionResumeAfterHandoff(ShopAction):
    action_name = "action_resume_after_handoff"
    may_escalate = False

    async def handle(self, turn: Turn) -> None:
        facts = parse_facts(turn.entity("facts"))
        turn.set("handoff_facts", facts)
        done = [FACT_PHRASES[key] for key, value in facts.items() if key in FACT_PHRASES and value]
        if done:
            summary = "; ".join(ko if turn.language == "ko" else en for en, ko in done)
            turn.say("You're back with the ShopAssist bot. Our agent noted: {facts}. Anything else I can do?",
                     "다시 ShopAssist 챗봇이 도와드립니다. 상담원 확인 사항: {facts}. 더 도와드릴 일이 있을까요?",
                     facts=summary)
        else:
            turn.say("You're back with the ShopAssist bot. Ask me anything else you need.",
                     "다시 ShopAssist 챗봇이 도와드립니다. 더 궁금한 점을 물어보세요.")
