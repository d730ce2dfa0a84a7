"""A local fake of a real shop's REST API (the contract in docs/conversation.md), serving the
demo data, so the HTTP adapter is tested over real sockets."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from actions.shop.adapter import OrderNotChangeable
from actions.shop.demo import DemoShop

TOKEN = "fake-shop-token"


def app(shop: DemoShop) -> Starlette:
    async def guard(request: Request) -> JSONResponse | None:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        return None

    async def customer(request: Request) -> JSONResponse:
        found = shop.data.customers.get(request.path_params["id"])
        return (await guard(request)) or (
            JSONResponse(found.to_json()) if found else JSONResponse({"error": "not found"}, status_code=404))

    async def orders(request: Request) -> JSONResponse:
        if request.path_params["id"] not in shop.data.customers:
            return JSONResponse({"error": "not found"}, status_code=404)
        limit = int(request.query_params.get("limit", "20"))
        found = await shop.orders(request.path_params["id"], limit)
        return (await guard(request)) or JSONResponse({"orders": [o.to_json() for o in found]})

    async def order(request: Request) -> JSONResponse:
        found = await shop.order(request.path_params["id"])
        return (await guard(request)) or (
            JSONResponse(found.to_json()) if found else JSONResponse({"error": "not found"}, status_code=404))

    async def product(request: Request) -> JSONResponse:
        found = await shop.product(request.path_params["sku"])
        return (await guard(request)) or (
            JSONResponse(found.to_json()) if found else JSONResponse({"error": "not found"}, status_code=404))

    async def cancel(request: Request) -> JSONResponse:
        try:
            cancelled = await shop.cancel_order(request.path_params["id"])
            return (await guard(request)) or JSONResponse(cancelled.to_json())
        except OrderNotChangeable:
            return JSONResponse({"error": "not cancellable"}, status_code=409)

    async def returns(request: Request) -> JSONResponse:
        body = await request.json()
        try:
            reference = await shop.request_return(request.path_params["id"], str(body.get("reason", "")))
        except OrderNotChangeable:
            return JSONResponse({"error": "not returnable"}, status_code=409)
        return (await guard(request)) or JSONResponse({"return_id": reference}, status_code=201)

    async def broken(request: Request) -> JSONResponse:
        return JSONResponse({"error": "boom"}, status_code=500)

    return Starlette(routes=[
        Route("/customers/{id}", customer), Route("/customers/{id}/orders", orders),
        Route("/orders/{id}", order), Route("/products/{sku}", product),
        Route("/orders/{id}/cancel", cancel, methods=["POST"]),
        Route("/orders/{id}/returns", returns, methods=["POST"]),
        Route("/broken/{rest:path}", broken),
    ])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(shop: DemoShop) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app(shop), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
