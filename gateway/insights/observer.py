"""The turn observer: what a shopper turn tells insights, from the gateway's timing and the
signals the actions attached (gateway/turn_signals.py).

Signals are our own action server's, but they are still checked and bounded here: a
malformed one is dropped, never stored.
"""

from __future__ import annotations

from typing import Any

from contracts.signals import BOT_RESULTS, MISS_SOURCES, missed_question
from gateway.conversations import Conversation
from gateway.insights import kinds
from gateway.insights.events import EventLog
from gateway.masking import mask

DECISIONS = ("answer", "clarify", "none")
SEGMENTS = ("new", "regular", "vip", "churn_risk")
_SCORES = {kinds.CSAT: range(1, 6), kinds.NPS: range(0, 11)}
_QUESTION_MAX = 300
_TITLE_MAX = 200


def _ms(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 3_600_000:
        return round(float(value), 1)
    return None


class TurnInsights:
    def __init__(self, log: EventLog) -> None:
        self._log = log

    async def __call__(self, conversation: Conversation, text: str, signals: list[dict[str, Any]]) -> None:
        timing = next((s for s in signals if s.get("kind") == "timing"), {})
        lang = timing.get("lang") if timing.get("lang") in ("en", "ko") else conversation.language
        await self._log.record(kinds.TURN, conversation.id, lang=lang, gateway_ms=_ms(timing.get("gateway_ms")),
                               rasa_ms=_ms(timing.get("rasa_ms")))
        for signal in signals:
            if signal.get("kind") == "kb_question":
                await self._kb_decision(conversation, text, signal)
            elif signal.get("kind") == "insight":
                await self._insight(conversation, signal)
            elif signal.get("kind") == "miss":
                await self._miss(conversation, text, signal)

    async def _kb_decision(self, conversation: Conversation, text: str, signal: dict[str, Any]) -> None:
        decision = signal.get("decision")
        if decision not in DECISIONS:
            return
        article = signal.get("article_id")
        fields: dict[str, Any] = {"decision": decision, "ms": _ms(signal.get("search_ms")),
                                  "article_id": str(article)[:100] if article and decision == "answer" else None}
        if fields["article_id"] and isinstance(signal.get("title"), str):
            fields["title"] = signal["title"][:_TITLE_MAX]
        await self._log.record(kinds.KB_DECISION, conversation.id, **fields)

    async def _miss(self, conversation: Conversation, text: str, signal: dict[str, Any]) -> None:
        """The same misses, by the same rule, as the editors' inbox stores (gateway/editor/miss_recorder.py)."""
        question = missed_question(signal, text)
        if signal.get("source") not in MISS_SOURCES or question is None:
            return
        await self._log.record(kinds.MISS, conversation.id, source=signal["source"],
                               question=mask(question)[:_QUESTION_MAX])  # the "top misses" list needs the words

    async def _insight(self, conversation: Conversation, signal: dict[str, Any]) -> None:
        event = signal.get("event")
        if event == kinds.SEGMENT and signal.get("segment") in SEGMENTS:
            await self._log.record(kinds.SEGMENT, conversation.id, segment=signal["segment"])
        elif event in _SCORES and isinstance(signal.get("score"), int) and signal["score"] in _SCORES[event]:
            await self._log.record(event, conversation.id, score=signal["score"])
        elif event == kinds.BOT_RESULT and signal.get("result") in BOT_RESULTS:
            await self._log.record(kinds.BOT_RESULT, conversation.id, result=signal["result"])
        elif event == kinds.ACTION_TIMING and _ms(signal.get("ms")) is not None:
            await self._log.record(kinds.ACTION_TIMING, conversation.id, ms=_ms(signal.get("ms")))
