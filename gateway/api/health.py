"""GET /healthz: each component with its latency, so an operator sees what is down."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gateway.services import Services

router = APIRouter(tags=["operations"])


async def _check(probe: Callable[[], Awaitable[Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = await asyncio.wait_for(probe(), timeout=3.0)
        result: dict[str, Any] = {"ok": True}
        if isinstance(detail, dict):
            result.update(detail)
    except Exception as exc:  # any failure of a probe means the component is down
        result = {"ok": False, "error": getattr(exc, "message", None) or type(exc).__name__}
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return result


@router.get("/healthz", summary="Health of each component",
            responses={503: {"description": "A component is down: the same report, with its `ok` false"}})
async def healthz(request: Request) -> JSONResponse:
    services: Services = request.app.state.services

    async def rasa() -> dict[str, Any]:
        status = await services.rasa.rasa_status()
        if not status.get("model_id"):
            raise RuntimeError("no model loaded")
        return {"model": status.get("model_file")}

    probes = {
        "redis": services.redis.ping,
        "rasa": rasa,
        "actions": services.rasa.actions_health,
        "kb": services.kb_health,
    }
    results = await asyncio.gather(*(_check(p) for p in probes.values()))
    components = dict(zip(probes, results, strict=True))
    healthy = all(c["ok"] for c in components.values())
    return JSONResponse({"status": "ok" if healthy else "degraded", "components": components},
                        status_code=200 if healthy else 503)
