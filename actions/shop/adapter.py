"""The interface every shop backend implements (demo data, or a real shop over HTTP)."""

from __future__ import annotations

from typing import Protocol

from actions.shop.models import Customer, Order, Product


class ShopUnavailable(Exception):
    """The shop backend could not answer (down, timing out, or answering nonsense)."""


class OrderNotChangeable(Exception):
    """The order's state does not allow the change (e.g. cancelling a shipped order)."""


class ShopAdapter(Protocol):
    async def customer(self, customer_id: str) -> Customer | None:
        """The customer with their segment computed from the order history; None if unknown."""

    async def orders(self, customer_id: str, limit: int = 20) -> list[Order]:
        """The customer's orders, newest first."""

    async def order(self, order_id: str) -> Order | None:
        """Any order by id; callers must check `customer_id` before showing it."""

    async def product(self, sku: str) -> Product | None: ...

    async def cancel_order(self, order_id: str) -> Order:
        """Cancel a paid or preparing order; raises OrderNotChangeable otherwise."""

    async def request_return(self, order_id: str, reason: str) -> str:
        """Open a return for a delivered order; returns the return's reference."""
