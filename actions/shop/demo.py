"""The demo shop: the seeded data in memory, with the same behaviour a real backend has."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

from actions.shop.adapter import OrderNotChangeable
from actions.shop.demo_data import DemoData, generate
from actions.shop.models import CANCELLABLE_STATES, Customer, Order, Product
from actions.shop.segments import segment_for

CANCELLABLE = CANCELLABLE_STATES


class DemoShop:
    def __init__(self, data: DemoData | None = None) -> None:
        self.data = data or generate()
        self._lock = asyncio.Lock()

    async def customer(self, customer_id: str) -> Customer | None:
        customer = self.data.customers.get(customer_id)
        if customer is None:
            return None
        history = [o for o in self.data.orders.values() if o.customer_id == customer_id]
        return dataclasses.replace(customer, segment=segment_for(history, self.data.today))

    async def orders(self, customer_id: str, limit: int = 20) -> list[Order]:
        mine = [o for o in self.data.orders.values() if o.customer_id == customer_id]
        return sorted(mine, key=lambda o: o.placed_at, reverse=True)[:limit]

    async def order(self, order_id: str) -> Order | None:
        return self.data.orders.get(order_id)

    async def product(self, sku: str) -> Product | None:
        return self.data.products.get(sku)

    async def cancel_order(self, order_id: str) -> Order:
        async with self._lock:
            order = self.data.orders.get(order_id)
            if order is None or order.status not in CANCELLABLE:
                raise OrderNotChangeable(order_id)
            cancelled = dataclasses.replace(order, status="cancelled", refunded_at=dt.datetime.now(dt.UTC))
            self.data.orders[order_id] = cancelled
            return cancelled

    async def request_return(self, order_id: str, reason: str) -> str:
        order = self.data.orders.get(order_id)
        if order is None or order.status != "delivered":
            raise OrderNotChangeable(order_id)
        return f"RET-{order_id.removeprefix('ORD-')}"
