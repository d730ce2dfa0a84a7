"""Insights API v1 for support leads (the /insights/ dashboard) and /metrics for Prometheus."""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from gateway.auth import bearer_token, require_staff
from gateway.errors import Forbidden, Invalid
from gateway.insights import figures, metrics
from gateway.insights.outcomes import OUTCOMES
from gateway.insights.period import SEGMENTS, Period
from gateway.masking import mask
from gateway.ratelimit import client_address
from gateway.services import Services

router = APIRouter(tags=["insights"])
_LOOPBACK = ("127.0.0.1", "::1")
EXAMPLES_MAX = 20
EXAMPLE_MESSAGES = 30  # the last messages of each example: enough to see where it went wrong


@router.get("/api/v1/insights/figures", summary="Every dashboard figure for a period, language and segment")
async def insights_figures(
    request: Request,
    start: str = Query(alias="from", max_length=10, description="First day, YYYY-MM-DD (UTC)"),
    end: str = Query(alias="to", max_length=10, description="Last day, YYYY-MM-DD (UTC), inclusive"),
    lang: str | None = Query(None, max_length=8, description="en or ko; empty: both"),
    segment: str | None = Query(None, max_length=16, description=f"one of {', '.join(SEGMENTS)}; empty: all"),
) -> dict[str, Any]:
    services, period = await _lead_period(request, start, end, lang, segment)
    return await asyncio.to_thread(figures.compute, services.insights.store, period)


@router.get("/api/v1/insights/examples", summary="Conversations of one outcome, masked, newest first")
async def insights_examples(
    request: Request,
    outcome: str = Query(max_length=32, description=f"one of {', '.join(OUTCOMES)}"),
    start: str = Query(alias="from", max_length=10, description="First day, YYYY-MM-DD (UTC)"),
    end: str = Query(alias="to", max_length=10, description="Last day, YYYY-MM-DD (UTC), inclusive"),
    lang: str | None = Query(None, max_length=8, description="en or ko; empty: both"),
    segment: str | None = Query(None, max_length=16, description=f"one of {', '.join(SEGMENTS)}; empty: all"),
    limit: int = Query(5, ge=1, le=EXAMPLES_MAX),
) -> dict[str, Any]:
    """What a lead reads behind a figure: each example's transcript (kept while the conversation is),
    every message masked as the inbox masks questions; no customer id, no contact details."""
    if outcome not in OUTCOMES:
        raise Invalid(f"unknown outcome {outcome!r}; use one of {', '.join(OUTCOMES)}")
    services, period = await _lead_period(request, start, end, lang, segment)
    ids = await asyncio.to_thread(figures.conversations_with, services.insights.store, period, outcome, limit)
    examples = []
    for conversation_id, started, language in ids:
        messages = (await services.conversations.messages(conversation_id))[-EXAMPLE_MESSAGES:]
        examples.append({"conversation_id": conversation_id, "started": started, "lang": language,
                         "messages": [{"sender": m.sender, "text": mask(m.text)} for m in messages]})
    return {"outcome": outcome, "period": period.to_api(), "examples": examples}


async def _lead_period(request: Request, start: str, end: str, lang: str | None,
                       segment: str | None) -> tuple[Services, Period]:
    await require_staff(request, "lead")
    services: Services = request.app.state.services
    try:
        period = Period.parse(start, end, lang, segment, services.insights.max_days)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    await services.insights.ingester.catch_up()
    return services, period


@router.get("/metrics", summary="Prometheus metrics (metrics token, or loopback when none is set)",
            response_class=Response)
async def prometheus_metrics(request: Request) -> Response:
    services: Services = request.app.state.services
    expected = services.settings.metrics_token.get_secret_value()
    if expected:
        if not hmac.compare_digest(bearer_token(request).encode(), expected.encode()):
            raise Forbidden("wrong metrics token")
    elif client_address(request) not in _LOOPBACK:
        raise Forbidden("/metrics answers loopback clients only; set SHOPASSIST_METRICS_TOKEN to scrape remotely")
    await services.insights.ingester.catch_up()
    families = await asyncio.to_thread(metrics.store_families, services.insights.store)
    families += metrics.queue_families(await services.queue.list_waiting())
    return Response(metrics.render(families), media_type="text/plain; version=0.0.4; charset=utf-8")
