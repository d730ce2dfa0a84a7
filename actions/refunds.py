"""Where a refund is: from the order's state and dates."""

from __future__ import annotations

import datetime as dt

from actions.base import ShopAction
from actions.orders import day, find_order, status_text
from actions.turn import Turn

REFUND_DAYS_AFTER_RETURN = 5


class ActionRefundStatus(ShopAction):
    action_name = "action_refund_status"
    handles = ("refund_status",)

    async def handle(self, turn: Turn) -> None:
        order = await find_order(turn, "refund_status", states=("returned", "refunded", "cancelled"))
        if order is None:
            return
        if order.status in ("refunded", "cancelled") and order.refunded_at:
            turn.say("The refund for order {id} ({total:,} {currency}) was issued on {date}. Card refunds "
                     "take "
                     "3-5 business days to show on your statement.",
                     "주문 {id}의 환불({total:,} {currency})은 {date}에 처리되었어요. 카드 환불은 명세서에 "
                     "반영되기까지 "
                     "영업일 기준 3~5일 걸려요.", id=order.id, total=order.total, currency=order.currency,
                     date=day(order.refunded_at))
        elif order.status == "returned":
            arrived = order.delivered_at or order.placed_at
            expected = arrived + dt.timedelta(days=REFUND_DAYS_AFTER_RETURN + 7)
            turn.say("We've received the return for order {id}; the refund is being processed and should be "
                     "issued "
                     "by {date}.", "주문 {id}의 반품 상품이 도착해 환불을 처리하고 있어요. {date}까지 환불될 "
                                   "예정이에요.",
                     id=order.id, date=day(expected))
        else:
            turn.say("Order {id} is {status}, so there's no refund on it. If you'd like one, you can cancel "
                     "(before shipping) or return it (after delivery).",
                     "주문 {id}은 {status} 상태라 환불 내역이 없어요. 발송 전이면 취소, 배송 후면 반품으로 "
                     "환불받으실 수 있어요.",
                     id=order.id, status=status_text(turn, order))
