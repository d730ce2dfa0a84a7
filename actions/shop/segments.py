"""Customer segments, computed from the order history so every adapter agrees on them.

The thresholds are the shop's marketing definitions, kept here as named constants so
the docs table and the code cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from actions.shop.models import Order

SEGMENTS = ("new", "regular", "vip", "churn_risk")
VIP_SPEND_12M = 2_000_000  # KRW of kept (not returned/refunded/cancelled) orders in the last 12 months
VIP_ORDERS_12M = 8
CHURN_AFTER_DAYS = 180  # no order for this long after at least two orders
NEW_MAX_ORDERS = 1
_NOT_KEPT = {"returned", "refunded", "cancelled"}


def segment_for(orders: Iterable[Order], now: dt.datetime) -> str:
    history = sorted(orders, key=lambda o: o.placed_at)
    if len(history) <= NEW_MAX_ORDERS:
        return "new"
    year_ago = now - dt.timedelta(days=365)
    recent = [o for o in history if o.placed_at >= year_ago and o.status not in _NOT_KEPT]
    if sum(o.total for o in recent) >= VIP_SPEND_12M or len(recent) >= VIP_ORDERS_12M:
        return "vip"
    if (now - history[-1].placed_at).days > CHURN_AFTER_DAYS:
        return "churn_risk"
    return "regular"
