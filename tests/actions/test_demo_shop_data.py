"""The demo shop is big enough, covers every state and segment, and never changes."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from actions.shop import ORDER_STATES, SEGMENTS, segment_for
from actions.shop.demo_data import generate

DAY = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


def test_sizes_states_and_segments() -> None:
    data = generate(DAY)
    assert len(data.customers) >= 50
    assert len(data.orders) >= 200
    states = Counter(o.status for o in data.orders.values())
    assert set(states) == set(ORDER_STATES), states
    segments = Counter(segment_for([o for o in data.orders.values() if o.customer_id == c], data.today)
                       for c in data.customers)
    assert set(segments) == set(SEGMENTS), segments


def test_deterministic() -> None:
    assert generate(DAY) == generate(DAY)


def test_segments_follow_history() -> None:
    data = generate(DAY)
    for customer_id in data.customers:
        history = [o for o in data.orders.values() if o.customer_id == customer_id]
        segment = segment_for(history, data.today)
        if len(history) <= 1:
            assert segment == "new"
        if segment == "churn_risk":
            assert (data.today - max(o.placed_at for o in history)).days > 180
