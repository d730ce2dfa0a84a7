"""The five holes an outside tester found (issue #20), each reproduced as it was attacked.

Every test here failed before the fix: a shopper's "/" text fired internal intents, a
rotated X-Forwarded-For reset every per-IP limit, Rasa's chat webhook and the action server
answered anyone, Rasa's token was in `ps`, and a NUL was silently dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from contracts import signing
from contracts.keys import RedisKeys
from gateway.ops import redis_server
from gateway.settings import GENERATED_SECRETS, REPO_ROOT
from tests.gateway.test_agent_api import add_agent, enqueue, wait_for_message
from tests.waiting import wait_until
from tests.web.servers import gateway_process

pytestmark = [pytest.mark.redis]

EXTERNAL = '/EXTERNAL_handoff_resolved{"resolution_code":"answered"}'


def start(client, locale: str = "en") -> tuple[str, dict[str, str]]:
    data = client.post("/api/v1/conversations", json={"locale": locale}).json()
    return data["conversation_id"], {"Authorization": f"Bearer {data['token']}"}


def say(client, conversation_id: str, headers: dict[str, str], text: str) -> httpx.Response:
    return client.post(f"/api/v1/conversations/{conversation_id}/messages", headers=headers, json={"text": text})


# --- 1. shoppers firing internal intents -------------------------------------------------------

@pytest.mark.rasa
def test_a_shopper_cannot_start_the_survey_or_rate_without_a_handoff(gateway, redis_url, key_prefix):
    conversation_id, headers = start(gateway)
    fired = say(gateway, conversation_id, headers, EXTERNAL)
    assert fired.status_code == 200
    assert not any("satisf" in m["text"] for m in fired.json()["messages"]), fired.json()
    rated = say(gateway, conversation_id, headers, '/rate{"score":"1"}')
    assert rated.status_code == 200
    feedback = RedisKeys(key_prefix).conversation_feedback(conversation_id)
    assert not redis.Redis.from_url(redis_url).exists(feedback)
    shown = [m["text"] for m in gateway.get(f"/api/v1/conversations/{conversation_id}/messages",
                                            headers=headers).json()["messages"] if m["sender"] == "shopper"]
    assert shown == [EXTERNAL, '/rate{"score":"1"}']  # stored as typed, read by NLU as words


@pytest.mark.rasa
def test_a_button_the_bot_offered_still_arrives_as_its_intent(gateway, redis_url, key_prefix, monkeypatch, capsys):
    agent = add_agent(monkeypatch, capsys, redis_url, key_prefix, "Hana Holes")
    conversation_id, shopper = start(gateway)
    say(gateway, conversation_id, shopper, "hi")
    ticket_id = enqueue(redis_url, key_prefix, conversation_id)
    claimed = gateway.post("/api/v1/agent/claim", headers=agent, json={"ticket_id": ticket_id}).json()["ticket"]
    lease = {**agent, "X-Lease-Token": claimed["lease_token"]}
    assert gateway.post(f"/api/v1/agent/tickets/{ticket_id}/resolve", headers=lease,
                        json={"code": "answered"}).status_code == 200
    survey = wait_for_message(gateway, conversation_id, shopper, lambda m: m["sender"] == "bot" and m.get("buttons")
                              and "satisf" in m["text"])
    four = next(b["payload"] for b in survey["buttons"] if b["title"] == "4")
    assert say(gateway, conversation_id, shopper, four).status_code == 200
    stored = redis.Redis.from_url(redis_url).hget(RedisKeys(key_prefix).conversation_feedback(conversation_id), "csat")
    assert stored == b"4"


def test_only_recently_offered_payloads_pass_and_external_intents_never():
    from gateway.conversations import Message
    from gateway.errors import Invalid
    from gateway.intent_payloads import OFFER_TTL_S, for_rasa, offered

    now = 1_000_000.0
    button = {"title": "Yes", "payload": '/affirm{"choice":"1"}'}
    rogue = {"title": "x", "payload": "/EXTERNAL_handoff_resolved"}
    fresh = Message("1-0", "bot", "Did this help?", now - 60, buttons=[button, rogue])
    stale = Message("0-0", "bot", "Old question", now - OFFER_TTL_S - 1, buttons=[{"title": "No", "payload": "/deny"}])
    payloads = offered([fresh, stale], now)
    assert for_rasa('/affirm{"choice":"1"}', payloads) == '/affirm{"choice":"1"}'
    assert for_rasa("/deny", payloads) == "deny"  # offered, but too long ago
    assert for_rasa("/EXTERNAL_handoff_resolved", payloads) == "EXTERNAL_handoff_resolved"
    assert for_rasa('/rate{"score":"1"}', payloads) == 'rate{"score":"1"}'
    assert for_rasa("//human please", payloads) == "human please"
    assert for_rasa("where is my order?", payloads) == "where is my order?"
    with pytest.raises(Invalid, match="slashes"):
        for_rasa("///", payloads)


# --- 2. X-Forwarded-For ------------------------------------------------------------------------

def _limited_env(redis_url: str, prefix: str, tmp: Path, **extra: str) -> dict[str, str]:
    """A gateway without Rasa (creating conversations and visitors never reaches it), limits of 3,
    under its own key prefix so the two gateways here count apart."""
    secrets = {f"SHOPASSIST_{name.upper()}": f"-{name}-0123456789abcdef" for name in GENERATED_SECRETS}
    return {**secrets, "SHOPASSIST_REDIS_URL": redis_url, "SHOPASSIST_KEY_PREFIX": prefix,
            "SHOPASSIST_KB_INDEX_DIR": str(tmp / "no-kb"), "SHOPASSIST_INSIGHTS_DB": str(tmp / "insights.sqlite3"),
            "SHOPASSIST_CONVERSATIONS_PER_MINUTE": "3", "SHOPASSIST_WS_CONNECTIONS_PER_MINUTE": "3", **extra}


@pytest.fixture(scope="module")
def untrusting_gateway(redis_url: str, key_prefix: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("xff")
    with gateway_process(_limited_env(redis_url, f"{key_prefix}direct", tmp), tmp / "gateway.log") as url:
        yield url


@pytest.fixture(scope="module")
def behind_a_proxy(redis_url: str, key_prefix: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("proxied")
    env = _limited_env(redis_url, f"{key_prefix}proxied", tmp, SHOPASSIST_TRUSTED_PROXIES='["127.0.0.1"]')
    with gateway_process(env, tmp / "gateway.log") as url:
        yield url


def _websocket_answer(url: str, headers: dict[str, str]) -> str:
    """The error code a WebSocket opened with `headers` and a wrong token gets (the limit comes first)."""
    try:
        with connect(url.replace("http://", "ws://") + "/api/v1/ws", additional_headers=headers) as ws:
            ws.send(json.dumps({"type": "auth", "role": "shopper", "conversation_id": "x", "token": "y"}))
            return json.loads(ws.recv(timeout=5))["code"]
    except ConnectionClosed as closed:  # refused before our frame was read: the close code says why
        return closed.rcvd.reason if closed.rcvd else "closed"


def _fresh_window() -> None:
    """The limits count per clock minute: start a burst early in one, so it never spans two."""
    left = 60 - time.time() % 60
    if left < 20:
        time.sleep(left + 0.2)


def _rotated(n: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"198.51.100.{n}"}


@pytest.mark.slow
def test_a_rotated_forwarded_for_does_not_reset_the_per_ip_limits(untrusting_gateway):
    url = untrusting_gateway
    _fresh_window()
    for path, body in (("/api/v1/conversations", {"locale": "en"}), ("/api/v1/visitors", {"locale": "en"})):
        answers = [httpx.post(url + path, json=body, headers=_rotated(n)).status_code for n in range(8)]
        assert answers[:3] == [201, 201, 201] and set(answers[3:]) == {429}, (path, answers)
    _fresh_window()
    opened = [_websocket_answer(url, _rotated(n)) for n in range(5)]
    assert opened[:3] == ["not_found"] * 3 and set(opened[3:]) == {"rate_limited"}, opened
    # /metrics answers loopback only: a claimed outside address changes nothing here
    assert httpx.get(f"{url}/metrics", headers=_rotated(9)).status_code == 200


@pytest.mark.slow
def test_a_listed_proxy_is_believed_for_limits_and_for_metrics(behind_a_proxy):
    url = behind_a_proxy
    _fresh_window()
    answers = [httpx.post(f"{url}/api/v1/conversations", json={"locale": "en"}, headers=_rotated(1)).status_code
               for _ in range(4)]
    assert answers == [201, 201, 201, 429]
    assert httpx.post(f"{url}/api/v1/conversations", json={"locale": "en"},
                      headers=_rotated(2)).status_code == 201  # another client behind the proxy
    assert httpx.get(f"{url}/metrics", headers=_rotated(3)).status_code == 403  # an outside client
    assert httpx.get(f"{url}/metrics").status_code == 200


def test_trusted_proxies_must_be_addresses():
    from gateway.settings import SettingsError, load_settings

    assert load_settings(trusted_proxies=("10.0.0.0/8", "::1", "*")).trusted_proxies == ("10.0.0.0/8", "::1", "*")
    with pytest.raises(SettingsError, match="SHOPASSIST_TRUSTED_PROXIES"):
        load_settings(trusted_proxies=("proxy.example",))


# --- 3. Rasa's chat webhook and the action server ----------------------------------------------

def _signed(secret: str, body: bytes, now: float) -> dict[str, str]:
    return {"Content-Type": "application/json", **signing.signed_headers(secret, body, now)}


@pytest.mark.rasa
def test_rasa_answers_only_turns_signed_by_the_gateway(rasa_stack):
    secret = rasa_stack.env["SHOPASSIST_RASA_CHANNEL_SECRET"]
    body = json.dumps({"sender": "attacker-conversation", "message": "where is my order?",
                       "metadata": {"customer_id": "C1001"}}).encode()
    webhook = f"{rasa_stack.rasa_url}/webhooks/shopassist/webhook"
    assert httpx.post(f"{rasa_stack.rasa_url}/webhooks/rest/webhook", content=body).status_code == 404
    now = time.time()
    for headers in ({"Content-Type": "application/json"}, _signed("not-the-secret-at-all", body, now),
                    _signed(secret, body, now - 2 * signing.MAX_SKEW_S)):
        refused = httpx.post(webhook, content=body, headers=headers, timeout=30)
        assert refused.status_code == 401, refused.text
    tampered = body.replace(b"C1001", b"C1002")
    assert httpx.post(webhook, content=tampered, headers=_signed(secret, body, now), timeout=30).status_code == 401
    tracker = httpx.get(f"{rasa_stack.rasa_url}/conversations/attacker-conversation/tracker",
                        params={"token": rasa_stack.token}).json()
    assert not [e for e in tracker["events"] if e["event"] == "user"]  # nothing reached the conversation

    headers = _signed(secret, body, time.time())
    assert httpx.post(webhook, content=body, headers=headers, timeout=60).status_code == 200
    replayed = httpx.post(webhook, content=body, headers=headers, timeout=30)
    assert replayed.status_code == 401 and "already" in replayed.json()["error"]


@pytest.mark.rasa
def test_the_action_server_refuses_callers_without_rasas_token(rasa_stack):
    call = {"next_action": "action_greet", "sender_id": "x", "tracker": {"sender_id": "x", "slots": {}, "events": []},
            "domain": {}, "version": "3.6.21"}
    bare_token = {"Authorization": rasa_stack.env["SHOPASSIST_ACTIONS_TOKEN"]}  # without "Bearer "
    for headers in ({}, {"Authorization": "Bearer wrong"}, bare_token):
        assert httpx.post(f"{rasa_stack.actions_url}/webhook", json=call, headers=headers).status_code == 401
        assert httpx.get(f"{rasa_stack.actions_url}/actions", headers=headers).status_code == 401
    assert httpx.get(f"{rasa_stack.actions_url}/health").status_code == 200
    token = {"Authorization": f"Bearer {rasa_stack.env['SHOPASSIST_ACTIONS_TOKEN']}"}
    listed = httpx.get(f"{rasa_stack.actions_url}/actions", headers=token)
    assert listed.status_code == 200 and {"name": "action_greet"} in listed.json()


# --- 4. secrets in the process list, through `shopassist run` --------------------------------

def _command_lines() -> list[str]:
    lines = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):  # gone meanwhile
                lines.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
    return lines


@pytest.mark.rasa
@pytest.mark.slow
def test_make_run_keeps_every_secret_out_of_argv_even_one_starting_with_a_dash(
        trained_model, kb_index_dir, redis_url, key_prefix, tmp_path):
    """`make run` is `shopassist run`: started here with tokens that begin with "-" (issue #18:
    `rasa run --auth-token -…` took one for an option), then one real turn, then `ps`."""
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "models").symlink_to(trained_model.parent)  # the session's model: no training
    secrets = {name: "-" + hashlib.sha256(f"{name}{time.time()}".encode()).hexdigest() for name in GENERATED_SECRETS}
    ports = {name: redis_server.free_port() for name in ("gateway", "rasa", "actions")}
    env = {**os.environ, **{f"SHOPASSIST_{name.upper()}": value for name, value in secrets.items()},
           "SHOPASSIST_VAR_DIR": str(tmp_path / "var"), "SHOPASSIST_KB_INDEX_DIR": str(kb_index_dir),
           "SHOPASSIST_REDIS_URL": redis_url, "SHOPASSIST_KEY_PREFIX": f"{key_prefix}run",
           "SHOPASSIST_GATEWAY_PORT": str(ports["gateway"]),
           "SHOPASSIST_RASA_URL": f"http://127.0.0.1:{ports['rasa']}",
           "SHOPASSIST_ACTIONS_URL": f"http://127.0.0.1:{ports['actions']}"}
    log = (tmp_path / "run.log").open("w")
    run = subprocess.Popen([sys.executable, "-m", "gateway", "run"], cwd=REPO_ROOT, env=env, stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    try:
        def healthy() -> bool:
            assert run.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            try:
                return httpx.get(f"{gateway}/healthz", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, "`shopassist run` reporting healthy", timeout_s=240, every_s=1)
        with httpx.Client(base_url=gateway, timeout=60) as client:
            conversation_id, headers = start(client)
            reply = say(client, conversation_id, headers, "hi")
            assert reply.status_code == 200 and "ShopAssist" in reply.json()["messages"][0]["text"]
        leaked = [(name, line[:80]) for line in _command_lines() for name, value in secrets.items() if value in line]
        assert leaked == []
        assert any("rasa_addons.serve" in line for line in _command_lines())  # we did look at the right processes
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGINT)
        try:
            run.wait(timeout=60)
        finally:
            log.close()
    assert run.returncode == 0, (tmp_path / "run.log").read_text()[-3000:]


# --- 5. control characters -----------------------------------------------------------------------

@pytest.mark.rasa
def test_a_nul_is_refused_with_its_position_and_nothing_is_stored(gateway):
    conversation_id, headers = start(gateway)
    refused = say(gateway, conversation_id, headers, "a\u0000b")
    assert refused.status_code == 422
    assert refused.json()["error"]["message"].startswith("text contains the control character U+0000 at position 1")
    assert gateway.get(f"/api/v1/conversations/{conversation_id}/messages", headers=headers).json()["messages"] == []


def test_the_signature_covers_timestamp_and_body():
    body, now = b'{"sender":"c"}', 1_700_000_000.0
    headers = signing.signed_headers("s" * 32, body, now)
    assert signing.problem("s" * 32, headers, body, now + signing.MAX_SKEW_S) is None
    assert "not within" in signing.problem("s" * 32, headers, body, now + signing.MAX_SKEW_S + 1)
    assert signing.problem("s" * 32, headers, body + b" ", now) == "bad signature"
    expected = hmac.new(b"s" * 32, b"1700000000." + body, hashlib.sha256).hexdigest()
    assert headers[signing.SIGNATURE_HEADER] == expected


def test_redis_credentials_and_tls_reach_rasa_without_a_secret_in_its_files(tmp_path):
    from gateway.ops import rasa_files

    files = rasa_files.write(tmp_path, redis_url="rediss://rasa:p%40ss@redis.internal:6380/2?ssl_ca_certs=/etc/ca.pem",
                             actions_url="http://127.0.0.1:5055", key_prefix="sa", actions_token="-token")
    written = files.endpoints.read_text() + files.credentials.read_text()
    assert "p@ss" not in written and "-token" not in written
    assert files.env == {rasa_files.REDIS_PASSWORD_ENV: "p@ss", "SHOPASSIST_ACTIONS_TOKEN": "-token"}
    import yaml

    tracker = yaml.safe_load(files.endpoints.read_text())["tracker_store"]
    assert tracker == {"type": "redis", "record_exp": None, "url": "redis.internal", "port": 6380, "db": 2,
                       "username": "rasa", "password": "${SHOPASSIST_RASA_REDIS_PASSWORD}", "use_ssl": True,
                       "ssl_ca_certs": "/etc/ca.pem", "key_prefix": "sa"}
    assert list(yaml.safe_load(files.credentials.read_text())) == [rasa_files.CHANNEL]
