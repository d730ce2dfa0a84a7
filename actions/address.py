"""Changing the delivery address: possible in the account until the order ships."""

from __future__ import annotations

from actions.base import ShopAction
from actions.orders import find_order, status_text
from actions.shop.models import CANCELLABLE_STATES
from actions.turn import Turn


class ActionChangeAddress(ShopAction):
    action_name = "action_change_address"
    handles = ("change_address",)

    async def handle(self, turn: Turn) -> None:
        order = await find_order(turn, "change_address", states=CANCELLABLE_STATES)
        if order is None:
            return
        if order.status in CANCELLABLE_STATES:
            turn.self_served = True
            turn.say("Order {id} hasn't shipped yet, so you can still change the address: My account → "
                     "Orders → "
                     "{id} → Change address. It's currently going to: {address}.",
                     "주문 {id}은 아직 발송 전이라 배송지를 바꿀 수 있어요: 마이페이지 → 주문 내역 → {id} → "
                     "배송지 변경. "
                     "현재 배송지: {address}", id=order.id, address=order.address)
        elif order.status in ("shipped", "delayed"):
            turn.say("Order {id} is already with {carrier} (tracking {tracking}), so we can't change the "
                     "address. "
                     "The carrier can often redirect it if you contact them with the tracking number.",
                     "주문 {id}은 이미 {carrier}에서 배송 중(운송장 {tracking})이라 배송지를 바꿀 수 없어요. "
                     "운송장 번호로 택배사에 문의하시면 배송지 변경이 가능한 경우가 많아요.",
                     id=order.id, carrier=order.carrier or "-", tracking=order.tracking_number or "-")
        else:
            turn.say("Order {id} is {status}, so its address can't be changed any more.",
                     "주문 {id}은 {status} 상태라 배송지를 변경할 수 없어요.", id=order.id,
                     status=status_text(turn, order))
