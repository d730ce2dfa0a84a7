"""What a cluster of misses probably is: the nearest intent and the nearest FAQ article.

The intent comes from the live Rasa model (its authenticated /model/parse), the article
from the live index, both for the cluster's most recent example.  Answers are kept for a
minute per text and language: the inbox asks for every cluster on every refresh.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from gateway.errors import ComponentUnavailable
from gateway.rasa_client import RasaClient
from kb_index import KbError, KnowledgeBase

CACHE_S = 60.0
NOT_SUGGESTED = frozenset({"nlu_fallback"})


class Suggester:
    def __init__(self, rasa: RasaClient, kb: KnowledgeBase, floor: float) -> None:
        self._rasa = rasa
        self._kb = kb
        self._floor = floor
        self._cache: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}

    async def suggest(self, text: str, lang: str) -> dict[str, Any]:
        key = (text, lang)
        cached = self._cache.get(key)
        if cached and time.monotonic() - cached[0] < CACHE_S:
            return cached[1]
        suggestion = {"intent": await self._intent(text), "article": await self._article(text, lang)}
        if len(self._cache) > 5000:
            self._cache.clear()
        self._cache[key] = (time.monotonic(), suggestion)
        return suggestion

    async def _intent(self, text: str) -> dict[str, Any] | None:
        try:
            parsed = await self._rasa.parse(text)
        except ComponentUnavailable:
            return None  # the inbox still works while Rasa restarts
        for entry in parsed.get("intent_ranking") or [parsed.get("intent") or {}]:
            name = entry.get("name")
            if name and name not in NOT_SUGGESTED and not name.startswith("EXTERNAL_"):
                confidence = round(float(entry.get("confidence") or 0.0), 4)
                return {"name": name, "confidence": confidence, "confident": confidence >= self._floor}
        return None

    async def _article(self, text: str, lang: str) -> dict[str, Any] | None:
        try:
            result = await asyncio.to_thread(self._kb.search, text, lang)
        except KbError:
            return None
        if not result.ranked:
            return None
        best = result.ranked[0]
        confident = result.decision == "answer" and result.results[0].id == best.id
        return {"id": best.id, "title": best.title, "score": round(best.score, 4), "confident": confident}
