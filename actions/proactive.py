"""Proactive prompts: the gateway triggers EXTERNAL_proactive with a `prompt` entity (and the
event's details); this action answers in the conversation's language with the prompt's text
and buttons, so the shopper can reply to it like to any bot message.

The texts live here, keyed by prompt id, because they are dialogue; which prompt fires when
is the gateway's rules file (proactive_rules.yml).
"""

from __future__ import annotations

from collections.abc import Callable

from actions import buttons
from actions.base import ShopAction
from actions.turn import Turn

Render = Callable[[Turn], None]


def _product_dwell(turn: Turn) -> None:
    turn.say("Any questions about this product? I can help with sizes, delivery times and returns.",
             "이 상품에 대해 궁금한 점이 있으신가요? 사이즈, 배송 기간, 반품에 대해 도와드릴게요.")


def _cart_hesitation(turn: Turn) -> None:
    turn.say("Still deciding? Ask me about shipping costs, returns or coupons before you check out.",
             "아직 고민 중이신가요? 결제 전에 배송비, 반품, 쿠폰에 대해 물어보세요.",
             [buttons.intent_button(turn.t("A coupon doesn't work", "쿠폰이 안 돼요"), "coupon_problem"),
              buttons.human(turn)])


def _checkout_exit(turn: Turn) -> None:
    turn.say("Before you go: is something stopping you from completing your order? I'm here to help.",
             "잠시만요! 주문을 완료하는 데 어려움이 있으신가요? 도와드릴게요.",
             [buttons.intent_button(turn.t("Payment problem", "결제 문제"), "payment_problem"),
              buttons.human(turn)])


# The shop's checkout error codes the shopper is told about, in words; any other code is left out
# rather than shown raw (a code means nothing to a shopper).
DECLINE_REASONS = {
    "payment_declined": (": your card was declined", ": 카드가 거절되었어요"),
    "card_declined": (": your card was declined", ": 카드가 거절되었어요"),
    "insufficient_funds": (": the card's balance or limit was not enough", ": 카드 잔액 또는 한도가 부족해요"),
    "expired_card": (": the card has expired", ": 카드 유효기간이 지났어요"),
    "incorrect_cvc": (": the security code did not match", ": 카드 보안코드(CVC)가 맞지 않아요"),
    "authentication_failed": (": the card's verification step was not completed",
                              ": 카드 본인 인증이 완료되지 않았어요"),
}


def _payment_help(turn: Turn) -> None:
    reason = DECLINE_REASONS.get(turn.entity("code") or "")
    turn.say("It looks like your payment didn't go through{detail}. Nothing was charged. "
             "You can try another card or payment method, or I can help you.",
             "결제가 완료되지 않은 것 같아요{detail}. 요금은 청구되지 않았어요. "
             "다른 카드나 결제 수단을 시도하시거나 제가 도와드릴게요.",
             [buttons.intent_button(turn.t("Help with payment", "결제 도움"), "payment_problem"),
              buttons.human(turn)],
             detail=turn.t(*reason) if reason else "")


def _search_help(turn: Turn) -> None:
    query = turn.entity("query")
    turn.say("No results for “{query}”? Tell me what you're looking for and I'll search our help pages.",
             "“{query}” 검색 결과가 없나요? 찾으시는 것을 말씀해 주시면 도움말에서 찾아드릴게요.",
             query=(query or turn.t("your search", "검색어"))[:64])


def _delivery_delay(turn: Turn) -> None:
    order_id = turn.entity("order_id")
    eta = turn.entity("new_eta")
    turn.say("We're sorry: your order {order} is delayed.{eta} Would you like to talk to a person about it?",
             "죄송합니다. 주문 {order}의 배송이 지연되고 있어요.{eta} 상담원과 이야기하시겠어요?",
             [buttons.intent_button(turn.t("Track my order", "배송 조회"), "track_delivery"), buttons.human(turn)],
             order=order_id or "", eta=turn.t(" New estimated delivery: {eta}.", " 새 예상 도착일: {eta}.", eta=eta)
             if eta else "")


PROMPTS: dict[str, Render] = {
    "product_dwell": _product_dwell,
    "cart_hesitation": _cart_hesitation,
    "checkout_exit": _checkout_exit,
    "payment_help": _payment_help,
    "search_help": _search_help,
    "delivery_delay": _delivery_delay,
}


class ActionProactivePrompt(ShopAction):
    action_name = "action_proactive_prompt"
    may_escalate = False

    async def handle(self, turn: Turn) -> None:
        render = PROMPTS.get(turn.entity("prompt") or "")
        if render is None:
            return  # an unknown prompt says nothing rather than something wrong
        render(turn)
