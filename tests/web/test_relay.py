"""Live relay across instances: two gateway processes share Redis; a shopper on one and an
agent on the other exchange messages and typing indicators over the WebSocket protocol."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.gateway.test_agent_api import add_agent, enqueue
from tests.web.servers import gateway_env_without_rasa, gateway_process

pytestmark = [pytest.mark.redis, pytest.mark.slow]


@pytest.fixture(scope="module")
def two_gateways(redis_url: str, key_prefix: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """No Rasa is needed: a queued conversation's messages never reach it."""
    tmp = tmp_path_factory.mktemp("gateways")
    env = gateway_env_without_rasa(redis_url, key_prefix, tmp, SHOPASSIST_CORS_ORIGINS='["https://shop.example"]')
    with ExitStack() as stack:
        yield [stack.enter_context(gateway_process(env, tmp / f"gateway{n}.log")) for n in (1, 2)]


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/api/v1/ws"


def next_frame(ws: ClientConnection, predicate, timeout_s: float = 5.0) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while True:
        frame = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if predicate(frame):
            return frame


def is_message(sender: str, text: str):  # type: ignore[no-untyped-def]
    return lambda f: f["type"] == "message" and f["message"]["sender"] == sender and f["message"]["text"] == text


def test_shopper_and_agent_on_different_instances_talk_live(two_gateways, redis_url, key_prefix,
                                                           monkeypatch, capsys):
    shopper_gw, agent_gw = two_gateways
    agent = add_agent(monkeypatch, capsys, redis_url, key_prefix, "Relay Mina")
    created = httpx.post(f"{shopper_gw}/api/v1/conversations", json={"locale": "en"}).json()
    ticket_id = enqueue(redis_url, key_prefix, created["conversation_id"])
    claimed = httpx.post(f"{agent_gw}/api/v1/agent/claim", headers=agent, json={"ticket_id": ticket_id}).json()
    lease = claimed["ticket"]["lease_token"]

    with connect(ws_url(shopper_gw)) as shopper, connect(ws_url(agent_gw)) as desk:
        shopper.send(json.dumps({"type": "auth", "role": "shopper", "conversation_id": created["conversation_id"],
                                 "token": created["token"]}))
        assert next_frame(shopper, lambda f: f["type"] == "ready")["mode"] == "agent"
        desk.send(json.dumps({"type": "auth", "role": "agent", "token": agent["Authorization"][7:],
                              "ticket_id": ticket_id, "lease_token": lease}))
        next_frame(desk, lambda f: f["type"] == "ready")

        desk.send(json.dumps({"type": "typing", "on": True}))
        typing = next_frame(shopper, lambda f: f["type"] == "typing")
        assert typing == {"type": "typing", "sender": "agent", "name": "Relay Mina", "on": True}

        for _ in range(2):  # a resend of the same client_msg_id is stored once
            desk.send(json.dumps({"type": "message", "text": "Hi, Mina here", "client_msg_id": "a-1"}))
        reply = next_frame(shopper, is_message("agent", "Hi, Mina here"))["message"]
        assert reply["agent_name"] == "Relay Mina"  # pushed over the socket, no polling

        for _ in range(2):  # the widget resends what was not acknowledged; stored once
            shopper.send(json.dumps({"type": "message", "text": "Thanks!", "client_msg_id": "s-1"}))
            assert next_frame(shopper, lambda f: f["type"] == "ack") == {"type": "ack", "client_msg_id": "s-1",
                                                                           "mode": "agent"}
        next_frame(desk, is_message("shopper", "Thanks!"))

    transcript = httpx.get(f"{agent_gw}/api/v1/conversations/{created['conversation_id']}/messages",
                           headers={"Authorization": f"Bearer {created['token']}"}).json()["messages"]
    assert [m["text"] for m in transcript if m["sender"] != "system"] == ["Hi, Mina here", "Thanks!"]


def test_websocket_refuses_strangers(two_gateways):
    created = httpx.post(f"{two_gateways[0]}/api/v1/conversations", json={"locale": "en"}).json()
    for hello, code in [
        ({"type": "auth", "role": "shopper", "conversation_id": created["conversation_id"], "token": "wrong"}, 4404),
        ({"type": "auth", "role": "agent", "token": "nope", "ticket_id": "t", "lease_token": "l"}, 4401),
        ({"type": "message", "text": "hi"}, 4401),
    ]:
        with connect(ws_url(two_gateways[1])) as ws:
            ws.send(json.dumps(hello))
            assert next_frame(ws, lambda f: f["type"] == "error")["code"] in ("not_found", "unauthorized")
            with pytest.raises(Exception):  # noqa: B017 - closed by the server with the code below
                ws.recv(timeout=2)
            assert ws.close_code == code


def test_security_headers_and_cors_allow_list(two_gateways):
    page = httpx.get(f"{two_gateways[0]}/agent/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    preflight = httpx.options(f"{two_gateways[0]}/api/v1/conversations", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    allowed = httpx.options(f"{two_gateways[0]}/api/v1/events", headers={
        "Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-conversation-token"})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == "https://shop.example"
    assert httpx.get(f"{two_gateways[0]}/api/v1/agent/kb/search", params={"q": "refund"}).status_code == 401


def test_a_websocket_from_a_foreign_origin_is_refused(two_gateways):
    shopper_gw, _ = two_gateways
    with pytest.raises(InvalidStatus):
        connect(ws_url(shopper_gw), origin="https://evil.example").close()
    own = shopper_gw  # the gateway's own pages may connect
    with connect(ws_url(shopper_gw), origin=own) as ws:
        ws.send(json.dumps({"type": "auth", "role": "shopper", "conversation_id": "x", "token": "y"}))
        assert next_frame(ws, lambda f: f["type"] == "error")["code"] == "not_found"
