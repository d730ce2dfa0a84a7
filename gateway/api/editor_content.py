"""Editor API for content: the miss inbox, intents, and FAQ articles with their preview.

Every route needs an editor token.  Edits go through the one source writer
(gateway/editor/sources.py) and are recorded with the editor and the time; they become live
with the next deploy (gateway/api/editor_deploy.py).
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam

from contracts.signals import MISS_SOURCES
from gateway.api.editor_content_models import ARTICLE_ID, ArticleBody, Resolution
from gateway.auth import require_staff
from gateway.errors import ComponentUnavailable, Invalid
from gateway.services import Services
from kb_index import CATEGORIES, KbNotReady

router = APIRouter(prefix="/api/v1/editor", tags=["editor"])

# The miss inbox's page of clusters: what the editor page asks for (the default), and the most one request gets.
CLUSTERS_PER_PAGE, CLUSTERS_MAX = 50, 200

ArticleId = PathParam(pattern=ARTICLE_ID, description="The article's id, e.g. en-shipping-cost")


async def _editor(request: Request) -> tuple[Services, dict[str, str]]:
    member = await require_staff(request, "editor")
    return request.app.state.services, member.actor


@router.get("/misses/clusters", summary="Misses grouped by meaning, largest first, with a suggestion each")
async def clusters(request: Request, lang: Literal["en", "ko"] = "en",
                   status: Literal["open", "resolved", "all"] = "open",
                   kind: Literal[MISS_SOURCES] | None = Query(  # type: ignore[valid-type]
                       None, description="Only clusters with a miss of this kind"),
                   limit: int = Query(CLUSTERS_PER_PAGE, ge=1, le=CLUSTERS_MAX)) -> dict[str, Any]:
    services, _ = await _editor(request)
    try:
        return {"clusters": await services.editor_content.inbox.clusters(lang, status, limit, kind)}
    except KbNotReady as exc:  # clustering embeds with the KB's model
        raise ComponentUnavailable("kb", str(exc)) from exc


@router.post("/misses/clusters/{cluster_id}/resolve",
             summary="Resolve a cluster: add to an intent or an article, mark out of scope, or dismiss")
async def resolve(request: Request, body: Resolution,
                  cluster_id: str = PathParam(pattern=r"^c[0-9a-f]{16}$")) -> dict[str, Any]:
    services, actor = await _editor(request)
    try:
        return await services.editor_content.inbox.resolve(cluster_id, body.model_dump(exclude_none=True), actor)
    except KbNotReady as exc:
        raise ComponentUnavailable("kb", str(exc)) from exc


@router.get("/intents", summary="Intents examples can be added to, with example counts per language")
async def intents(request: Request) -> dict[str, Any]:
    services, _ = await _editor(request)
    counts = await asyncio.to_thread(services.editor_content.sources.example_counts)
    return {"intents": [{"name": name, "examples": n} for name, n in counts.items()]}


@router.get("/articles", summary="FAQ articles in the sources (not necessarily live yet)")
async def articles(request: Request, lang: Literal["en", "ko"] | None = None,
                   category: Literal[CATEGORIES] | None = None) -> dict[str, Any]:  # type: ignore[valid-type]
    services, _ = await _editor(request)
    found = await asyncio.to_thread(services.editor_content.sources.articles)
    return {"articles": [{"id": a.id, "lang": a.lang, "category": a.category, "title": a.title,
                          "updated": a.updated}
                         for a in found if lang in (None, a.lang) and category in (None, a.category)]}


@router.get("/articles/{article_id}", summary="One FAQ article, as in its source file")
async def article(request: Request, article_id: str = ArticleId) -> dict[str, Any]:
    services, _ = await _editor(request)
    return (await asyncio.to_thread(services.editor_content.sources.article, article_id)).to_dict()


@router.put("/articles/{article_id}", summary="Create or replace an FAQ article in its source file")
async def put_article(body: ArticleBody, request: Request, article_id: str = ArticleId) -> dict[str, Any]:
    services, actor = await _editor(request)
    if body.id != article_id:
        raise Invalid(f"the body's id {body.id!r} differs from the path's {article_id!r}")
    written = body.to_article()
    files = [str(p) for p in await asyncio.to_thread(services.editor_content.sources.put_article, written)]
    await services.editor_content.changes.record(actor, "put_article", written.id, files)
    return {"article": written.to_dict(), "changed_files": files}


@router.post("/articles/preview", summary="Which recent real questions an article edit would answer differently")
async def preview(body: ArticleBody, request: Request) -> dict[str, Any]:
    services, _ = await _editor(request)
    try:
        return await services.editor_content.preview.preview(body.to_article())
    except KbNotReady as exc:
        raise ComponentUnavailable("kb", str(exc)) from exc
