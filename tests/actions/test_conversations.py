"""End-to-end conversations in English and Korean through the shopper REST API, against
the real Rasa server and action server: every flow, and at least one escalation per reason.

The demo shop is the same seeded data the action server serves, so tests pick customers and
orders by what they need (a delivered order inside the return window, a VIP, ...).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

import pytest
from redis import Redis
from shopper_chat import HANGUL, Chat, demo, run, ticket_of, trigger

from actions.feedback import sampled_for_nps
from actions.shop import Order
from actions.shop.segments import segment_for
from contracts.keys import RedisKeys
from tests import presence
from tests.waiting import wait_until

pytestmark = [pytest.mark.rasa, pytest.mark.redis]

SHOP = demo()
LIVE_SKILLS = ["orders", "payments", "returns", "shipping", "account"]  # "general" has nobody: messages


def segment(customer_id: str) -> str:
    return segment_for([o for o in SHOP.data.orders.values() if o.customer_id == customer_id], SHOP.data.today)


def order_where(check: Callable[[Order], bool], vip: bool = False, skip: int = 0) -> Order:
    found = [o for o in SHOP.data.orders.values()
             if check(o) and (segment(o.customer_id) == "vip") == vip and (vip or o.total <= 1_000_000)]
    return found[skip]


def days_since_delivery(order: Order) -> int:
    return (dt.datetime.now(dt.UTC) - order.delivered_at).days if order.delivered_at else -1


def returnable(order: Order) -> bool:
    return (order.status == "delivered" and 0 <= days_since_delivery(order) <= 25
            and all(i.category not in ("innerwear", "food", "digital") and not i.final_sale for i in order.items))


@pytest.fixture(scope="module")
def secret(rasa_stack) -> str:  # type: ignore[no-untyped-def]
    return rasa_stack.env["SHOPASSIST_IDENTITY_SECRET"]


@pytest.fixture(scope="module")
def agent(redis_url: str, key_prefix: str) -> Iterator[str]:
    """An agent online for every skill but "general", so general escalations take the leave-a-message path."""
    registered, _ = run(redis_url, key_prefix, lambda q: q.agents.add("Mina", LIVE_SKILLS, ["en", "ko"], 100))
    with presence.online(redis_url, key_prefix, registered.id):
        yield registered.id


@pytest.fixture(scope="module")
def kb_ready(gateway) -> None:  # type: ignore[no-untyped-def]
    """The action server loads the knowledge base in the background; until then an FAQ turn says so."""
    conversation = Chat.start(gateway, "en")
    wait_until(lambda: "getting our help articles ready" not in conversation.send("how long does a refund take?"),
               "the knowledge base loading", timeout_s=120, every_s=2)


def chat(gateway, locale: str, customer_id: str | None = None, secret: str = "", **kw) -> Chat:  # type: ignore[no-untyped-def]
    return Chat.start(gateway, locale, customer_id, secret, **kw)


def in_language(text: str, language: str) -> bool:
    return bool(HANGUL.search(text)) == (language == "ko")


# ---- small talk, language --------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "text", "expected"), [
    ("en", "hello", "ShopAssist"), ("ko", "안녕하세요", "ShopAssist"),
    ("en", "thank you so much", "welcome"), ("ko", "감사합니다", "천만에요"),
    ("en", "are you a bot?", "automated"), ("ko", "봇이에요?", "챗봇"),
    ("en", "what's the weather today?", "shopping questions"), ("ko", "오늘 날씨 어때요?", "쇼핑"),
    ("en", "bye", "Goodbye"), ("ko", "안녕히 계세요", "감사합니다"),
])
def test_small_talk_in_both_languages(gateway, language: str, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    reply = chat(gateway, language).send(text)
    assert expected in reply and in_language(reply, language)


def test_language_follows_a_clear_switch(gateway) -> None:  # type: ignore[no-untyped-def]
    conversation = chat(gateway, "en")
    assert in_language(conversation.send("hello"), "en")
    assert in_language(conversation.send("안녕하세요 도움이 필요해요"), "ko")
    assert in_language(conversation.send("thanks a lot"), "en")


# ---- knowledge base --------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "question", "thanks"), [
    ("en", "how long does a refund take?", "glad"), ("ko", "환불은 보통 얼마나 걸리나요?", "다행"),
])
def test_faq_answer_asks_if_it_helped(kb_ready, gateway, language: str, question: str, thanks: str) -> None:  # type: ignore[no-untyped-def]
    conversation = chat(gateway, language)
    reply = conversation.send(question)
    assert in_language(reply, language)
    titles = [b["title"] for b in conversation.buttons()]
    if len(titles) == 2:  # answered: "Did this help?"
        assert thanks in conversation.press(titles[0]).lower()
    else:  # the KB asked which article: choosing one answers it
        conversation.press(titles[0])
        assert len(conversation.buttons()) == 2


def test_two_misses_in_a_row_escalate(kb_ready, gateway, agent, redis_url, key_prefix) -> None:  # type: ignore[no-untyped-def]
    conversation = chat(gateway, "en")
    conversation.send("what is your return policy?")
    if len(conversation.buttons()) != 2:
        conversation.press(conversation.buttons()[0]["title"])
    reply = conversation.press("No")  # "this did not help": miss 1, alternatives and a person offered
    assert "Talk to a person" in [b["title"] for b in conversation.buttons()]
    reply = conversation.send("no")  # miss 2 -> escalation (general skill: nobody online -> leave a message)
    assert "email address or phone number" in reply
    assert "Would you like to talk to a person" not in reply  # never both asked and handed over
    assert [b["title"] for b in conversation.buttons()] == []
    reply = conversation.send("you can reach me at sam@shop.test")
    assert "sam@shop.test" in reply
    ticket, context = ticket_of(redis_url, key_prefix, conversation.conversation_id)
    assert ticket.reasons == ("repeated_misunderstanding",)
    assert context["left_message"] and context["contact"] == {"email": "sam@shop.test"}


def test_kb_none_apologises_and_offers_a_person(kb_ready, gateway) -> None:  # type: ignore[no-untyped-def]
    conversation = chat(gateway, "ko")
    reply = conversation.send("우주선 엔진 부품도 파나요? 화성 배송 되나요?")
    assert in_language(reply, "ko")


# ---- orders ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "ko"])
def test_order_status_asks_for_the_number_then_answers(gateway, secret, language: str) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status == "shipped")
    conversation = chat(gateway, language, order.customer_id, secret)
    reply = conversation.send("where is my order?" if language == "en" else "주문 어디까지 왔어요?")
    assert "ORD-100123" in reply and in_language(reply, language)
    assert order.id in [b["payload"] for b in conversation.buttons()]
    reply = conversation.send(order.id)
    assert order.id in reply and order.tracking_number in reply and in_language(reply, language)


def test_tracking_a_delivered_order_in_one_message(gateway, secret) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status == "delivered")
    reply = chat(gateway, "ko", order.customer_id, secret).send(f"{order.id} 배송 조회")
    assert "배송 완료" in reply


@pytest.mark.parametrize("language", ["en", "ko"])
def test_another_customers_order_and_unknown_numbers_are_not_found(gateway, secret, language: str) -> None:  # type: ignore[no-untyped-def]
    mine = order_where(lambda o: o.status == "shipped")
    theirs = order_where(lambda o: o.customer_id != mine.customer_id and o.status == "delivered")
    conversation = chat(gateway, language, mine.customer_id, secret)
    for number in (theirs.id, "ORD-199999"):
        reply = conversation.send(f"status of {number}" if language == "en" else f"{number} 주문 상태 "
                                                                                 f"알려주세요")
        assert number in reply and ("couldn't find" in reply or "찾을 수 없어요" in reply)
        assert theirs.tracking_number is None or theirs.tracking_number not in reply


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_guest_finds_an_order_by_its_number_and_the_email_or_phone_it_was_placed_with(  # type: ignore[no-untyped-def]
        gateway, language: str) -> None:
    order = order_where(lambda o: o.status == "shipped", skip=3 if language == "en" else 4)
    customer = SHOP.data.customers[order.customer_id]
    conversation = chat(gateway, language)
    asked = conversation.send("where is my order?" if language == "en" else "주문한 상품 어디쯤 왔나요?")
    assert ("without an account" in asked) if language == "en" else ("로그인하지 않아도" in asked)
    asked = conversation.send(order.id)
    assert order.id in asked and (("email" in asked) if language == "en" else ("이메일" in asked))
    wrong = conversation.send("someone.else@example.com")
    assert order.id in wrong and ("couldn't find" in wrong or "찾을 수 없어요" in wrong)
    assert order.tracking_number not in wrong  # nothing about the order is told to a wrong guess
    found = conversation.send(f"{order.id} {customer.phone if language == 'ko' else customer.email.upper()}")
    assert order.id in found and order.tracking_number in found


def test_a_guest_gets_three_tries_then_a_person(gateway) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status == "delivered", skip=5)
    conversation = chat(gateway, "en")
    for n in range(3):
        reply = conversation.send(f"status of {order.id}, my email is guess{n}@example.com")
    assert "For your security" in reply and "Talk to a person" in [b["title"] for b in conversation.buttons()]
    right = SHOP.data.customers[order.customer_id].email
    assert "For your security" in conversation.send(f"status of {order.id}, my email is {right}")  # still refused


@pytest.mark.parametrize("language", ["en", "ko"])
def test_cancel_before_shipping_after_confirmation(gateway, secret, language: str) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status in ("paid", "preparing"), skip=0 if language == "en" else 1)
    conversation = chat(gateway, language, order.customer_id, secret)
    reply = conversation.send(f"please cancel order {order.id}" if language == "en" else f"{order.id} 취소해 "
                                                                                         f"주세요")
    assert order.id in reply and len(conversation.buttons()) == 2
    reply = conversation.press("Yes" if language == "en" else "네")
    assert ("is cancelled" in reply) if language == "en" else ("취소되었어요" in reply)


def test_shipped_orders_cannot_be_cancelled(gateway, secret) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status == "shipped", skip=1)
    reply = chat(gateway, "en", order.customer_id, secret).send(f"can I cancel {order.id}?")
    assert "already shipped" in reply


@pytest.mark.parametrize("language", ["en", "ko"])
def test_return_inside_the_window(gateway, secret, language: str) -> None:  # type: ignore[no-untyped-def]
    order = order_where(returnable, skip=0 if language == "en" else 1)
    conversation = chat(gateway, language, order.customer_id, secret)
    reply = conversation.send(f"can I return {order.id}?" if language == "en" else f"{order.id} 반품 "
                                                                                   f"가능한가요?")
    assert order.id in reply and len(conversation.buttons()) == 2, reply
    reply = conversation.press("Yes" if language == "en" else "네")
    assert "RET-" in reply


def test_return_policy_checks(gateway, secret) -> None:  # type: ignore[no-untyped-def]
    late = order_where(lambda o: o.status == "delivered" and days_since_delivery(o) > 35)
    assert "window ended" in chat(gateway, "en", late.customer_id, secret).send(f"return order {late.id}")
    excluded = order_where(lambda o: o.status == "delivered" and 0 <= days_since_delivery(o) <= 25 and all(
        i.category in ("innerwear", "food", "digital") or i.final_sale for i in o.items))
    reply = chat(gateway, "ko", excluded.customer_id, secret).send(f"{excluded.id} 반품해 주세요")
    assert "반품할 수 없어요" in reply
    used = order_where(returnable)  # refused, so the order stays as it was
    reply = chat(gateway, "en", used.customer_id, secret).send(f"I wore it once, can I still return "
                                                               f"{used.id}?")
    assert "unused" in reply


@pytest.mark.parametrize("language", ["en", "ko"])
def test_refund_status(gateway, secret, language: str) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status == "refunded")
    reply = chat(gateway, language, order.customer_id, secret).send(
        f"status of my refund for {order.id}" if language == "en" else f"{order.id} 환불 어떻게 됐어요?")
    assert order.id in reply and in_language(reply, language)
    assert order.refunded_at is not None and order.refunded_at.strftime("%Y-%m-%d") in reply


@pytest.mark.parametrize("language", ["en", "ko"])
def test_change_address_of_a_shipped_order(gateway, secret, language: str) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status == "shipped", skip=2 if language == "ko" else 3)
    reply = chat(gateway, language, order.customer_id, secret).send(
        f"{order.id} 배송지 수정하고 싶어요" if language == "ko" else f"I want to edit my address for order {order.id}")
    assert ("택배사" if language == "ko" else "carrier") in reply and order.tracking_number in reply


def test_change_address_before_shipping(gateway, secret) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status in ("paid", "preparing"), skip=2)
    reply = chat(gateway, "en", order.customer_id, secret).send(f"can I update the address on {order.id}?")
    assert "Change address" in reply and order.address in reply


@pytest.mark.parametrize(("language", "text"), [("en", "my coupon doesn't work"), ("ko", "쿠폰이 안 돼요")])
def test_coupon_problem_is_answered_from_the_kb(kb_ready, gateway, language: str, text: str) -> None:  # type: ignore[no-untyped-def]
    reply = chat(gateway, language).send(text)
    assert in_language(reply, language)


# ---- escalations, one per reason -------------------------------------------------------------------

def escalated(redis_url: str, key_prefix: str, conversation: Chat, reason: str) -> dict:  # type: ignore[type-arg]
    ticket, context = ticket_of(redis_url, key_prefix, conversation.conversation_id)
    assert reason in ticket.reasons, ticket.reasons
    assert context["reasons"][0]["code"] == ticket.reasons[0] and context["priority"] == ticket.priority
    for part in ("customer", "segment", "recent_orders", "transcript", "nlu", "sentiment_trend",
                 "kb_articles_shown", "page"):
        assert part in context
    return context


@pytest.mark.parametrize("language", ["en", "ko"])
def test_payment_problem_goes_to_a_person(gateway, secret, agent, redis_url, key_prefix, language: str) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status == "delivered", skip=3 if language == "en" else 4)
    conversation = chat(gateway, language, order.customer_id, secret,
                        page={"url": "https://shop.example/checkout", "type": "checkout"})
    reply = conversation.send("I was charged twice" if language == "en" else "결제가 두 번 됐어요")
    assert ("number 1 in the queue" in reply) if language == "en" else ("대기 순번" in reply)
    context = escalated(redis_url, key_prefix, conversation, "payment_issue")
    assert context["page"]["type"] == "checkout" and context["customer"]["id"] == order.customer_id
    assert context["nlu"][-1]["intent"] == "payment_problem" and context["nlu"][-1]["confidence"] > 0.5
    assert context["recent_orders"] and context["language"] == language


@pytest.mark.parametrize(("language", "text", "told"), [
    ("en", "my card was declined at checkout", "not charged"),
    ("en", "the payment failed", "not charged"),
    ("ko", "카드 결제가 거절됐어요", "청구되지 않아요"),
    ("ko", "결제가 실패했어요", "청구되지 않아요"),
])
def test_a_declined_payment_is_explained_and_a_person_offered_not_queued(  # type: ignore[no-untyped-def]
        gateway, redis_url, key_prefix, language, text, told) -> None:
    conversation = chat(gateway, language)
    reply = conversation.send(text)
    assert told in reply and not re.search(r"3\s*[-–~]\s*5", reply)  # not the double-charge answer
    assert run(redis_url, key_prefix, lambda q: q.conversation(conversation.conversation_id)).owner == "bot"
    assert conversation.press("Yes" if language == "en" else "네")  # the shopper may still ask for a person
    assert run(redis_url, key_prefix, lambda q: q.conversation(conversation.conversation_id)).owner != "bot"


def test_fraud(gateway, secret, agent, redis_url, key_prefix) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status == "delivered", skip=5)
    conversation = chat(gateway, "en", order.customer_id, secret)
    conversation.send("someone used my card to buy something")
    assert escalated(redis_url, key_prefix, conversation, "fraud_suspected")["priority"] >= 95


@pytest.mark.parametrize(("language", "text", "reason"), [
    ("en", "the item arrived damaged", "damaged_item"),
    ("ko", "주문한 상품 중 하나가 누락됐어요", "missing_item"),
])
def test_damaged_or_missing(gateway, secret, agent, redis_url, key_prefix, language, text, reason) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status == "delivered", skip=6 if language == "en" else 7)
    conversation = chat(gateway, language, order.customer_id, secret)
    assert in_language(conversation.send(text), language)
    escalated(redis_url, key_prefix, conversation, reason)


def test_anger(gateway, secret, agent, redis_url, key_prefix) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status == "delayed")
    conversation = chat(gateway, "ko", order.customer_id, secret)
    conversation.send(f"{order.id} 어디쯤이에요? 아직도 안 왔어요 진짜 짜증나네요!!")
    context = escalated(redis_url, key_prefix, conversation, "anger")
    assert context["sentiment_trend"][-1] >= 2


def test_vip_and_high_value_order_problems(gateway, secret, agent, redis_url, key_prefix) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status == "delivered" and o.total > 1_000_000, vip=True)
    conversation = chat(gateway, "en", order.customer_id, secret)
    conversation.send(f"can I return {order.id}?")
    ticket, _ = ticket_of(redis_url, key_prefix, conversation.conversation_id)
    assert {"vip_order_problem", "high_value_order"} <= set(ticket.reasons)


def test_same_problem_again_within_a_week(gateway, secret, agent, redis_url, key_prefix) -> None:  # type: ignore[no-untyped-def]
    order = order_where(lambda o: o.status == "returned")
    first = chat(gateway, "en", order.customer_id, secret)
    first.send(f"refund for {order.id}?")
    assert run(redis_url, key_prefix, lambda q: q.owner(first.conversation_id)) == "bot"
    second = chat(gateway, "en", order.customer_id, secret)
    second.send(f"refund for {order.id}?")
    escalated(redis_url, key_prefix, second, "repeat_issue")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_request_human_outside_coverage_leaves_a_message(gateway, agent, redis_url, key_prefix, language) -> None:  # type: ignore[no-untyped-def]
    conversation = chat(gateway, language)
    reply = conversation.send("I want to talk to a human" if language == "en" else "상담원 연결해 주세요")
    assert ("email address or phone number" in reply) if language == "en" else ("전화번호" in reply)
    reply = conversation.send("jane@" if language == "en" else "이메일은 jane@ 이에요")
    assert ("valid" in reply) if language == "en" else ("올바른" in reply)
    reply = conversation.send("010-1234-5678")
    assert "01012345678" in reply and in_language(reply, language)
    context = escalated(redis_url, key_prefix, conversation, "human_requested")
    assert context["contact"] == {"phone": "01012345678"}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_with_the_team_away_or_signed_out_a_request_for_a_person_leaves_a_message(  # type: ignore[no-untyped-def]
        gateway, agent, redis_url, key_prefix, language) -> None:
    """Registered agents who serve the request but are away (or whose console is closed) are no team:
    the shopper is offered to leave a message in the same turn, not queued to wait for nobody."""
    away, _ = run(redis_url, key_prefix, lambda q: q.agents.add(f"Away Ara {language}", ["general"], [language], 3))
    try:
        presence.report(redis_url, key_prefix, (away.id,), "away")
        conversation = chat(gateway, language)
        reply = conversation.send("I want to talk to a human" if language == "en" else "상담원 연결해 주세요")
        assert ("email address or phone number" in reply) if language == "en" else ("전화번호" in reply)
        assert run(redis_url, key_prefix, lambda q: q.owner(conversation.conversation_id)) == "bot"
    finally:
        run(redis_url, key_prefix, lambda q: q.agents.remove(away.id))


# ---- feedback after an agent resolves --------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "ko"])
def test_csat_and_nps_after_the_agent_resolves(gateway, secret, agent, rasa_stack, redis_url, key_prefix,  # type: ignore[no-untyped-def]
                                               language: str) -> None:
    order = order_where(lambda o: o.status == "delivered", skip=8 if language == "ko" else 9)
    conversation = chat(gateway, language, order.customer_id, secret)
    conversation.send("결제가 두 번 됐어요" if language == "ko" else "I was charged twice")

    async def resolve(queue) -> None:  # type: ignore[no-untyped-def]
        claimed = await queue.claim(agent, (await queue.conversation(conversation.conversation_id)).ticket_id)
        await queue.resolve(claimed.id, agent, claimed.lease_token, "refunded", "double charge reversed")

    run(redis_url, key_prefix, resolve)
    question = trigger(rasa_stack.rasa_url, rasa_stack.token, conversation.conversation_id,
                       "EXTERNAL_handoff_resolved")
    assert ("만족" if language == "ko" else "satisfied") in question[0]["text"]
    assert len(question[0]["buttons"]) == 5
    reply = conversation.send(question[0]["buttons"][3]["payload"])  # 4
    feedback = RedisKeys(key_prefix).conversation_feedback(conversation.conversation_id)
    stored = Redis.from_url(redis_url).hgetall(feedback)
    assert stored[b"csat"] == b"4"
    if sampled_for_nps(conversation.conversation_id, 0.3):
        assert ("추천" if language == "ko" else "recommend") in reply
        conversation.send("9점 줄게요" if language == "ko" else "I'd give it a 9")
        stored = Redis.from_url(redis_url).hgetall(feedback)
        assert stored[b"nps"] == b"9"
    else:
        assert ("감사" if language == "ko" else "Thank you") in reply


# ---- bad input -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "🙂🙂🙂", "😡😡", "배송 status 알려줘 please ORD-100003", "x" * 2000, "가" * 2000,
    ("where is my order " * 120)[:2000], "%s {order} {{}} \\n <script>", "??!!",
])
def test_bad_input_gets_a_sensible_reply(gateway, secret, text: str) -> None:  # type: ignore[no-untyped-def]
    conversation = chat(gateway, "en", "C0002", secret)
    reply = conversation.send(text)
    assert reply and "something went wrong" not in reply


def test_a_complaint_offers_a_person(gateway) -> None:  # type: ignore[no-untyped-def]
    conversation = chat(gateway, "en")
    assert "pass this to a colleague" in conversation.send("I want to make a complaint")
    assert len(conversation.buttons()) == 2
