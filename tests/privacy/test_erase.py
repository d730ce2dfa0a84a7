"""Erasure through the real stack: a customer with a real conversation (escalated, answered by an
agent, rated), consent and behaviour events is erased, then every key in Redis is scanned —
every prefix by name, and by value under this run's prefix and Rasa's tracker store."""

from __future__ import annotations

import uuid

import httpx
import pytest
import redis as sync_redis
from starlette.websockets import WebSocketDisconnect

from gateway import identity
from tests.conftest import add_staff
from tests.privacy.conftest import NOTICE, product_dwell, unique_customer
from tests.waiting import wait_until

pytestmark = [pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def admin(monkeypatch, capsys, redis_url: str, key_prefix: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return add_staff(monkeypatch, capsys, redis_url, key_prefix, "admin", f"dpo-{uuid.uuid4().hex[:6]}")


def start(client: httpx.Client, secret: str, customer_id: str) -> tuple[str, str]:
    body = {"locale": "en", "customer_id": customer_id, "user_hash": identity.user_hash(secret, customer_id),
            "consent": {"notice_version": NOTICE, "personalisation": True, "proactive": True}}
    data = client.post("/api/v1/conversations", json=body).json()
    return data["conversation_id"], data["token"]


def messages(client: httpx.Client, conversation_id: str, token: str) -> list[dict]:
    return client.get(f"/api/v1/conversations/{conversation_id}/messages",
                      headers={"Authorization": f"Bearer {token}"}).json()["messages"]


def say(client: httpx.Client, conversation_id: str, token: str, text: str) -> None:
    response = client.post(f"/api/v1/conversations/{conversation_id}/messages",
                           headers={"Authorization": f"Bearer {token}"}, json={"text": text})
    assert response.status_code == 200, response.text


def a_full_conversation(client: httpx.Client, secret: str, customer_id: str, email: str,
                        agent: dict[str, str]) -> str:
    conversation_id, token = start(client, secret, customer_id)
    visitor = client.post("/api/v1/visitors", json={"locale": "en"}).json()
    shown = client.post("/api/v1/events", json={"events": product_dwell(), "conversation_id": conversation_id},
                        headers={"Authorization": f"Bearer {visitor['token']}", "X-Conversation-Token": token})
    assert shown.json()["prompt"]["rule"] == "product_dwell"
    say(client, conversation_id, token, f"hi, my email is {email}")
    say(client, conversation_id, token, "I want to talk to a human")
    ticket_id = wait_until(lambda: next((t["id"] for t in client.get("/api/v1/agent/queue", headers=agent).json()
                                       ["tickets"] if t["conversation_id"] == conversation_id), None), "escalation")
    claimed = client.post("/api/v1/agent/claim", headers=agent, json={"ticket_id": ticket_id}).json()["ticket"]
    lease = {**agent, "X-Lease-Token": claimed["lease_token"]}
    sent = client.post(f"/api/v1/agent/tickets/{ticket_id}/messages", headers=lease,
                       json={"text": f"Hello! I will write to {email} about customer {customer_id}."})
    assert sent.status_code == 200, sent.text
    assert client.post(f"/api/v1/agent/tickets/{ticket_id}/resolve", headers=lease,
                       json={"code": "answered"}).status_code == 200
    wait_until(lambda: any(len(m.get("buttons") or []) == 5 for m in messages(client, conversation_id, token)),
             "the CSAT question after the resolve")
    say(client, conversation_id, token, "5")
    return conversation_id


def mentions(redis_url: str, prefix: str, needles: list[str]) -> list[str]:
    """Every key (all prefixes, both databases Rasa may use) whose name mentions a needle, and every key
    under this run's prefix (gateway, handoff, Rasa's tracker and lock stores) whose value does."""
    found = []
    client = sync_redis.Redis.from_url(redis_url)
    for db in (0, 1):
        client.execute_command("SELECT", db)
        for raw in client.scan_iter(count=1000):
            key = raw.decode(errors="replace")
            if any(n in key for n in needles):
                found.append(f"db{db} key {key}")
            elif key.startswith(prefix) or key.startswith("{" + prefix):
                value = _value(client, raw)
                if any(n in value for n in needles):
                    found.append(f"db{db} value of {key}")
    return found


def _value(client: sync_redis.Redis, key: bytes) -> str:
    kind = client.type(key).decode()
    reads = {"string": lambda: client.get(key), "hash": lambda: client.hgetall(key),
             "list": lambda: client.lrange(key, 0, -1), "set": lambda: client.smembers(key),
             "zset": lambda: client.zrange(key, 0, -1), "stream": lambda: client.xrange(key)}
    return repr(reads[kind]()) if kind in reads else ""


def test_erase_leaves_no_key_about_the_customer(privacy_gateway, secret, admin, general_agent, redis_url,  # type: ignore[no-untyped-def]
                                                key_prefix) -> None:
    customer_id, email = unique_customer(), f"{uuid.uuid4().hex[:10]}@mail.example"
    conversations = [a_full_conversation(privacy_gateway, secret, customer_id, email, general_agent),
                     start(privacy_gateway, secret, customer_id)[0]]
    needles = [customer_id, email, *conversations]
    assert mentions(redis_url, key_prefix, needles)  # the scan sees what it is meant to find
    insights = privacy_gateway.app.state.services.insights.store
    subject = identity.user_hash(secret, customer_id)
    wait_until(lambda: insights.export_subject(subject), "the insights ingester storing the customer's events")

    exported = privacy_gateway.post("/api/v1/admin/privacy/export", headers=admin, json={"customer_id": customer_id})
    assert exported.status_code == 200
    document = exported.json()
    assert sorted(c["id"] for c in document["conversations"]) == sorted(conversations)
    assert email in str(document) and document["conversations"] and any(
        c["handoff_tickets"] for c in document["conversations"])

    erased = privacy_gateway.post("/api/v1/admin/privacy/erase", headers=admin, json={"customer_id": customer_id})
    assert erased.status_code == 200, erased.text
    assert erased.json()["conversations"] == 2 and erased.json()["tickets"] == 1
    assert erased.json()["insights_events"] > 0
    assert mentions(redis_url, key_prefix, needles) == []
    assert insights.export_subject(subject) == []
    assert not insights.query("SELECT 1 FROM events WHERE conversation_id IN (?, ?)", conversations)
    again = privacy_gateway.post("/api/v1/admin/privacy/erase", headers=admin, json={"customer_id": customer_id})
    assert again.status_code == 404


def test_an_unknown_customer_is_a_clear_404(privacy_gateway, admin) -> None:  # type: ignore[no-untyped-def]
    response = privacy_gateway.post("/api/v1/admin/privacy/export", headers=admin,
                                    json={"customer_id": unique_customer()})
    assert response.status_code == 404 and "no data is held about customer" in response.json()["error"]["message"]


def test_the_privacy_api_needs_an_admin_token(privacy_gateway, monkeypatch, capsys, redis_url, key_prefix) -> None:  # type: ignore[no-untyped-def]
    lead = add_staff(monkeypatch, capsys, redis_url, key_prefix, "lead", "Lee")
    response = privacy_gateway.post("/api/v1/admin/privacy/erase", headers=lead, json={"customer_id": "x"})
    assert response.status_code == 403 and "admin" in response.json()["error"]["message"]


def test_erase_during_a_live_chat_ends_it_politely(privacy_gateway, secret, admin, redis_url, key_prefix) -> None:  # type: ignore[no-untyped-def]
    customer_id = unique_customer()
    conversation_id, token = start(privacy_gateway, secret, customer_id)
    say(privacy_gateway, conversation_id, token, "hello")
    with privacy_gateway.websocket_connect("/api/v1/ws") as ws:
        ws.send_json({"type": "auth", "role": "shopper", "conversation_id": conversation_id, "token": token})
        assert ws.receive_json()["type"] == "ready"
        erased = privacy_gateway.post("/api/v1/admin/privacy/erase", headers=admin, json={"customer_id": customer_id})
        assert erased.json()["notified_live"] == 1
        frames = []
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                frames.append(ws.receive_json())
        assert closed.value.code == 4410
    ended = [f["message"] for f in frames if f["type"] == "message" and f["message"].get("event") == "erased"]
    assert ended and "erased at your request" in ended[0]["text"]
    assert privacy_gateway.get(f"/api/v1/conversations/{conversation_id}/messages",
                               headers={"Authorization": f"Bearer {token}"}).status_code == 404
    assert mentions(redis_url, key_prefix, [customer_id, conversation_id]) == []
