"""Personal data typed into the chat never reaches the logs unmasked, even at DEBUG (which logs turn text)."""

from __future__ import annotations

import io
import json
import logging

import pytest

from gateway import logs

pytestmark = [pytest.mark.rasa, pytest.mark.redis]


def test_a_turn_with_an_email_and_a_phone_is_logged_masked(gateway) -> None:  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    handler = logs.handler(stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        created = gateway.post("/api/v1/conversations", json={"locale": "en"}).json()
        response = gateway.post(f"/api/v1/conversations/{created['conversation_id']}/messages",
                                headers={"Authorization": f"Bearer {created['token']}"},
                                json={"text": "reach me at jo.kim@mail.example or 010-1234-5678 please"})
        assert response.status_code == 200
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    turn = [line for line in lines if line["msg"] == "turn text" and line.get("conversation_id") == created[
        "conversation_id"]]
    assert turn and "[email]" in turn[0]["text"] and "[phone]" in turn[0]["text"]
    assert "jo.kim@mail.example" not in stream.getvalue() and "010-1234-5678" not in stream.getvalue()
    assert any(line["msg"] == "turn" and line["conversation_id"] == created["conversation_id"] for line in lines)


def test_masking_reaches_extra_fields_and_exceptions_but_not_ids() -> None:
    stream = io.StringIO()
    log = logging.getLogger("tests.masking")
    log.addHandler(logs.handler(stream))
    log.propagate = False
    try:
        raise ValueError("bad card 4111 1111 1111 1111")
    except ValueError:
        log.exception("failed for %s", "kim@mail.example", extra={"conversation_id": "0101234567ab",
                                                                    "note": {"contact": "+82 10-9876-5432"}})
    entry = json.loads(stream.getvalue())
    assert entry["msg"] == "failed for [email]" and entry["note"] == {"contact": "[phone]"}
    assert "[card]" in entry["exc"] and "4111" not in entry["exc"]
    assert entry["conversation_id"] == "0101234567ab"
