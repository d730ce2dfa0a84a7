"""Where a refund is: from the order's state and dates."""

from __future__ import annotations

import datetime as dt

from actions.base import ShopAction
from actions.orders import day, find_order, status_text
from actions.turn import Turn
from contracts.shop_facts import shop_facts

RETURN_TRANSIT_DAYS = 7  # the estimate's allowance for the parcel to reach the warehouse, not a promise


def business_days_after(start: dt.datetime, days: int) -> dt.datetime:
    """`start` moved on by `days` weekdays (public holidays are not known here)."""
    while days > 0:
        start += dt.timedelta(days=1)
        days -= start.weekday() < 5
    return start


class ActionRefundStatus(ShopAction):
    action_name = "action_refund_status"
    handles = ("refund_status",)

    async def handle(self, turn: Turn) -> None:
        order = await find_order(turn, "refund_status", states=("returned", "refunded", "cancelled"))
        if order is None:
            return
        if order.status in ("refunded", "cancelled") and order.refunded_at:
            turn.say("The refund for order {id} ({total:,} {currency}) was issued on {date}. Card refunds "
                     "take {days} to show on your statement.",
                     "주문 {id}의 환불({total:,} {currency})은 {date}에 처리되었어요. 카드 환불은 명세서에 "
                     "반영되기까지 {days} 걸려요.", id=order.id, total=order.total, currency=order.currency,
                     date=day(order.refunded_at), days=shop_facts().text("card_refund_days", turn.language))
        elif order.status == "returned":
            arrived = order.delivered_at or order.placed_at
            expected = business_days_after(arrived + dt.timedelta(days=RETURN_TRANSIT_DAYS),
                                           shop_facts().at_most("refund_processing_days"))
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
