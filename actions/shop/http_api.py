"""A real shop's REST API as a ShopAdapter (the contract is in docs/conversation.md).

Every transport error, timeout, 5xx or malformed body becomes ShopUnavailable, so an
action can tell the shopper plainly that order data is unavailable right now.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import httpx

from actions.shop.adapter import OrderNotChangeable, ShopUnavailable
from actions.shop.models import Customer, Order, Product
from actions.shop.segments import segment_for

HISTORY_FOR_SEGMENT = 100


class HttpShop:
    def __init__(self, base_url: str, token: str = "", timeout_s: float = 5.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout_s,
                                       transport=transport)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def customer(self, customer_id: str) -> Customer | None:
        data = await self._get(f"/customers/{customer_id}")
        if data is None:
            return None
        history = await self.orders(customer_id, limit=HISTORY_FOR_SEGMENT)
        try:
            customer = Customer.from_json(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ShopUnavailable(f"malformed customer: {exc}") from None
        return dataclasses.replace(customer, segment=segment_for(history, dt.datetime.now(dt.UTC)))

    async def orders(self, customer_id: str, limit: int = 20) -> list[Order]:
        data = await self._get(f"/customers/{customer_id}/orders", params={"limit": limit})
        if data is None:
            return []
        orders = [self._parse(Order.from_json, raw) for raw in data.get("orders", [])]
        return sorted(orders, key=lambda o: o.placed_at, reverse=True)[:limit]

    async def order(self, order_id: str) -> Order | None:
        data = await self._get(f"/orders/{order_id}")
        return None if data is None else self._parse(Order.from_json, data)

    async def product(self, sku: str) -> Product | None:
        data = await self._get(f"/products/{sku}")
        return None if data is None else self._parse(Product.from_json, data)

    async def cancel_order(self, order_id: str) -> Order:
        response = await self._request("POST", f"/orders/{order_id}/cancel")
        if response.status_code in (404, 409):
            raise OrderNotChangeable(order_id)
        return self._parse(Order.from_json, self._json(response))

    async def request_return(self, order_id: str, reason: str) -> str:
        response = await self._request("POST", f"/orders/{order_id}/returns", json={"reason": reason})
        if response.status_code in (404, 409):
            raise OrderNotChangeable(order_id)
        return str(self._json(response).get("return_id", ""))

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any] | None:
        response = await self._request("GET", path, params=params)
        return None if response.status_code == 404 else self._json(response)

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ShopUnavailable(f"{method} {path}: {type(exc).__name__}") from None
        if response.status_code >= 500 or response.status_code in (401, 403):
            raise ShopUnavailable(f"{method} {path}: HTTP {response.status_code}")
        return response

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 400:
            raise ShopUnavailable(f"HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            raise ShopUnavailable("response is not JSON") from None
        if not isinstance(data, dict):
            raise ShopUnavailable("response is not a JSON object")
        return data

    @staticmethod
    def _parse(parse: Any, raw: Any) -> Any:
        try:
            return parse(raw)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ShopUnavailable(f"malformed shop data: {exc}") from None
