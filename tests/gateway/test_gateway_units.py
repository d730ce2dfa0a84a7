"""Unit tests of the gateway's small pieces: language, identity, settings, text cleaning."""

from __future__ import annotations

import pytest

from gateway import identity, language
from gateway.errors import Invalid, TooLarge
from gateway.settings import SettingsError, load_settings
from gateway.turns import clean_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("안녕하세요", "ko"),
        ("hello", "en"),
        ("Where is my order?", "en"),
        ("hi", None),  # too short to call it a switch
        ("ok", None),
        ("A-1234", None),  # an order number says nothing about language
        ("ORD20231105", None),
        ("😀😀😀", None),
        ("배송 언제 와요? where", "ko"),
        ("주문번호 A-1234 확인해 주세요", "ko"),
        ("my order 주문", "en"),  # more English than Korean: mixed text goes to the larger share
        ('/affirm{"choice":"yes"}', None),  # button payloads are language-neutral
    ],
)
def test_language_detection_needs_a_clear_signal(text, expected):
    assert language.detect(text) == expected


def test_user_hash_round_trip_and_forgery():
    digest = identity.user_hash("s3cret-s3cret-s3cret", "C1001")
    assert len(digest) == 64
    assert identity.verify("s3cret-s3cret-s3cret", "C1001", digest)
    assert identity.verify("s3cret-s3cret-s3cret", "C1001", digest.upper())
    assert not identity.verify("s3cret-s3cret-s3cret", "C1002", digest)
    assert not identity.verify("other-secret-other", "C1001", digest)


def test_settings_report_every_problem_at_once(monkeypatch):
    monkeypatch.setenv("SHOPASSIST_GATEWAY_PORT", "99999")
    monkeypatch.setenv("SHOPASSIST_LOG_LEVEL", "chatty")
    monkeypatch.setenv("SHOPASSIST_RASA_URL", "localhost:5005")
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    for name in ("SHOPASSIST_GATEWAY_PORT", "SHOPASSIST_LOG_LEVEL", "SHOPASSIST_RASA_URL"):
        assert name in message


def test_serving_requires_long_secrets():
    secrets = {"rasa_token": "t" * 32, "rasa_channel_secret": "c" * 32, "actions_token": "a" * 32,
               "identity_secret": "x" * 32}
    for name in ("rasa_token", "rasa_channel_secret", "actions_token", "identity_secret"):
        with pytest.raises(SettingsError, match=f"SHOPASSIST_{name.upper()}"):
            load_settings(_env_file=None, **{**secrets, name: "short"}).require_secrets()
    load_settings(_env_file=None, **secrets).require_secrets()


def test_clean_text_refuses_control_characters_by_name_and_position_and_enforces_bounds():
    assert clean_text("  hello\n ", 10) == "hello"
    assert clean_text("line1\nline2\tend", 100) == "line1\nline2\tend"
    assert clean_text("windows\r\nline\rold mac", 100) == "windows\nline\nold mac"  # a CR ends a line
    for text, named in (("a\x00b", "U+0000 at position 1"), ("ok\x1b[31m", "U+001B at position 2"),
                        ("\x7f", "U+007F at position 0"), ("c1\x85", "U+0085 at position 2")):
        with pytest.raises(Invalid, match=named.replace("+", r"\+")):
            clean_text(text, 100)
    with pytest.raises(Invalid, match="empty"):
        clean_text(" \n\t ", 10)
    with pytest.raises(TooLarge):
        clean_text("x" * 11, 10)


def test_signals_are_split_from_what_the_shopper_sees() -> None:
    from gateway.turn_signals import split_replies

    replies = [{"recipient_id": "c1", "text": "Here is our refund policy."},
               {"recipient_id": "c1", "custom": {"shopassist_signal": {"kind": "miss", "source": "kb_none"}}},
               {"recipient_id": "c1", "custom": {"other": 1}}]
    visible, signals = split_replies(replies)
    assert visible == [replies[0], replies[2]]
    assert signals == [{"kind": "miss", "source": "kb_none"}]
