"""Finding the shopper's order, and telling its status and delivery.

Only a verified customer's own orders are shown, or to a guest the order whose number and
contact details match (actions/guest_orders.py): an unknown number and another customer's
number get the same answer, so the bot never confirms that an order exists.
"""

from __future__ import annotations

import datetime as dt

from actions import guest_orders, runtime
from actions.base import ShopAction
from actions.shop import Order
from actions.turn import Turn

RECENT_CHOICES = 3

STATUS = {
    "paid": ("payment received, not yet being prepared", "결제 완료(상품 준비 전)"),
    "preparing": ("being prepared for shipping", "상품 준비 중"),
    "shipped": ("on its way", "배송 중"),
    "delayed": ("delayed in transit", "배송 지연"),
    "delivered": ("delivered", "배송 완료"),
    "returned": ("returned", "반품 완료"),
    "refunded": ("refunded", "환불 완료"),
    "cancelled": ("cancelled", "주문 취소"),
}


def day(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "-"


def status_text(turn: Turn, order: Order) -> str:
    en, ko = STATUS[order.status]
    return turn.t(en, ko)


def items_text(turn: Turn, order: Order) -> str:
    names = [i.name_ko if turn.language == "ko" else i.name for i in order.items]
    return ", ".join(names)


async def find_order(turn: Turn, intent: str, states: tuple[str, ...] = ()) -> Order | None:
    """The order the shopper means, or None after telling them what is missing."""
    if not turn.customer_id:
        return await guest_orders.find(turn, intent)
    order_id = turn.order_id()
    shop = runtime.shop()
    if order_id is None and not turn.personalised:  # no order history without consent: ask for the number
        turn.set("pending", f"order_number:{intent}")
        turn.say("Which order is it about? Please type the order number (like ORD-100123).",
                 "어떤 주문인가요? 주문번호(예: ORD-100123)를 입력해 주세요.")
        turn.missed = False
        return None
    if order_id is None:
        orders = await shop.orders(turn.customer_id, limit=10)
        candidates = [o for o in orders if not states or o.status in states][:RECENT_CHOICES]
        if not orders:
            turn.achieved("dead_end")
            turn.say("I don't see any orders on your account yet.", "회원님 계정에 주문 내역이 없어요.")
            return None
        turn.set("pending", f"order_number:{intent}")
        turn.missed = False
        if not candidates:  # e.g. an address change when every recent order has shipped
            turn.say("None of your recent orders can still be changed that way: they have shipped, arrived or "
                     "been cancelled. If it's another order, please type its number (like ORD-100123).",
                     "최근 주문 중에는 그렇게 변경할 수 있는 주문이 없어요. 이미 발송·배송되었거나 취소된 주문이에요. "
                     "다른 주문이라면 주문번호(예: ORD-100123)를 입력해 주세요.")
            return None
        turn.say("Which order is it about? Please type the order number (like ORD-100123) or pick a recent "
                 "one.",
                 "어떤 주문인가요? 주문번호(예: ORD-100123)를 입력하시거나 최근 주문을 선택해 주세요.",
                 buttons=[{"title": f"{o.id} · {items_text(turn, o)[:40]}", "payload": o.id}
                          for o in candidates])
        turn.missed = False
        return None
    order = await shop.order(order_id)
    if order is None or order.customer_id != turn.customer_id:
        turn.achieved("dead_end")
        turn.say("I couldn't find order {order_id} on your account. Please check the number "
                 "(it looks like ORD-100123 and is in your confirmation email).",
                 "회원님 계정에서 주문번호 {order_id}을(를) 찾을 수 없어요. 주문 확인 메일의 번호"
                 "(예: ORD-100123)를 다시 확인해 주세요.", order_id=order_id)
        return None
    turn.set("pending", None)
    turn.missed = False
    turn.order = order
    turn.achieved("completed")  # every flow that finds the order tells the shopper where it stands
    return order


class ActionOrderStatus(ShopAction):
    """Order status and delivery tracking (track_delivery adds the carrier and tracking number)."""

    action_name = "action_order_status"
    handles = ("order_status", "track_delivery", "provide_order_number")

    async def handle(self, turn: Turn) -> None:
        intent = turn.intent if turn.intent in ("order_status", "track_delivery") else "order_status"
        order = await find_order(turn, intent)
        if order is None:
            return
        turn.say("Order {id} ({items}), placed {placed}: {status}.", "주문 {id} ({items}, {placed} 주문): "
                                                                     "{status}",
                 id=order.id, items=items_text(turn, order), placed=day(order.placed_at),
                 status=status_text(turn, order))
        if order.status in ("shipped", "delayed"):
            turn.say("Carrier: {carrier}, tracking number {tracking}. Expected by {eta}.",
                     "택배사: {carrier}, 운송장 번호 {tracking}. 도착 예정일은 {eta}입니다.",
                     carrier=order.carrier or "-", tracking=order.tracking_number or "-",
                     eta=day(order.estimated_delivery))
        if order.status == "delayed":
            turn.order_problem = True
            turn.say("I'm sorry it's late. The carrier has reported a delay; it should still arrive within a "
                     "few days.",
                     "배송이 늦어져 죄송해요. 택배사에서 지연을 알려왔고, 며칠 안에 도착할 예정이에요.")
        elif order.status == "delivered":
            turn.say("It was delivered on {date}.", "{date}에 배송 완료되었어요.",
                     date=day(order.delivered_at))
        elif order.status in ("paid", "preparing") and intent == "track_delivery":
            turn.say("It hasn't shipped yet, so there's no tracking number yet.",
                     "아직 발송 전이라 운송장 번호가 없어요.")
