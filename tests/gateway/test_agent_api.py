"""Agent API v1 and the one-owner rule, through the real gateway, Redis, Rasa and action server.

Tickets are opened with the handoff library itself (the bot's escalation actions do the
same); everything after that goes through HTTP as an agent console and a widget would.
"""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from fastapi.testclient import TestClient
from redis.asyncio import Redis

from gateway.app import create_app
from gateway.cli import main as cli
from handoff import HandoffQueue
from tests import presence
from tests.conftest import add_staff, gateway_settings
from tests.waiting import wait_until

pytestmark = [pytest.mark.rasa, pytest.mark.redis]


def add_agent(monkeypatch, capsys, redis_url: str, prefix: str, name: str, skills: str = "general,orders",
              langs: str = "en,ko", capacity: int = 2) -> dict[str, str]:
    """Create an agent through the CLI, online as its console would report it until the test ends;
    `name` must be unique within the test run's prefix."""
    monkeypatch.setenv("SHOPASSIST_REDIS_URL", redis_url)
    monkeypatch.setenv("SHOPASSIST_KEY_PREFIX", prefix)
    assert cli(["agents", "add", name, "--skills", skills, "--langs", langs, "--capacity", str(capacity)]) == 0
    out = capsys.readouterr().out
    token = out.strip().splitlines()[-1]
    presence.online_for_this_test(redis_url, prefix, re.search(r"\bag_[0-9a-f]{12}\b", out).group())
    return {"Authorization": f"Bearer {token}"}


def enqueue(redis_url: str, prefix: str, conversation_id: str, **fields) -> str:
    async def run() -> str:
        redis = Redis.from_url(redis_url)
        try:
            ticket = await HandoffQueue(redis, prefix).enqueue(
                conversation_id, priority=fields.get("priority", 2), reasons=fields.get("reasons", ["request_human"]),
                skill=fields.get("skill", "general"), lang=fields.get("lang", "en"), segment="vip",
                context={"profile": {"name": "Jisoo Park"}, "reasons": ["request_human"]})
            return ticket.id
        finally:
            await redis.aclose()
    return asyncio.run(run())


def start(client) -> tuple[str, dict[str, str]]:
    data = client.post("/api/v1/conversations", json={"locale": "en"}).json()
    return data["conversation_id"], {"Authorization": f"Bearer {data['token']}"}


def wait_for_message(client, conversation_id, headers, predicate, timeout_s: float = 8.0) -> dict:
    def arrived() -> dict | None:
        messages = client.get(f"/api/v1/conversations/{conversation_id}/messages", headers=headers).json()["messages"]
        return next((message for message in messages if predicate(message)), None)

    return wait_until(arrived, "the expected message arriving", timeout_s=timeout_s, every_s=0.1)


