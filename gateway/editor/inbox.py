"""The miss inbox: open clusters with suggestions, and resolving a cluster into the sources.

Resolving claims the cluster first (a second editor gets 409), then writes the sources
through the one writer; a refused edit releases the claim, so the cluster stays open and
nothing is stored.  Writing a source does not make it live: a deploy does.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import replace
from typing import Any, cast

from gateway.editor.changes import ChangeLog
from gateway.editor.clustering import MissCluster, MissClusterer
from gateway.editor.misses import MissStore
from gateway.editor.sources import SourceWriter
from gateway.editor.suggestions import Suggester
from gateway.errors import Conflict, Invalid, NotFound
from kb_index import LANGS

OUT_OF_SCOPE = "out_of_scope"


class MissInbox:
    def __init__(self, store: MissStore, clusterer: MissClusterer, suggester: Suggester, writer: SourceWriter,
                 changes: ChangeLog) -> None:
        self._store = store
        self._clusterer = clusterer
        self._suggester = suggester
        self._writer = writer
        self._changes = changes

    async def _open_clusters(self, lang: str) -> list[MissCluster]:
        resolved = await self._store.resolved_misses()
        misses = [m for m in await self._store.misses(lang) if m.id not in resolved]
        return await asyncio.to_thread(self._clusterer.clusters, misses)

    async def clusters(self, lang: str, status: str, limit: int, kind: str | None = None) -> list[dict[str, Any]]:
        """Clusters ordered by count (largest first); suggestions for the open ones shown.  With
        `kind` (a miss source), only the clusters holding at least one miss of that kind: clusters
        are formed over every kind, so a cluster keeps its id (and its resolve link) under a filter."""
        out: list[dict[str, Any]] = []
        if status in ("open", "all"):
            found = sorted(await self._open_clusters(lang), key=lambda c: (-len(c.misses), -c.misses[-1].ts))
            shown = [c for c in found if kind is None or any(m.source == kind for m in c.misses)][:limit]
            suggestions = await asyncio.gather(*(self._suggester.suggest(c.examples[0], lang) for c in shown))
            out += [{**c.summary(), "status": "open", "suggestion": s} for c, s in zip(shown, suggestions, strict=True)]
        if status in ("resolved", "all"):
            out += [r for r in (await self._store.resolutions()).values()
                    if r.get("lang") == lang and r.get("status") == "resolved"
                    and (kind is None or kind in (r.get("kinds") or {}))]
        return sorted(out, key=lambda c: -int(c["count"]))[:limit]

    async def resolve(self, cluster_id: str, action: dict[str, Any], actor: dict[str, str]) -> dict[str, Any]:
        cluster = await self._find(cluster_id)
        resolution = {**action, "actor": actor, "ts": time.time()}
        record = {**cluster.summary(), "status": "resolving", "resolution": resolution, "suggestion": None}
        await self._store.claim(cluster.id, record)
        try:
            resolution, files = await self._apply(cluster, action)
        except BaseException:
            await self._store.release(cluster.id)
            raise
        record = {**record, "status": "resolved", "resolution": {**resolution, "actor": actor, "ts": time.time()}}
        await self._store.resolve(cluster.id, record, [m.id for m in cluster.misses])
        changed = [str(path) for path in files]
        await self._changes.record(actor, f"resolve:{action['action']}", cluster.id, changed)
        return {"cluster": record, "changed_files": changed}

    async def _find(self, cluster_id: str) -> MissCluster:
        for lang in LANGS:
            for cluster in await self._open_clusters(lang):
                if cluster.id == cluster_id:
                    return cluster
        if cluster_id in await self._store.resolutions():
            raise Conflict(f"cluster {cluster_id} is already resolved")
        raise NotFound(f"no open cluster {cluster_id}; reload the inbox (new misses may have regrouped it)")

    async def _apply(self, cluster: MissCluster, action: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        kind = action["action"]
        if kind == "dismiss":
            return {"action": kind}, []
        if kind in ("add_to_intent", "out_of_scope"):
            intent = cast(str, action.get("intent")) if kind == "add_to_intent" else OUT_OF_SCOPE
            examples = action.get("examples") or cluster.examples
            files = await asyncio.to_thread(self._writer.add_examples, intent, cluster.lang, examples)
            return {"action": kind, "intent": intent, "examples": examples}, files
        article = await asyncio.to_thread(self._writer.article, action["article_id"])
        if article.lang != cluster.lang:
            raise Invalid(f"article {article.id} is in {article.lang}; this cluster is {cluster.lang}")
        questions = [" ".join(q.split()) for q in action.get("questions") or cluster.examples]
        known = {q.casefold() for q in article.questions}
        added = [q for q in dict.fromkeys(questions) if q.casefold() not in known]
        extended = replace(article, questions=(*article.questions, *added), updated=dt.date.today().isoformat())
        files = await asyncio.to_thread(self._writer.put_article, extended) if added else []
        return {"action": kind, "article_id": article.id, "questions": added}, files
