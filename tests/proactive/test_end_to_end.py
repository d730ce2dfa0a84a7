"""Proactive prompts end to end: HTTP events in, the real Rasa server and action server answer,
the prompt lands in the conversation marked proactive, the shopper can reply, the report counts."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from gateway import identity
from tests.conftest import gateway_settings
from tests.proactive.conftest import SHOP_SECRET

pytestmark = [pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]

SHOP = {"Authorization": f"Bearer {SHOP_SECRET}"}


def _client(rasa_stack, redis_url: str, holdout: float) -> Iterator[httpx.Client]:
    from fastapi.testclient import TestClient

    from gateway.app import create_app

    settings = gateway_settings(rasa_stack, proactive_shop_secret=SHOP_SECRET, proactive_holdout_share=holdout)
    with TestClient(create_app(settings, redis_url)) as client:
        yield client


@pytest.fixture(scope="module")
def shop(rasa_stack, redis_url: str) -> Iterator[httpx.Client]:
    yield from _client(rasa_stack, redis_url, holdout=0.0)


def event(kind: str, page: str = "other", **data) -> dict:
    return {"type": kind, "ts": time.time(), "page": {"url": f"/{page}", "type": page}, "data": data}


def new_visitor(client: httpx.Client, locale: str = "en") -> dict[str, str]:
    token = client.post("/api/v1/visitors", json={"locale": locale}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def new_conversation(client: httpx.Client, locale: str = "en", **body) -> tuple[str, str]:
    data = client.post("/api/v1/conversations", json={"locale": locale, **body}).json()
    return data["conversation_id"], data["token"]


def send(client: httpx.Client, headers: dict[str, str], *events: dict, conversation_id: str | None = None) -> dict:
    body: dict = {"events": list(events)}
    if conversation_id:
        body["conversation_id"] = conversation_id
    response = client.post("/api/v1/events", headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def transcript(client: httpx.Client, conversation_id: str, token: str) -> list[dict]:
    return client.get(f"/api/v1/conversations/{conversation_id}/messages",
                      headers={"Authorization": f"Bearer {token}"}).json()["messages"]


def report(client: httpx.Client) -> dict[str, dict]:
    return {r["rule"]: r for r in client.get("/api/v1/proactive/report", headers=SHOP).json()["rules"]}


def test_a_prompt_waits_for_the_conversation_then_the_shopper_answers_it(shop) -> None:
    before = report(shop)["product_dwell"]
    visitor = new_visitor(shop, "ko")
    waiting = send(shop, visitor, event("page_view", "product"), event("dwell", "product", seconds=60))
    assert waiting["prompt"] == {"rule": "product_dwell", "pending": True, "messages": []}

    conversation_id, token = new_conversation(shop, "ko")
    linked = send(shop, {**visitor, "X-Conversation-Token": token}, conversation_id=conversation_id)
    assert linked["prompt"]["rule"] == "product_dwell" and not linked["prompt"]["pending"]
    prompt = transcript(shop, conversation_id, token)
    assert [(m["sender"], m.get("proactive"), m.get("rule")) for m in prompt] == [("bot", True, "product_dwell")]
    assert "상품" in prompt[0]["text"]

    # once per session per rule: the same behaviour again says nothing
    again = send(shop, {**visitor, "X-Conversation-Token": token}, event("dwell", "product", seconds=90),
                 conversation_id=conversation_id)
    assert again["prompt"] is None
    reply = shop.post(f"/api/v1/conversations/{conversation_id}/messages",
                      headers={"Authorization": f"Bearer {token}"}, json={"text": "안녕하세요"})
    assert reply.status_code == 200
    after = report(shop)["product_dwell"]
    assert after["shown"] == before["shown"] + 1
    assert after["engaged"] == before["engaged"] + 1


def test_checkout_error_offers_payment_help_at_once_and_its_button_works(shop) -> None:
    conversation_id, token = new_conversation(shop, "en")
    bearer = {"Authorization": f"Bearer {token}"}
    answer = send(shop, bearer, event("checkout_error", "checkout", code="card_declined"),
                  conversation_id=conversation_id)
    [message] = answer["prompt"]["messages"]
    assert message["proactive"] is True and message["rule"] == "checkout_error"
    assert "your card was declined" in message["text"] and "card_declined" not in message["text"]  # words, no code
    payment = next(b for b in message["buttons"] if "payment" in b["title"].lower())
    followed = shop.post(f"/api/v1/conversations/{conversation_id}/messages", headers=bearer,
                         json={"text": payment["payload"]})
    assert followed.status_code == 200
    assert followed.json()["messages"] and not followed.json()["messages"][0].get("proactive")


def test_typing_silences_prompts(shop) -> None:
    conversation_id, token = new_conversation(shop, "en")
    bearer = {"Authorization": f"Bearer {token}"}
    answer = send(shop, bearer, event("typing", "checkout"), event("exit_intent", "checkout"),
                  conversation_id=conversation_id)
    assert answer["prompt"] is None
    assert transcript(shop, conversation_id, token) == []


def test_a_delivery_delay_reaches_an_open_conversation_now_and_a_later_visit_otherwise(shop, rasa_stack) -> None:
    secret = rasa_stack.env["SHOPASSIST_IDENTITY_SECRET"]
    delay = {"type": "order_delayed", "ts": time.time(), "data": {"order_id": "A1001", "new_eta": "2026-12-01"}}

    present = f"C-open-{time.time_ns()}"
    conversation_id, token = new_conversation(shop, "en", customer_id=present,
                                              user_hash=identity.user_hash(secret, present))
    send(shop, {"Authorization": f"Bearer {token}"}, event("page_view", "order"), conversation_id=conversation_id)
    now = shop.post("/api/v1/shop-events", headers=SHOP, json={"events": [{**delay, "customer_id": present}]})
    assert now.json()["results"] == [{"index": 0, "status": "delivered"}]
    [apology] = transcript(shop, conversation_id, token)
    assert apology["rule"] == "delivery_delay" and "A1001" in apology["text"] and "2026-12-01" in apology["text"]
    assert any(b["payload"].startswith("/request_human") for b in apology["buttons"])

    absent = f"C-away-{time.time_ns()}"
    later = shop.post("/api/v1/shop-events", headers=SHOP, json={"events": [{**delay, "customer_id": absent}]})
    assert later.json()["results"] == [{"index": 0, "status": "queued"}]
    conversation_id, token = new_conversation(shop, "ko", customer_id=absent,
                                              user_hash=identity.user_hash(secret, absent))
    arrived = send(shop, {"Authorization": f"Bearer {token}"}, event("page_view", "home"),
                   conversation_id=conversation_id)
    assert arrived["prompt"]["rule"] == "delivery_delay"
    assert "지연" in transcript(shop, conversation_id, token)[0]["text"]


def test_held_out_visitors_get_no_prompt_but_count_in_the_report(rasa_stack, redis_url: str, shop) -> None:
    for holdout_gateway in _client(rasa_stack, redis_url, holdout=1.0):
        before = report(holdout_gateway)["checkout_exit"]
        conversation_id, token = new_conversation(holdout_gateway, "en")
        bearer = {"Authorization": f"Bearer {token}"}
        answer = send(holdout_gateway, bearer, event("exit_intent", "checkout"), conversation_id=conversation_id)
        assert answer["prompt"] is None
        send(holdout_gateway, bearer, event("page_view", "checkout"), event("page_view", "order"),
             conversation_id=conversation_id)
        assert transcript(holdout_gateway, conversation_id, token) == []
        after = report(holdout_gateway)["checkout_exit"]
        assert after["holdout"] == before["holdout"] + 1
        assert after["checkout"]["holdout"] == before["checkout"]["holdout"] + 1
        assert after["order"]["holdout"] == before["order"]["holdout"] + 1