def test_full_agent_cycle_with_one_owner_at_a_time(gateway, redis_url, key_prefix, monkeypatch, capsys):
    mina = add_agent(monkeypatch, capsys, redis_url, key_prefix, "Mina Gateway")
    conversation_id, shopper = start(gateway)
    url = f"/api/v1/conversations/{conversation_id}/messages"
    assert gateway.post(url, headers=shopper, json={"text": "hi"}).json()["mode"] == "bot"

    ticket_id = enqueue(redis_url, key_prefix, conversation_id)
    position = wait_for_message(gateway, conversation_id, shopper, lambda m: m.get("event") == "position")
    # other tests' tickets may wait in the same queue, so the place is whatever the queue says
    assert position["sender"] == "system" and position["position"] >= 1
    assert f"number {position['position']}" in position["text"]

    queued = gateway.post(url, headers=shopper, json={"text": "is anyone there?"}).json()
    # stored for the agent, never sent to Rasa, and acknowledged (at most once a minute)
    assert queued["mode"] == "queued" and [m.get("event") for m in queued["messages"]] == ["noted"]
    assert "agent will see it" in queued["messages"][0]["text"] and queued["messages"][0]["sender"] == "system"
    again = gateway.post(url, headers=shopper, json={"text": "hello?"}).json()
    assert again == {"messages": [], "mode": "queued"}

    listed = gateway.get("/api/v1/agent/queue", headers=mina).json()["tickets"]
    mine = next(t for t in listed if t["id"] == ticket_id)
    assert {"id", "priority", "reasons", "skill", "lang", "waiting_s", "segment"} <= set(mine)
    assert mine["reasons"] == ["request_human"] and mine["segment"] == "vip"

    claimed = gateway.post("/api/v1/agent/claim", headers=mina, json={"ticket_id": ticket_id})
    assert claimed.status_code == 200, claimed.text
    ticket = claimed.json()["ticket"]
    assert ticket["conversation_id"] == conversation_id and ticket["context"]["profile"]["name"] == "Jisoo Park"
    lease = {**mina, "X-Lease-Token": ticket["lease_token"]}

    joined = wait_for_message(gateway, conversation_id, shopper, lambda m: m.get("event") == "claimed")
    assert joined["agent_name"] == "Mina Gateway"

    sent = gateway.post(f"/api/v1/agent/tickets/{ticket_id}/messages", headers=lease,
                        json={"text": "Hi, I'm Mina. How can I help?"})
    assert sent.status_code == 200
    transcript = gateway.get(url, headers=shopper).json()
    assert transcript["mode"] == "agent"
    agent_message = next(m for m in transcript["messages"] if m["sender"] == "agent")
    assert agent_message["agent_name"] == "Mina Gateway" and agent_message["text"].startswith("Hi, I'm Mina")

    assert gateway.post(url, headers=shopper, json={"text": "my parcel is damaged"}).json()["mode"] == "agent"
    seen_by_agent = gateway.get(f"/api/v1/agent/tickets/{ticket_id}/messages", headers=mina).json()["messages"]
    senders = [m["sender"] for m in seen_by_agent]
    assert senders[:2] == ["shopper", "bot"] and "agent" in senders and senders[-1] == "shopper"
    assert not any(m["sender"] == "bot" for m in seen_by_agent[2:])  # the bot stayed out while queued

    assert gateway.post(f"/api/v1/agent/tickets/{ticket_id}/heartbeat", headers=lease).status_code == 200
    resolved = gateway.post(f"/api/v1/agent/tickets/{ticket_id}/resolve", headers=lease,
                            json={"code": "replacement_sent", "note": "new parcel shipped"})
    assert resolved.status_code == 200 and resolved.json()["ticket"]["state"] == "resolved"
    wait_for_message(gateway, conversation_id, shopper, lambda m: m.get("event") == "resolved")
    # the bot takes over again (Rasa's external intent) and asks for a rating
    rating = wait_for_message(gateway, conversation_id, shopper,
                              lambda m: m["sender"] == "bot" and "satisf" in m["text"])
    assert rating["buttons"]
    back = gateway.post(url, headers=shopper, json={"text": "hello"}).json()
    assert back["mode"] == "bot" and back["messages"][0]["sender"] == "bot"
    # the lease died with the ticket
    stale = gateway.post(f"/api/v1/agent/tickets/{ticket_id}/messages", headers=lease, json={"text": "late"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "lease_lost"


def test_bad_agent_requests_change_nothing(gateway, redis_url, key_prefix, monkeypatch, capsys):
    jun = add_agent(monkeypatch, capsys, redis_url, key_prefix, "Jun Gateway", skills="general", capacity=1)
    eve = add_agent(monkeypatch, capsys, redis_url, key_prefix, "Eve Gateway", skills="payments")
    conversation_id, shopper = start(gateway)
    ticket_id = enqueue(redis_url, key_prefix, conversation_id)

    assert gateway.get("/api/v1/agent/queue").status_code == 401
    refused = gateway.get("/api/v1/agent/queue", headers=shopper)  # a shopper token is no agent's
    assert refused.status_code == 403 and "shopper conversation token" in refused.json()["error"]["message"]
    for role in ("editor", "lead", "admin"):
        staff = add_staff(monkeypatch, capsys, redis_url, key_prefix, role, f"{role} on the agent API")
        refused = gateway.get("/api/v1/agent/queue", headers=staff)
        assert refused.status_code == 403 and f"this is a {role} token" in refused.json()["error"]["message"]
        assert gateway.get("/api/v1/agent/kb/search", params={"q": "refund"}, headers=staff).status_code == 403
    assert gateway.post("/api/v1/agent/claim", headers=eve, json={"ticket_id": ticket_id}).status_code == 409

    ticket = gateway.post("/api/v1/agent/claim", headers=jun, json={"ticket_id": ticket_id}).json()["ticket"]
    lease = {**jun, "X-Lease-Token": ticket["lease_token"]}
    assert gateway.post("/api/v1/agent/claim", headers=jun).status_code == 204  # at capacity

    cases = [
        (f"/api/v1/agent/tickets/{ticket_id}/messages", {**jun, "X-Lease-Token": "stale"}, {"text": "x"}, 409),
        (f"/api/v1/agent/tickets/{ticket_id}/messages", {**eve, "X-Lease-Token": ticket["lease_token"]},
         {"text": "x"}, 409),
        ("/api/v1/agent/tickets/t999999999/heartbeat", lease, None, 404),
        ("/api/v1/agent/tickets/nope/heartbeat", lease, None, 422),
        (f"/api/v1/agent/tickets/{ticket_id}/transfer", lease, {"skill": "astrology"}, 422),
        (f"/api/v1/agent/tickets/{ticket_id}/resolve", lease, {"code": "done", "note": "n" * 5000}, 422),
        (f"/api/v1/agent/tickets/{ticket_id}/resolve", lease, {"code": "Bad Code!"}, 422),
        (f"/api/v1/agent/tickets/{ticket_id}/resolve", jun, {"code": "done"}, 422),  # no lease header
        (f"/api/v1/agent/tickets/{ticket_id}/messages", lease, {"text": "x" * 2001}, 413),
    ]
    for path, headers, body, status in cases:
        response = gateway.post(path, headers=headers, json=body)
        assert response.status_code == status, (path, body, response.text)
        assert response.json()["error"]["message"]
    assert gateway.get(f"/api/v1/agent/tickets/{ticket_id}/messages", headers=eve).status_code == 403
    state = gateway.post(f"/api/v1/agent/tickets/{ticket_id}/heartbeat", headers=lease)
    assert state.status_code == 200  # still Jun's, lease intact
    transcript = gateway.get(f"/api/v1/conversations/{conversation_id}/messages", headers=shopper).json()
    assert not any(m["sender"] == "agent" for m in transcript["messages"])
    released = gateway.post(f"/api/v1/agent/tickets/{ticket_id}/release", headers=lease)
    assert released.json()["ticket"]["state"] == "waiting"


def test_an_agent_who_vanishes_loses_the_ticket_and_the_shopper_is_told(
        rasa_stack, redis_url, key_prefix, monkeypatch, capsys):
    prefix = f"{key_prefix}lease"
    settings = gateway_settings(rasa_stack, key_prefix=prefix, agent_lease_s=1.0)
    with TestClient(create_app(settings, redis_url)) as client:
        ghost = add_agent(monkeypatch, capsys, redis_url, prefix, "Ghost Gateway")
        conversation_id, shopper = start(client)
        ticket_id = enqueue(redis_url, prefix, conversation_id)
        ticket = client.post("/api/v1/agent/claim", headers=ghost).json()["ticket"]
        assert ticket["id"] == ticket_id
        # no heartbeat: the sweeper requeues it at its original place
        requeued = wait_for_message(client, conversation_id, shopper, lambda m: m.get("event") == "requeued")
        assert "keep your place" in requeued["text"]
        late = client.post(f"/api/v1/agent/tickets/{ticket_id}/messages",
                           headers={**ghost, "X-Lease-Token": ticket["lease_token"]}, json={"text": "back!"})
        assert late.status_code == 409
        assert client.get(f"/api/v1/conversations/{conversation_id}/messages",
                          headers=shopper).json()["mode"] == "queued"


def test_a_shopper_who_leaves_is_taken_out_of_the_queue(gateway, redis_url, key_prefix, monkeypatch, capsys):
    agent = add_agent(monkeypatch, capsys, redis_url, key_prefix, "Ara Gateway", skills="returns")
    conversation_id, shopper = start(gateway)
    ticket_id = enqueue(redis_url, key_prefix, conversation_id, skill="returns")
    assert any(t["id"] == ticket_id for t in gateway.get("/api/v1/agent/queue", headers=agent).json()["tickets"])
    left = gateway.post(f"/api/v1/conversations/{conversation_id}/leave", headers=shopper)
    assert left.json() == {"cancelled_ticket": ticket_id, "mode": "bot"}
    assert not any(t["id"] == ticket_id for t in gateway.get("/api/v1/agent/queue", headers=agent).json()["tickets"])
    assert gateway.post("/api/v1/agent/claim", headers=agent, json={"ticket_id": ticket_id}).status_code == 409
    again = gateway.post(f"/api/v1/conversations/{conversation_id}/leave", headers=shopper)
    assert again.json()["cancelled_ticket"] is None


def test_handback_resumes_the_bot_with_the_agents_facts_and_no_new_escalation(
        gateway, redis_url, key_prefix, monkeypatch, capsys):
    agent = add_agent(monkeypatch, capsys, redis_url, key_prefix, "Hana Gateway", skills="general,payments")
    conversation_id, shopper = start(gateway)
    url = f"/api/v1/conversations/{conversation_id}/messages"
    ticket_id = enqueue(redis_url, key_prefix, conversation_id)
    ticket = gateway.post("/api/v1/agent/claim", headers=agent, json={"ticket_id": ticket_id}).json()["ticket"]
    lease = {**agent, "X-Lease-Token": ticket["lease_token"]}
    handed = gateway.post(f"/api/v1/agent/tickets/{ticket_id}/handback", headers=lease,
                          json={"facts": {"refund_issued": True}, "note": "refunded the double charge"})
    assert handed.status_code == 200 and handed.json()["ticket"]["state"] == "handed_back"
    resumed = wait_for_message(gateway, conversation_id, shopper,
                               lambda m: m["sender"] == "bot" and "refund has been issued" in m["text"])
    assert "back with the ShopAssist bot" in resumed["text"]
    # within the cooldown a new request for a human is answered by the bot, not queued again
    again = gateway.post(url, headers=shopper, json={"text": "I want to talk to a human agent"}).json()
    assert again["mode"] == "bot"
    assert any("can't reopen" in m["text"] for m in again["messages"]), again


def test_the_cart_the_widget_reported_reaches_the_agents_context(gateway, redis_url, key_prefix,
                                                                  monkeypatch, capsys):
    agent = add_agent(monkeypatch, capsys, redis_url, key_prefix, "Cart Gateway", skills="general")
    conversation_id, shopper = start(gateway)
    event = {"type": "cart_update", "ts": time.time(), "page": {"url": "/demo/cart.html", "type": "cart"},
             "data": {"value": 129000, "items": 2}}
    accepted = gateway.post("/api/v1/events", headers=shopper,
                            json={"events": [event], "conversation_id": conversation_id})
    assert accepted.status_code == 200 and accepted.json()["accepted"] == 1, accepted.text
    reply = gateway.post(f"/api/v1/conversations/{conversation_id}/messages", headers=shopper,
                         json={"text": "I want to talk to a person"}).json()
    assert reply["mode"] == "queued", reply
    ticket_id = next(t["id"] for t in gateway.get("/api/v1/agent/queue", headers=agent).json()["tickets"]
                     if t["conversation_id"] == conversation_id)
    claimed = gateway.post("/api/v1/agent/claim", headers=agent, json={"ticket_id": ticket_id}).json()["ticket"]
    assert claimed["context"]["cart"]["value"] == 129000
