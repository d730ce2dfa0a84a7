"""Preview of a FAQ edit: which real questions would get a different answer.

The candidate is the live index with the edited article added or replaced
(KnowledgeBase.candidate, published in a temporary folder): only that article is encoded
and the live thresholds are kept, so the preview shows the effect of this edit alone, in
seconds (a full rebuild took 14 s on an idle two-core machine, over 100 s on a busy one;
recalibrating would add more).  The article is first validated against the sources by the
source writer.  The last N questions shoppers asked the FAQ (masked, from the
kb_questions stream) are encoded once and searched in both indexes.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.editor.sources import SourceWriter
from kb_index import Article, KnowledgeBase, SearchResult


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    category: str | None


def outcome(result: SearchResult) -> dict[str, Any]:
    """What the shopper would see: the answer's article, the choices offered, or nothing."""
    top = result.results[0] if result.results else None
    return {"decision": result.decision, "article_id": top.id if top else None, "title": top.title if top else None,
            "choices": [h.id for h in result.results] if result.decision == "clarify" else []}


def _routing(shown: dict[str, Any]) -> tuple[Any, ...]:
    """Compared without the title: a retitled article still gives the same answer."""
    return shown["decision"], shown["article_id"], tuple(shown["choices"])


class KbPreview:
    def __init__(self, redis: Redis, keys: RedisKeys, kb: KnowledgeBase, writer: SourceWriter,
                 questions: int) -> None:
        self._redis = redis
        self._keys = keys
        self._kb = kb
        self._writer = writer
        self._questions = questions
        self._one_at_a_time = asyncio.Lock()  # a build takes both cores for seconds

    async def recent_questions(self) -> list[Question]:
        entries = await self._redis.xrevrange(self._keys.editor_kb_questions(), count=self._questions)
        out = []
        for _, fields in entries:
            get = {k.decode(): v.decode() for k, v in fields.items()}.get
            if get("text") and get("lang") in ("en", "ko"):
                out.append(Question(get("text") or "", get("lang") or "en", get("category") or None))
        return out

    async def preview(self, article: Article) -> dict[str, Any]:
        questions = await self.recent_questions()
        async with self._one_at_a_time:
            changed = await asyncio.to_thread(self._replay, article, questions)
        return {"replayed": len(questions), "changed": changed}

    def _replay(self, article: Article, questions: list[Question]) -> list[dict[str, Any]]:
        with tempfile.TemporaryDirectory(prefix="shopassist-preview-") as temp:
            self._writer.candidate_sources(article, Path(temp) / "faq")
            candidate = self._kb.candidate(article, Path(temp) / "index")
            changed = []
            for lang in ("en", "ko"):
                asked = [q for q in questions if q.lang == lang]
                if not asked:
                    continue
                vectors = self._kb.query_vectors([q.text for q in asked])
                for question, vector in zip(asked, vectors, strict=True):
                    live = outcome(self._kb.search(question.text, lang, question.category, vector=vector))
                    new = outcome(candidate.search(question.text, lang, question.category, vector=vector))
                    if _routing(live) != _routing(new):
                        changed.append({"text": question.text, "lang": lang, "live": live, "candidate": new})
            return changed
