"""The NLU was unsure (or no rule applied): ask to rephrase, and count a miss."""

from __future__ import annotations

from actions.base import ShopAction
from actions.turn import Turn


def best_guess(turn: Turn) -> tuple[str | None, float]:
    """The NLU's best intent other than the fallback itself, with its confidence."""
    ranking = (turn.tracker.latest_message or {}).get("intent_ranking") or []
    for entry in ranking:
        name = entry.get("name")
        if name and name != "nlu_fallback":
            return str(name), round(float(entry.get("confidence") or 0.0), 4)
    return None, 0.0


class ActionMisunderstood(ShopAction):
    action_name = "action_misunderstood"
    handles = ("nlu_fallback",)

    async def handle(self, turn: Turn) -> None:
        turn.missed = True
        intent, confidence = best_guess(turn)
        turn.record_miss("nlu_fallback", intent=intent, confidence=confidence)
        turn.say("Sorry, I didn't quite get that. Could you rephrase it? I can help with orders, delivery, "
                 "returns, refunds, payments and coupons.",
                 "죄송해요, 잘 이해하지 못했어요. 다른 말로 다시 말씀해 주시겠어요? 주문, 배송, 반품, 환불, "
                 "결제, "
                 "쿠폰 문의를 도와드릴 수 있어요.")
