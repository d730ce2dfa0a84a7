"""Consent through the real stack: the notice, stored changes, and both sides of each consent
(personalisation: profile and order history; proactive: behaviour prompts)."""

from __future__ import annotations

import httpx
import pytest

from gateway import identity
from tests.actions.shopper_chat import demo, ticket_of
from tests.privacy.conftest import NOTICE, product_dwell

pytestmark = [pytest.mark.rasa, pytest.mark.redis]


def start(client: httpx.Client, secret: str, customer_id: str | None = None, **consent: bool) -> tuple[str, dict]:
    body: dict = {"locale": "en"}
    if customer_id:
        body.update(customer_id=customer_id, user_hash=identity.user_hash(secret, customer_id))
    if consent:
        body["consent"] = {"notice_version": NOTICE, **consent}
    response = client.post("/api/v1/conversations", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    return data["conversation_id"], {"Authorization": f"Bearer {data['token']}"}


def say(client: httpx.Client, conversation_id: str, headers: dict, text: str) -> list[dict]:
    response = client.post(f"/api/v1/conversations/{conversation_id}/messages", headers=headers, json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def test_the_notice_names_its_version_and_the_required_consents(privacy_gateway) -> None:  # type: ignore[no-untyped-def]
    notice = privacy_gateway.get("/api/v1/privacy/notice", params={"lang": "ko"}).json()
    assert notice["version"] == NOTICE and notice["required"] == ["personalisation", "proactive"]
    assert "개인정보" in notice["text"]


def test_consent_changes_are_stored_with_time_and_notice_version(privacy_gateway, secret) -> None:  # type: ignore[no-untyped-def]
    conversation_id, headers = start(privacy_gateway, secret, personalisation=True)
    url = f"/api/v1/conversations/{conversation_id}/consent"
    state = privacy_gateway.get(url, headers=headers).json()
    assert state["given"] == {"personalisation": True} and state["allowed"] == {"personalisation": True,
                                                                                  "proactive": False}
    changed = privacy_gateway.put(url, headers=headers, json={"notice_version": NOTICE, "proactive": True}).json()
    assert changed["allowed"] == {"personalisation": True, "proactive": True}
    assert [(h["notice_version"], h["choices"]) for h in changed["history"]] == [
        (NOTICE, {"personalisation": True}), (NOTICE, {"personalisation": True, "proactive": True})]
    assert changed["history"][0]["ts"] <= changed["history"][1]["ts"]
    stale = privacy_gateway.put(url, headers=headers, json={"notice_version": "old", "proactive": False})
    assert stale.status_code == 422 and "not the current privacy notice" in stale.json()["error"]["message"]
    unknown = privacy_gateway.put(url, headers=headers, json={"notice_version": NOTICE, "marketing": True})
    assert unknown.status_code == 422


def test_a_conversation_without_consent_is_treated_as_not_given(privacy_gateway, secret) -> None:  # type: ignore[no-untyped-def]
    conversation_id, headers = start(privacy_gateway, secret)
    state = privacy_gateway.get(f"/api/v1/conversations/{conversation_id}/consent", headers=headers).json()
    assert state["given"] == {} and state["allowed"] == {"personalisation": False, "proactive": False}


def test_without_personalisation_consent_no_order_history_is_used(privacy_gateway, secret) -> None:  # type: ignore[no-untyped-def]
    order = next(o for o in demo().data.orders.values() if o.status == "shipped")
    with_consent = start(privacy_gateway, secret, order.customer_id, personalisation=True)
    replies = say(privacy_gateway, *with_consent, "where is my order?")
    offered = [b["payload"] for m in replies for b in m.get("buttons") or []]
    assert order.id in offered  # the order history was used to offer recent orders

    without = start(privacy_gateway, secret, order.customer_id, personalisation=False)
    replies = say(privacy_gateway, *without, "where is my order?")
    assert not [b for m in replies for b in m.get("buttons") or []]
    assert "order number" in replies[-1]["text"]
    stated = say(privacy_gateway, *without, order.id)  # what the shopper states in the chat is still used
    assert order.tracking_number in "\n".join(m["text"] for m in stated)


@pytest.mark.parametrize("consent", [True, False])
def test_a_behaviour_prompt_fires_only_with_proactive_consent(privacy_gateway, secret, consent: bool) -> None:  # type: ignore[no-untyped-def]
    conversation_id, headers = start(privacy_gateway, secret, proactive=consent)
    visitor = privacy_gateway.post("/api/v1/visitors", json={"locale": "en"}).json()
    response = privacy_gateway.post(
        "/api/v1/events", json={"events": product_dwell(), "conversation_id": conversation_id},
        headers={"Authorization": f"Bearer {visitor['token']}", "X-Conversation-Token": headers["Authorization"][7:]})
    assert response.status_code == 200, response.text
    transcript = privacy_gateway.get(f"/api/v1/conversations/{conversation_id}/messages", headers=headers).json()
    proactive = [m for m in transcript["messages"] if m.get("proactive")]
    if consent:
        assert response.json()["prompt"]["rule"] == "product_dwell" and proactive
    else:
        assert response.json()["prompt"] is None and not proactive


def test_visitor_consent_before_a_chat_allows_a_waiting_prompt(privacy_gateway) -> None:  # type: ignore[no-untyped-def]
    visitor = {"Authorization": f"Bearer {privacy_gateway.post('/api/v1/visitors', json={}).json()['token']}"}
    refused = privacy_gateway.post("/api/v1/events", json={"events": product_dwell()}, headers=visitor).json()
    assert refused["prompt"] is None
    given = privacy_gateway.put("/api/v1/visitors/consent", headers=visitor,
                                json={"notice_version": NOTICE, "proactive": True})
    assert given.json()["allowed"]["proactive"] is True
    events = product_dwell()
    events[0]["page"]["url"] = events[1]["page"]["url"] = "/p/2"
    waiting = privacy_gateway.post("/api/v1/events", json={"events": events[1:]}, headers=visitor).json()
    assert waiting["prompt"] == {"rule": "product_dwell", "pending": True, "messages": []}


@pytest.mark.slow
@pytest.mark.parametrize("consent", [True, False])
def test_the_agent_sees_profile_and_orders_only_with_personalisation_consent(  # type: ignore[no-untyped-def]
        privacy_gateway, secret, general_agent, redis_url, key_prefix, consent: bool) -> None:
    shop = demo()
    order = next(o for o in shop.data.orders.values() if o.status == "shipped")
    customer = shop.data.customers[order.customer_id]
    conversation_id, headers = start(privacy_gateway, secret, order.customer_id, personalisation=consent)
    say(privacy_gateway, conversation_id, headers, "I want to talk to a human")
    _, context = ticket_of(redis_url, key_prefix, conversation_id)
    privacy_gateway.post(f"/api/v1/conversations/{conversation_id}/leave", headers=headers)
    if consent:
        assert context["customer"]["email"] == customer.email and context["recent_orders"]
    else:
        assert context["customer"] == {"id": order.customer_id, "verified": True}
        assert context["recent_orders"] == [] and context["segment"] == "unknown"
        assert customer.email not in str(context)
