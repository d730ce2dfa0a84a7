"""Knowledge-base search for the agent console, so an agent can insert a vetted answer."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Query, Request

from gateway.auth import bearer_token, refuse_other_kinds
from gateway.errors import ComponentUnavailable, Unauthorized
from gateway.services import Services
from kb_index import KbNotReady

router = APIRouter(prefix="/api/v1/agent/kb", tags=["agent"])


@router.get("/search", summary="Search the FAQ articles to insert an answer")
async def search(request: Request, q: str = Query(..., min_length=1, max_length=300),
                 lang: str = Query("en", pattern="^(en|ko)$")) -> dict[str, Any]:
    services: Services = request.app.state.services
    token = bearer_token(request)
    if await services.queue.agents.authenticate(token) is None:
        await refuse_other_kinds(request, token, "an agent token")
        raise Unauthorized("unknown agent token")
    try:
        # the encoder is CPU-bound: keep it off the event loop
        result = await asyncio.to_thread(services.kb.search, q, lang)
    except KbNotReady as exc:
        raise ComponentUnavailable("kb", str(exc)) from exc
    return {"articles": [{**hit.summary(), "answer": hit.answer} for hit in result.ranked]}
