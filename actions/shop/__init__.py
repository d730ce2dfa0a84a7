"""The shop's data as the assistant sees it: customers, orders, products, behind one adapter.

`DemoShop` serves a seeded, deterministic demo shop; `HttpShop` talks to a real shop's API
(contract in docs/conversation.md).  Both raise `ShopUnavailable` when they cannot answer.
"""

from actions.shop.adapter import ShopAdapter, ShopUnavailable
from actions.shop.models import ORDER_STATES, Customer, Order, OrderItem, Product
from actions.shop.segments import SEGMENTS, segment_for

__all__ = [
    "ORDER_STATES", "SEGMENTS", "Customer", "Order", "OrderItem", "Product", "ShopAdapter", "ShopUnavailable",
    "segment_for",
]
