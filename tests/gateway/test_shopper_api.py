"""The shopper REST API v1 end to end: gateway → Rasa → action server → back, on real parts."""

from __future__ import annotations

import pytest

from gateway import identity

pytestmark = [pytest.mark.rasa, pytest.mark.redis]

GREETING_EN = "Hi! I'm the ShopAssist bot"
GREETING_KO = "안녕하세요! ShopAssist 챗봇입니다"


def start(gateway, locale: str = "en", **body) -> tuple[str, dict[str, str]]:
    response = gateway.post("/api/v1/conversations", json={"locale": locale, **body})
    assert response.status_code == 201, response.text
    data = response.json()
    return data["conversation_id"], {"Authorization": f"Bearer {data['token']}"}


def say(gateway, conversation_id: str, headers: dict[str, str], text: str, **extra):
    return gateway.post(f"/api/v1/conversations/{conversation_id}/messages", headers=headers,
                        json={"text": text, **extra})


def test_hi_gets_an_english_greeting_from_the_action_server(gateway):
    conversation_id, headers = start(gateway, "en")
    response = say(gateway, conversation_id, headers, "hi")
    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "bot"
    assert [m["sender"] for m in body["messages"]] == ["bot"]
    assert body["messages"][0]["text"].startswith(GREETING_EN)


def test_korean_greeting_is_answered_in_korean_even_in_an_english_conversation(gateway):
    conversation_id, headers = start(gateway, "en")
    response = say(gateway, conversation_id, headers, "안녕하세요")
    assert response.json()["messages"][0]["text"].startswith(GREETING_KO)


def test_korean_locale_greets_in_korean(gateway):
    conversation_id, headers = start(gateway, "ko")
    assert say(gateway, conversation_id, headers, "안녕하세요").json()["messages"][0]["text"].startswith(GREETING_KO)


def test_transcript_holds_both_sides_in_order_and_after_is_exclusive(gateway):
    conversation_id, headers = start(gateway, "en")
    first = say(gateway, conversation_id, headers, "hello").json()["messages"]
    say(gateway, conversation_id, headers, "안녕하세요")
    transcript = gateway.get(f"/api/v1/conversations/{conversation_id}/messages", headers=headers).json()
    assert [m["sender"] for m in transcript["messages"]] == ["shopper", "bot", "shopper", "bot"]
    assert [m["text"] for m in transcript["messages"]][::2] == ["hello", "안녕하세요"]
    ids = [m["id"] for m in transcript["messages"]]
    assert ids == sorted(ids, key=lambda i: tuple(map(int, i.split("-"))))
    later = gateway.get(f"/api/v1/conversations/{conversation_id}/messages",
                        params={"after": first[-1]["id"]}, headers=headers).json()["messages"]
    assert [m["text"] for m in later][0] == "안녕하세요"
    assert len(later) == 2


def test_repeated_client_msg_id_is_answered_from_storage_not_processed_twice(gateway):
    conversation_id, headers = start(gateway, "en")
    first = say(gateway, conversation_id, headers, "hi", client_msg_id="m-1").json()
    second = say(gateway, conversation_id, headers, "hi", client_msg_id="m-1").json()
    assert first == second
    transcript = gateway.get(f"/api/v1/conversations/{conversation_id}/messages", headers=headers).json()
    assert [m["sender"] for m in transcript["messages"]] == ["shopper", "bot"]
    assert transcript["messages"][0]["client_msg_id"] == "m-1"


def test_identified_customer_needs_a_valid_user_hash(gateway, rasa_stack):
    secret = rasa_stack.env["SHOPASSIST_IDENTITY_SECRET"]
    good = identity.user_hash(secret, "C1001")
    assert gateway.post("/api/v1/conversations",
                        json={"locale": "en", "customer_id": "C1001", "user_hash": good}).status_code == 201
    forged = identity.user_hash("not-the-secret", "C1001")
    refused = gateway.post("/api/v1/conversations",
                           json={"locale": "en", "customer_id": "C1001", "user_hash": forged})
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
    assert gateway.post("/api/v1/conversations", json={"locale": "en", "customer_id": "C1001"}).status_code == 401


