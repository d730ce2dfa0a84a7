"""Actions never crash: a failing dependency is told to the shopper plainly and logged with
the conversation id; bad input gets a sensible reply.  Runs the actions in-process on a
hand-built tracker, with the runtime's dependencies replaced."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.answers import ActionAnswerFaq
from actions.contact_details import contact_in
from actions.feedback import sampled_for_nps
from actions.orders import ActionOrderStatus
from actions.shop import ShopUnavailable
from actions.turn import order_id_in
from contracts.settings import SettingError
from contracts.signals import SIGNAL_KEY


def tracker(text: str, intent: str, customer_id: str | None = "C0002", language: str = "en",
            slots: dict[str, Any] | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.97}, "entities": [],
              "metadata": {"customer_id": customer_id, "language": language}}
    return Tracker("conv-failure-test", {"language": language, **(slots or {})}, latest,
                   [{"event": "user", "text": text, "parse_data": latest, "metadata": latest["metadata"]}],
                   False, None, None, "action_listen")


@pytest.fixture(autouse=True)
def no_background_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests replace the knowledge base; the real one must not start loading behind them."""
    monkeypatch.setattr(runtime, "warm_up_soon", lambda: None)


class DownShop:
    async def orders(self, *_: Any, **__: Any) -> Any:
        raise ShopUnavailable("connection refused")

    order = customer = orders


async def run(action: Any, track: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, track, {})
    # what the shopper sees: turn signals (actions/signals.py) ride along for the gateway only
    return [m for m in dispatcher.messages if SIGNAL_KEY not in (m.get("custom") or {})], events


async def test_shop_down_is_told_plainly_and_logged(monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(runtime, "shop", lambda: DownShop())
    with caplog.at_level(logging.ERROR):
        track = tracker("where is ORD-100004?", "order_status", language="ko")
        messages, _ = await run(ActionOrderStatus(), track)
    assert len(messages) == 1 and "주문 시스템" in messages[0]["text"]
    record = next(r for r in caplog.records if "dependency unavailable" in r.getMessage())
    assert record.conversation_id == "conv-failure-test"  # type: ignore[attr-defined]


async def test_kb_not_loaded_is_told_plainly(monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture, tmp_path: Any) -> None:
    from kb_index import KnowledgeBase

    async def empty_kb() -> KnowledgeBase:
        kb = KnowledgeBase(tmp_path)  # no index was ever built here
        kb.reload()
        return kb

    monkeypatch.setattr(runtime, "knowledge_base", empty_kb)
    with caplog.at_level(logging.ERROR):
        messages, _ = await run(ActionAnswerFaq(), tracker("how long do refunds take?", "faq"))
    assert "help articles are unavailable" in messages[0]["text"]
    assert any(getattr(r, "conversation_id", None) == "conv-failure-test" for r in caplog.records)


async def test_unexpected_bug_still_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Any:
        raise ZeroDivisionError

    monkeypatch.setattr(runtime, "shop", broken)
    messages, _ = await run(ActionOrderStatus(), tracker("where is ORD-100004?", "order_status"))
    assert "something went wrong" in messages[0]["text"]


@pytest.mark.parametrize(("text", "expected"), [
    ("ORD-100123", "ORD-100123"), ("ord100123", "ORD-100123"), ("주문번호 ORD-100045이에요", "ORD-100045"),
    ("100090이요", "ORD-100090"), ("010-1234-5678", None), ("I paid 1000000 won", None), ("🙂🙂", None),
])
def test_order_numbers(text: str, expected: str | None) -> None:
    assert order_id_in(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("jane.doe@example.com", {"email": "jane.doe@example.com"}),
    ("메일은 minji@example.co.kr 이에요", {"email": "minji@example.co.kr"}),
    ("010-1234-5678", {"phone": "01012345678"}), ("+82 10 5555 1234", {"phone": "+821055551234"}),
    ("jane@", None), ("jane@example", None), ("12345", None), ("call me maybe", None),
])
def test_contact_validation(text: str, expected: dict[str, str] | None) -> None:
    assert contact_in(text) == expected


def test_nps_sampling_is_a_share() -> None:
    sampled = sum(sampled_for_nps(f"conv-{i}", 0.3) for i in range(2000))
    assert 500 < sampled < 700
    assert not any(sampled_for_nps(f"conv-{i}", 0.0) for i in range(100))
    assert all(sampled_for_nps(f"conv-{i}", 1.0) for i in range(100))


def test_support_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    monkeypatch.setenv("SHOPASSIST_SUPPORT_HOURS", "09-18")
    monkeypatch.setenv("SHOPASSIST_SUPPORT_TIMEZONE", "Asia/Seoul")
    runtime.settings.cache_clear()
    try:
        assert runtime.support_open(dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC))  # 10:00 in Seoul
        assert not runtime.support_open(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC))  # 21:00 in Seoul
        monkeypatch.setenv("SHOPASSIST_SUPPORT_HOURS", "18-09")
        runtime.settings.cache_clear()
        with pytest.raises(SettingError, match="SHOPASSIST_SUPPORT_HOURS"):
            runtime.settings()
    finally:
        runtime.settings.cache_clear()


@pytest.mark.parametrize(("text", "score"), [
    ("4", 4), ("9점 줄게요", 9), ("별 다섯 개요", 5), ("네 점이요", 4), ("four stars", 4), ("10", 10),
    ("네", None), ("네 도움됐어요", None), ("great", None),
])
def test_ratings_in_words_and_digits(text: str, score: int | None) -> None:
    from actions.feedback import score_in
    from actions.turn import Turn

    assert score_in(Turn.from_tracker(tracker(text, "rate"))) == score
