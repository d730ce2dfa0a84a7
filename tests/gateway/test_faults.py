"""When a component is down the shopper gets 503 + Retry-After naming it, and nothing is lost.

Our delivery contract: a message is stored only together with the bot's reply.  A message
that meets a dead component is reported as not delivered (503) and stored nowhere; the
widget resends it with the same client_msg_id, which then goes through exactly once.
"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.ops.redis_server import free_port
from tests.conftest import gateway_settings
from tests.handoff.handoff_servers import RedisServer

pytestmark = [pytest.mark.rasa, pytest.mark.redis]


def _dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def _conversation(client: TestClient) -> tuple[str, dict[str, str]]:
    data = client.post("/api/v1/conversations", json={"locale": "en"}).json()
    return data["conversation_id"], {"Authorization": f"Bearer {data['token']}"}


@pytest.mark.parametrize("component", ["rasa", "actions"])
def test_dead_component_gives_503_naming_it_and_the_resend_goes_through_once(
        rasa_stack, redis_url, gateway, component):
    broken = gateway_settings(rasa_stack, **{f"{component}_url": _dead_url()})
    with TestClient(create_app(broken, redis_url)) as client:
        conversation_id, headers = _conversation(client)
        url = f"/api/v1/conversations/{conversation_id}/messages"
        response = client.post(url, headers=headers, json={"text": "hi", "client_msg_id": "c-1"})
        assert response.status_code == 503
        assert response.headers["Retry-After"].isdigit()
        assert component in response.json()["error"]["message"]
        assert client.get(url, headers=headers).json()["messages"] == []
        health = client.get("/healthz")
        assert health.status_code == 503 and not health.json()["components"][component]["ok"]
    # the path is back (same Redis, working gateway): the resend is processed exactly once
    resent = gateway.post(url, headers=headers, json={"text": "hi", "client_msg_id": "c-1"})
    assert resent.status_code == 200
    assert [m["sender"] for m in gateway.get(url, headers=headers).json()["messages"]] == ["shopper", "bot"]


def test_redis_down_for_ten_seconds_gives_503_then_recovers_with_nothing_lost(rasa_stack, tmp_path):
    server = RedisServer(tmp_path / "redis", "--appendonly", "yes", "--appendfsync", "always").start()
    try:
        with TestClient(create_app(gateway_settings(rasa_stack), server.url)) as client:
            conversation_id, headers = _conversation(client)
            url = f"/api/v1/conversations/{conversation_id}/messages"
            assert client.post(url, headers=headers, json={"text": "hello"}).status_code == 200
            server.kill()
            # ten seconds without Redis: every message is visibly rejected, none silently dropped
            outage_ends = time.monotonic() + 10
            while time.monotonic() < outage_ends:
                down = client.post(url, headers=headers, json={"text": "hi", "client_msg_id": "during-outage"})
                assert down.status_code == 503
                assert "redis" in down.json()["error"]["message"] and down.headers["Retry-After"].isdigit()
                time.sleep(1)
            assert client.get(url, headers=headers).status_code == 503
            assert client.get("/healthz").json()["components"]["redis"]["ok"] is False
            server.start()
            resent = client.post(url, headers=headers, json={"text": "hi", "client_msg_id": "during-outage"})
            assert resent.status_code == 200, resent.text
            texts = [m["text"] for m in client.get(url, headers=headers).json()["messages"]
                     if m["sender"] == "shopper"]
            assert texts == ["hello", "hi"]
    finally:
        server.stop()


def test_rate_limits_answer_429_with_retry_after(rasa_stack, redis_url, key_prefix):
    # its own key prefix (still under the run's), so other tests' requests do not count
    limited = gateway_settings(rasa_stack, conversations_per_minute=2, messages_per_minute=1,
                               key_prefix=f"{key_prefix}rl")
    with TestClient(create_app(limited, redis_url)) as client:
        conversation_id, headers = _conversation(client)
        url = f"/api/v1/conversations/{conversation_id}/messages"
        # fixed windows: even if a window rolls over mid-test, 2*limit+1 requests must meet a 429
        messages = [client.post(url, headers=headers, json={"text": "hi"}) for _ in range(3)]
        refused = [r for r in messages if r.status_code == 429]
        assert refused and int(refused[0].headers["Retry-After"]) >= 1
        assert all(r.status_code in (200, 429) for r in messages)
        created = [client.post("/api/v1/conversations", json={"locale": "en"}) for _ in range(4)]
        assert any(r.status_code == 429 and r.json()["error"]["code"] == "rate_limited" for r in created)
