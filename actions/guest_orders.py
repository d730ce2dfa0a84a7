"""Guests find their order by its number and the email address or phone number it was placed with.

A signed-in shopper's orders are theirs by the verified customer_id; a guest proves an order is
theirs with the contact details the shop holds for it, as shops' order-lookup pages do.  An
unknown number and wrong details get the same answer, so the bot never confirms that an order
exists; after `MAX_FAILED_CHECKS` failed checks in a conversation, or `MAX_FAILED_PER_ORDER` for
one order number in a day, the bot stops checking and offers a person.
"""

from __future__ import annotations

import re

from actions import buttons, runtime
from actions.contact_details import contact_in
from actions.shop import Order
from actions.turn import Turn
from contracts.keys import RedisKeys

KIND = "guest_order"  # pending "guest_order:<intent>|<order number or empty>"
MAX_FAILED_CHECKS = 3
MAX_FAILED_PER_ORDER = 10
CHECKS_TTL_S = 24 * 3600


def waiting_for(turn: Turn) -> tuple[str, str | None] | None:
    """(intent, order number already given) when the bot asked this guest for order details."""
    value = turn.slot("pending")
    if not isinstance(value, str) or not value.startswith(KIND + ":"):
        return None
    intent, _, order_id = value[len(KIND) + 1:].partition("|")
    return intent, order_id or None


def answers_the_question(turn: Turn) -> bool:
    return len(turn.text) <= 160 and (turn.order_id() is not None or contact_in(turn.text) is not None)


async def find(turn: Turn, intent: str) -> Order | None:
    """The guest's order once its number and contact details match; None after saying what is missing."""
    asked = waiting_for(turn)
    order_id = turn.order_id() or (asked[1] if asked else None)
    contact = contact_in(turn.text)
    if order_id is None or contact is None:
        turn.set("pending", f"{KIND}:{intent}|{order_id or ''}")
        turn.missed = False
        if order_id is None:
            turn.say("I can look it up without an account: please type your order number (like ORD-100123) and the "
                     "email address or phone number you ordered with.",
                     "로그인하지 않아도 확인해 드릴게요. 주문번호(예: ORD-100123)와 주문할 때 입력한 이메일 주소 "
                     "또는 전화번호를 알려 주세요.")
        else:
            turn.say("Thanks. To check that order {order_id} is yours, what email address or phone number did you "
                     "order with?",
                     "감사합니다. 주문 {order_id}이(가) 고객님의 주문인지 확인하려면 주문할 때 입력한 이메일 주소나 "
                     "전화번호를 알려 주세요.", order_id=order_id)
        return None
    keys = RedisKeys(runtime.settings().key_prefix)
    redis = runtime.redis()
    failed = [int(await redis.get(key) or 0) for key in (keys.guest_order_checks(turn.conversation_id),
                                                         keys.order_checks(order_id))]
    if failed[0] >= MAX_FAILED_CHECKS or failed[1] >= MAX_FAILED_PER_ORDER:
        _stop_checking(turn)
        return None
    order = await _matching(order_id, contact)
    if order is None:
        for key in (keys.guest_order_checks(turn.conversation_id), keys.order_checks(order_id)):
            await redis.incr(key)
            await redis.expire(key, CHECKS_TTL_S)
        if failed[0] + 1 >= MAX_FAILED_CHECKS:
            _stop_checking(turn)
            return None
        turn.set("pending", f"{KIND}:{intent}|")
        turn.missed = False
        turn.say("I couldn't find an order {order_id} with those details. Please check the order number (it is in "
                 "your confirmation email) and the email address or phone number you ordered with.",
                 "주문 {order_id}을(를) 입력하신 정보로 찾을 수 없어요. 주문 확인 메일의 주문번호와 주문할 때 입력한 "
                 "이메일 주소 또는 전화번호를 다시 확인해 주세요.", order_id=order_id)
        return None
    turn.set("pending", None)
    turn.missed = False
    turn.order = order
    turn.achieved("completed")  # every flow that finds the order tells the shopper where it stands
    return order


async def _matching(order_id: str, contact: dict[str, str]) -> Order | None:
    shop = runtime.shop()
    order = await shop.order(order_id)
    customer = await shop.customer(order.customer_id) if order else None
    if order is None or customer is None:
        return None
    if "email" in contact and customer.email and contact["email"].casefold() == customer.email.casefold():
        return order
    if "phone" in contact and customer.phone and _digits(contact["phone"]) == _digits(customer.phone):
        return order
    return None


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return "0" + digits[2:] if digits.startswith("82") else digits  # +82 10-… is 010-…


def _stop_checking(turn: Turn) -> None:
    turn.achieved("dead_end")
    turn.set("pending", None)
    turn.missed = False
    turn.say("For your security I can't check more order details in this chat. A colleague can look it up with you, "
             "or you can sign in to see your orders.",
             "고객님의 정보 보호를 위해 이 채팅에서는 더 이상 주문 정보를 확인할 수 없어요. 상담원이 함께 확인해 "
             "드리거나, 로그인하시면 주문 내역을 보실 수 있어요.",
             buttons=[buttons.human(turn)])
