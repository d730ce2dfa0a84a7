"""Returns and exchanges, checked against the order: delivered, inside the window, items
not excluded, and unused (a damaged item is escalated instead, by the policy)."""

from __future__ import annotations

import datetime as dt
import re

from actions import buttons, pending, problems, runtime
from actions.base import ShopAction
from actions.orders import day, find_order, status_text
from actions.shop import Order
from actions.shop.adapter import OrderNotChangeable
from actions.turn import Turn
from contracts.shop_facts import shop_facts

EXCLUDED_CATEGORIES = frozenset({"innerwear", "food", "digital"})
_USED = re.compile(r"\b(used|worn|wore|opened|washed)\b|사용했|사용한|입었|착용했|개봉했|뜯었|세탁", re.I)


def returnable_items(order: Order) -> tuple[list[str], list[str]]:
    ok, excluded = [], []
    for item in order.items:
        (excluded if item.final_sale or item.category in EXCLUDED_CATEGORIES else ok).append(item.sku)
    return ok, excluded


def window_end(order: Order) -> dt.datetime | None:
    window = dt.timedelta(days=shop_facts().at_most("return_window_days"))
    return order.delivered_at + window if order.delivered_at else None


class ActionReturnOrExchange(ShopAction):
    action_name = "action_return_or_exchange"
    handles = ("return_or_exchange",)

    async def handle(self, turn: Turn) -> None:
        order = await find_order(turn, "return_or_exchange", states=("delivered",))
        if order is None:
            return
        damaged = bool(problems.problems_in(turn.text) & {"damaged", "missing"})
        if order.status != "delivered":
            turn.say("Order {id} is {status}, so it can't be returned. Returns open once an order is "
                     "delivered.",
                     "주문 {id}은 현재 {status} 상태라 반품할 수 없어요. 반품은 배송 완료 후에 가능해요.",
                     id=order.id, status=status_text(turn, order))
            return
        if damaged:
            turn.say("I'm sorry the item arrived like that. Damaged or missing items are replaced or "
                     "refunded "
                     "in full, whatever the return rules say.",
                     "상품이 그렇게 도착해서 정말 죄송해요. 파손되거나 누락된 상품은 반품 규정과 관계없이 "
                     "교환 또는 전액 환불해 드려요.")
            return
        end = window_end(order)
        if end is not None and dt.datetime.now(dt.UTC) > end:
            turn.say("Order {id} was delivered on {delivered}, and returns are open for {window}: its return "
                     "window ended on {end}, so it can no longer be returned.",
                     "주문 {id}은 {delivered}에 배송되었고, 반품 가능 기간({window})이 {end}에 끝나서 반품할 "
                     "수 없어요.",
                     id=order.id, delivered=day(order.delivered_at), end=day(end),
                     window=shop_facts().text("return_window_days", turn.language))
            return
        ok, excluded = returnable_items(order)
        if not ok:
            turn.say("Sorry, the items in order {id} can't be returned: final-sale items, underwear, food "
                     "and "
                     "digital goods are excluded.",
                     "죄송해요, 주문 {id}의 상품은 반품할 수 없어요. 파이널 세일, 속옷, 식품, 디지털 상품은 "
                     "반품 대상이 아니에요.",
                     id=order.id)
            return
        if _USED.search(turn.text):
            turn.say("Returns and exchanges need the item unused, with its tags and packaging, so a used or "
                     "opened item can't be returned. If it's faulty, tell me and I'll get a colleague to "
                     "help.",
                     "반품과 교환은 사용하지 않은 상품(택, 포장 포함)만 가능해서, 사용했거나 개봉한 상품은 "
                     "반품할 수 없어요. "
                     "불량이라면 말씀해 주세요. 상담원이 도와드릴게요.")
            return
        names = [i.name_ko if turn.language == "ko" else i.name for i in order.items if i.sku in ok]
        if excluded:
            turn.say("Note: final-sale, underwear, food and digital items in this order can't be returned.",
                     "참고로 이 주문의 파이널 세일, 속옷, 식품, 디지털 상품은 반품할 수 없어요.")
        turn.set("pending", f"return:{order.id}")
        turn.say("{items} from order {id} can be returned or exchanged until {end}, unused and with tags. "
                 "Shall I open the return?",
                 "주문 {id}의 {items}은(는) {end}까지 반품 또는 교환할 수 있어요(미사용, 택 부착). 반품을 "
                 "접수할까요?",
                 buttons=buttons.yes_no(turn), items=", ".join(names), id=order.id, end=day(end))


async def _open_return(turn: Turn, order_id: str) -> None:
    order = await turn.own_order(order_id)
    if order is None:
        turn.say_order_gone()
        return
    try:
        reference = await runtime.shop().request_return(order_id, "shopper request via chat")
    except OrderNotChangeable:
        turn.say("Sorry, order {id} can't be returned any more.", "죄송해요, 주문 {id}은 더 이상 반품할 수 "
                                                                  "없어요.",
                 id=order_id)
        return
    turn.missed = False
    turn.say("Your return {ref} is open. We'll email a prepaid label; please drop the parcel off within {days}. "
             "For an exchange, order the new size and we'll refund this one on arrival.",
             "반품 {ref}이 접수되었어요. 선불 반품 라벨을 메일로 보내드리니 {days} 안에 발송해 주세요. "
             "교환을 원하시면 새 옵션으로 주문해 주시면, 반품 상품이 도착하는 대로 이 주문을 환불해 드려요.",
             ref=reference, days=shop_facts().text("return_label_days", turn.language))


async def _no_return(turn: Turn, order_id: str) -> None:
    turn.say("Okay, no return opened for {id}.", "알겠어요. 주문 {id}은 반품 접수하지 않았어요.", id=order_id)


pending.follow_up("return", _open_return, _no_return)
