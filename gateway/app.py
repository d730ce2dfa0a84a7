"""The FastAPI gateway: routes, error mapping and the lifespan that owns connections."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import handoff
from gateway.api import (
    agent,
    agent_kb,
    consent,
    demo,
    editor_content,
    editor_deploy,
    events,
    health,
    insights,
    privacy,
    shopper,
    web,
    ws,
)
from gateway.api.error_responses import documented
from gateway.errors import ApiError, ComponentUnavailable, TooLarge
from gateway.insights.kinds import REJECTED
from gateway.services import open_services
from gateway.settings import Settings

MAX_BODY_BYTES = 64 * 1024

# The handoff library's error tree, mapped once; a subclass is matched before its base.
HANDOFF_ERRORS: dict[type[Exception], tuple[int, str]] = {
    handoff.TicketNotFound: (404, "not_found"),
    handoff.AgentNotFound: (404, "not_found"),
    handoff.LeaseLost: (409, "lease_lost"),
    handoff.HandbackCooldown: (409, "cooldown"),
    handoff.NotAllowed: (409, "conflict"),
    handoff.InvalidRequest: (422, "invalid"),
}


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def create_app(settings: Settings, redis_url: str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_services(settings, redis_url) as services:
            app.state.services = services
            yield

    # Every error a route can answer is documented with its body (see _error), per router.
    app = FastAPI(title="ShopAssist gateway", version="1", lifespan=lifespan,
                  description="Shopper, agent and operations API of the ShopAssist support assistant.",
                  responses=documented(400, 413, 422, 503))
    app.include_router(health.router)
    app.include_router(shopper.router, responses=documented(401, 404, 409, 429))
    app.include_router(agent.router, responses=documented(401, 403, 404, 409))
    app.include_router(agent_kb.router, responses=documented(401, 403))
    app.include_router(ws.router)
    app.include_router(events.router, responses=documented(401, 404, 429))
    app.include_router(consent.router, responses=documented(401, 404))
    app.include_router(demo.router, responses=documented(404))
    app.include_router(privacy.router, responses=documented(401, 403, 404))
    app.include_router(insights.router, responses=documented(401, 403))
    app.include_router(editor_deploy.router, responses=documented(401, 403, 404, 409))
    app.include_router(editor_content.router, responses=documented(401, 403, 404, 409))
    _install_error_handlers(app)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):  # type: ignore[no-untyped-def]
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            error = TooLarge(f"request body over {MAX_BODY_BYTES} bytes")
            await _count_rejected(request, error.status, error.code)
            return _error(error.status, error.code, error.message)
        return await call_next(request)

    web.install(app, settings)
    if settings.trusted_proxies:  # else X-Forwarded-For is a client's claim and ignored (cli.serve)
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        await _count_rejected(request, exc.status, exc.code)
        return _error(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RedisConnectionError)
    @app.exception_handler(RedisTimeoutError)
    @app.exception_handler(handoff.HandoffUnavailable)
    async def redis_down(_: Request, exc: Exception) -> JSONResponse:
        error = ComponentUnavailable("redis", type(exc).__name__)
        return _error(error.status, error.code, error.message, error.headers)

    for error_type, (status, code) in HANDOFF_ERRORS.items():
        app.add_exception_handler(error_type, _handoff_handler(status, code))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e["type"] == "json_invalid" for e in errors):
            await _count_rejected(request, 400, "malformed_json")
            return _error(400, "malformed_json", "the request body is not valid JSON")
        await _count_rejected(request, 422, "invalid")
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}" for e in errors
        )
        return _error(422, "invalid", problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        await _count_rejected(request, exc.status_code, code)
        return _error(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))


async def _count_rejected(request: Request, status: int, code: str) -> None:
    """Rejected inputs by error code, for /metrics (nothing of the request itself is kept)."""
    services = getattr(request.app.state, "services", None)
    if services is not None and 400 <= status < 500:
        await services.insights.log.record(REJECTED, None, code=code, status=status)


def _handoff_handler(status: int, code: str):  # type: ignore[no-untyped-def]
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        await _count_rejected(request, status, code)
        return _error(status, code, str(exc))

    return handle
