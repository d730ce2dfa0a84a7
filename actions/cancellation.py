"""Cancelling an order: possible until it ships, and only after the shopper confirms."""

from __future__ import annotations

from actions import buttons, pending, runtime
from actions.base import ShopAction
from actions.orders import find_order, items_text, status_text
from actions.shop.adapter import OrderNotChangeable
from actions.shop.models import CANCELLABLE_STATES as CANCELLABLE
from actions.turn import Turn
from contracts.shop_facts import shop_facts


def money_unit(turn: Turn, currency: str) -> str:
    return turn.t(" KRW", "원") if currency == "KRW" else f" {currency}"


class ActionCancelOrder(ShopAction):
    action_name = "action_cancel_order"
    handles = ("cancel_order",)

    async def handle(self, turn: Turn) -> None:
        order = await find_order(turn, "cancel_order", states=CANCELLABLE)
        if order is None:
            return
        if order.status in CANCELLABLE:
            turn.set("pending", f"cancel:{order.id}")
            turn.say("Order {id} ({items}) hasn't shipped yet, so I can cancel it and refund {total:,} "
                     "{currency}. "
                     "Shall I cancel it?",
                     "주문 {id}({items})은 아직 발송 전이라 취소할 수 있어요. {total:,}{currency}이 "
                     "환불돼요. "
                     "취소할까요?", buttons=buttons.yes_no(turn), id=order.id, items=items_text(turn, order),
                     total=order.total, currency=money_unit(turn, order.currency))
        elif order.status in ("shipped", "delayed"):
            turn.say("Order {id} has already shipped, so it can't be cancelled. Once it arrives you can "
                     "return it within {window}.",
                     "주문 {id}은 이미 발송되어 취소할 수 없어요. 받으신 뒤 {window} 안에 반품하실 수 있어요.",
                     id=order.id, window=shop_facts().text("return_window_days", turn.language))
        elif order.status == "delivered":
            turn.say("Order {id} was already delivered; it can't be cancelled, but you can return it. "
                     "Just say \"return\".", "주문 {id}은 이미 배송 완료되어 취소 대신 반품하실 수 있어요. "
                                             "\"반품\"이라고 말씀해 주세요.",
                     id=order.id)
        else:
            turn.say("Order {id} is already {status}; there's nothing to cancel.",
                     "주문 {id}은 이미 {status} 상태라 취소할 것이 없어요.", id=order.id,
                     status=status_text(turn, order))


async def _confirm(turn: Turn, order_id: str) -> None:
    order = await turn.own_order(order_id)
    if order is None:
        turn.say_order_gone()
        return
    try:
        cancelled = await runtime.shop().cancel_order(order_id)
    except OrderNotChangeable:
        turn.say("Sorry, order {id} can no longer be cancelled (it may have just shipped).",
                 "죄송해요, 주문 {id}은 방금 발송되어 취소할 수 없게 되었어요.", id=order_id)
        return
    turn.missed = False
    turn.say("Done: order {id} is cancelled. The refund goes back to your original payment method within "
             "{days}.", "주문 {id}이 취소되었어요. 결제하신 수단으로 {days} 안에 환불돼요.",
             id=cancelled.id, days=shop_facts().text("authorisation_release_days", turn.language))


async def _keep(turn: Turn, order_id: str) -> None:
    turn.say("Okay, I've left order {id} as it is.", "알겠어요. 주문 {id}은 그대로 두었어요.", id=order_id)


pending.follow_up("cancel", _confirm, _keep)
