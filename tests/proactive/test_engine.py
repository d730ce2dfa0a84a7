"""Which rules an event matches: conditions on the event and the visitor's state."""

from __future__ import annotations

import pytest

from gateway.proactive.engine import Event, Visitor, matching
from gateway.proactive.rules import load, parse
from gateway.settings import REPO_ROOT

SHIPPED = load(REPO_ROOT / "proactive_rules.yml")
NOW = 1_764_000_000.0  # a Monday, 16:00 UTC


def ids(event: Event, visitor: Visitor | None = None, rules=SHIPPED, now: float = NOW) -> list[str]:
    return [r.id for r in matching(rules, event, visitor or Visitor("v"), now)]


def test_product_dwell_needs_the_product_page_and_enough_seconds() -> None:
    assert ids(Event("dwell", NOW, "product", {"seconds": 60})) == ["product_dwell"]
    assert ids(Event("dwell", NOW, "product", {"seconds": 10})) == []
    assert ids(Event("dwell", NOW, "category", {"seconds": 60})) == []


def test_cart_hesitation_needs_a_high_value_cart_left_idle() -> None:
    rich = Visitor("v", cart_value=250.0, cart_changed=NOW - 300, page_type="cart")
    assert ids(Event("cart_idle", NOW, "cart"), rich) == ["cart_hesitation"]
    assert ids(Event("cart_idle", NOW, "cart"), Visitor("v", cart_value=20.0, cart_changed=NOW - 300)) == []
    assert ids(Event("cart_idle", NOW, "cart"), Visitor("v", cart_value=250.0, cart_changed=NOW - 30)) == []


def test_checkout_error_search_and_delay() -> None:
    assert ids(Event("exit_intent", NOW, "checkout")) == ["checkout_exit"]
    assert ids(Event("exit_intent", NOW, "product")) == []
    assert ids(Event("checkout_error", NOW, "checkout", {"code": "card_declined"})) == ["checkout_error"]
    assert ids(Event("search", NOW, "search", {"query": "zzz", "results": 0})) == ["search_no_results"]
    assert ids(Event("search", NOW, "search", {"query": "shoes", "results": 12})) == []
    assert ids(Event("search", NOW, "search", {"query": "shoes"})) == []  # no count: no assumption
    assert ids(Event("order_delayed", NOW, "other", {"order_id": "A1"})) == ["delivery_delay"]


@pytest.mark.parametrize(("condition", "visitor", "matches"), [
    ("segment: [vip]", Visitor("v", segment="vip"), True),
    ("segment: [vip]", Visitor("v", segment=""), False),
    ("locale: ko", Visitor("v", locale="ko"), True),
    ("locale: ko", Visitor("v", locale="en"), False),
    ("returning: true", Visitor("v", sessions=2), True),
    ("returning: true", Visitor("v", sessions=1), False),
    ("business_hours: true", Visitor("v"), False),  # 16:00 UTC is 01:00 KST
    ("business_hours: false", Visitor("v"), True),
])
def test_visitor_conditions(condition: str, visitor: Visitor, matches: bool) -> None:
    rules = parse(f"""
business_hours: {{start_h: 9, end_h: 18, utc_offset_h: 9}}
rules:
  - id: r
    when: {{event: page_view, {condition}}}
    trigger: {{intent: EXTERNAL_proactive}}
""")
    assert ids(Event("page_view", NOW, "home"), visitor, rules) == (["r"] if matches else [])


def test_priority_orders_the_candidates() -> None:
    rules = parse("""
rules:
  - {id: low, priority: 1, when: {event: exit_intent}, trigger: {intent: EXTERNAL_proactive}}
  - {id: high, priority: 9, when: {event: exit_intent}, trigger: {intent: EXTERNAL_proactive}}
""")
    assert ids(Event("exit_intent", NOW), rules=rules) == ["high", "low"]