def test_missing_wrong_and_foreign_tokens_are_refused_without_leaking(gateway):
    mine, my_headers = start(gateway)
    theirs, their_headers = start(gateway)
    url = f"/api/v1/conversations/{mine}/messages"
    missing = gateway.post(url, json={"text": "hi"})
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    wrong = gateway.post(url, json={"text": "hi"}, headers={"Authorization": "Bearer nope"})
    foreign = gateway.get(url, headers=their_headers)
    unknown = gateway.get("/api/v1/conversations/0123456789abcdef/messages", headers=my_headers)
    assert wrong.status_code == foreign.status_code == unknown.status_code == 404
    assert wrong.json() == foreign.json() == unknown.json()
    assert gateway.get(url, headers=my_headers).json()["messages"] == []  # nothing was stored by them


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 422, "invalid"),
        ({"text": "   \n\t "}, 422, "invalid"),
        ({"text": "x" * 2001}, 413, "too_large"),
        ({"text": "hi", "colour": "red"}, 422, "invalid"),
        ({"text": 5}, 422, "invalid"),
        ({}, 422, "invalid"),
        ({"text": "hi", "client_msg_id": "has spaces"}, 422, "invalid"),
    ],
)
def test_bad_messages_get_clear_errors_and_store_nothing(gateway, body, status, code):
    conversation_id, headers = start(gateway)
    response = gateway.post(f"/api/v1/conversations/{conversation_id}/messages", headers=headers, json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert gateway.get(f"/api/v1/conversations/{conversation_id}/messages", headers=headers).json()["messages"] == []


def test_text_of_exactly_the_limit_is_accepted_and_control_characters_are_refused(gateway):
    conversation_id, headers = start(gateway)
    assert say(gateway, conversation_id, headers, "a" * 2000).status_code == 200
    refused = say(gateway, conversation_id, headers, "a\u0000b")  # issue #20: it was stored as "ab"
    assert refused.status_code == 422, refused.text
    assert "U+0000 at position 1" in refused.json()["error"]["message"]
    shopper = [m["text"] for m in gateway.get(f"/api/v1/conversations/{conversation_id}/messages",
                                              headers=headers).json()["messages"] if m["sender"] == "shopper"]
    assert shopper == ["a" * 2000]


def test_malformed_json_and_bad_create_bodies(gateway):
    malformed = gateway.post("/api/v1/conversations", content=b"{not json",
                             headers={"content-type": "application/json"})
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed_json"
    for body in ({"locale": "fr"}, {"locale": "en", "extra": 1}, {"locale": "en", "user_hash": "a" * 64},
                 {"locale": "en", "page": {"url": "/", "type": "spaceship"}}):
        response = gateway.post("/api/v1/conversations", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "invalid"


def test_after_must_be_a_message_id(gateway):
    conversation_id, headers = start(gateway)
    response = gateway.get(f"/api/v1/conversations/{conversation_id}/messages", params={"after": "x"},
                           headers=headers)
    assert response.status_code == 422


def test_oversized_body_is_refused_before_parsing(gateway):
    conversation_id, headers = start(gateway)
    response = gateway.post(f"/api/v1/conversations/{conversation_id}/messages", headers=headers,
                            json={"text": "x" * 70_000})
    assert response.status_code == 413


def test_healthz_reports_every_component_with_latency(gateway):
    response = gateway.get("/healthz")
    assert response.status_code == 200, response.text
    components = response.json()["components"]
    assert set(components) == {"redis", "rasa", "actions", "kb"}
    assert all(c["ok"] and c["latency_ms"] >= 0 for c in components.values())


def test_openapi_lists_the_shopper_api(gateway):
    paths = gateway.get("/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/conversations"]
    assert {"get", "post"} <= set(paths["/api/v1/conversations/{conversation_id}/messages"])
    assert "get" in paths["/healthz"]
    assert gateway.get("/docs").status_code == 200
