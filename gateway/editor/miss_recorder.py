"""The turn observer that feeds the editors' miss inbox and the preview's question log.

Actions report a miss or a knowledge-base search as a turn signal (gateway/turn_signals.py);
only here, in the gateway, is the shopper's text joined to it.  What is stored is the
masked text and the facts of the signal: no conversation id, no customer id.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis

from contracts.keys import RedisKeys
from contracts.signals import MISS_SOURCES, missed_question
from gateway.conversations import Conversation
from gateway.masking import mask

log = logging.getLogger(__name__)

MAX_TEXT = 1000
MAX_CANDIDATES = 5
MISSES_MAXLEN = 10_000
QUESTIONS_MAXLEN = 5_000


def _lang(signal: dict[str, Any], conversation: Conversation) -> str:
    lang = signal.get("lang")
    return lang if lang in ("en", "ko") else conversation.language


def _candidates(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        return []
    return [{"id": str(c.get("id")), "title": str(c.get("title") or ""), "score": c.get("score")}
            for c in raw[:MAX_CANDIDATES] if isinstance(c, dict) and c.get("id")]


class MissRecorder:
    def __init__(self, redis: Redis, keys: RedisKeys, clock: Callable[[], float] = time.time) -> None:
        self._redis = redis
        self._keys = keys
        self._clock = clock

    async def __call__(self, conversation: Conversation, text: str, signals: list[dict[str, Any]]) -> None:
        for signal in signals:
            kind = signal.get("kind")
            if kind == "miss":
                await self._miss(conversation, text, signal)
            elif kind == "kb_question":
                await self._question(conversation, text, signal)

    async def _miss(self, conversation: Conversation, text: str, signal: dict[str, Any]) -> None:
        source = signal.get("source")
        # "No", a rephrase or "a person please" is about the earlier question, not about this text
        asked = missed_question(signal, text)
        if source not in MISS_SOURCES or asked is None:
            log.warning("miss signal ignored", extra={"source": str(source)[:40]})
            return
        confidence = signal.get("confidence")
        await self._redis.xadd(self._keys.editor_misses(), {
            "text": mask(asked)[:MAX_TEXT], "lang": _lang(signal, conversation), "source": source,
            "intent": str(signal.get("intent") or ""),
            "confidence": "" if confidence is None else str(float(confidence)),
            "kb_candidates": json.dumps(_candidates(signal.get("kb_candidates")), ensure_ascii=False),
            "ts": str(self._clock()),
        }, maxlen=MISSES_MAXLEN, approximate=True)

    async def _question(self, conversation: Conversation, text: str, signal: dict[str, Any]) -> None:
        await self._redis.xadd(self._keys.editor_kb_questions(), {
            "text": mask(text)[:MAX_TEXT], "lang": _lang(signal, conversation),
            "decision": str(signal.get("decision") or ""), "article_id": str(signal.get("article_id") or ""),
            "category": str(signal.get("category") or ""), "ts": str(self._clock()),
        }, maxlen=QUESTIONS_MAXLEN, approximate=True)
