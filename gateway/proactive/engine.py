"""Which rules an event matches, and whether the limits let one fire: pure and clock-driven.

Nothing here touches Redis or reads the time: the caller passes `now`, so tests move a
clock instead of sleeping, and the same limit arithmetic backs the Redis script
(`scripts/fire-1.lua`) and the in-memory ledger the property tests compare it with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gateway.proactive.rules import Rule, RuleSet


@dataclass(frozen=True)
class Event:
    type: str
    ts: float
    page_type: str = "other"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Visitor:
    """What the rules may look at; built from the Redis visitor record."""

    id: str
    locale: str = "en"
    segment: str = ""
    sessions: int = 1
    page_type: str = "other"
    page_since: float = 0.0
    cart_value: float = 0.0
    cart_changed: float = 0.0


@dataclass(frozen=True)
class Limits:
    daily_budget: int
    session_gap_s: float = 1800.0


def matching(rule_set: RuleSet, event: Event, visitor: Visitor, now: float) -> list[Rule]:
    """Rules whose conditions hold, highest priority first."""
    return [r for r in rule_set.rules if _holds(r, rule_set, event, visitor, now)]


def _holds(rule: Rule, rule_set: RuleSet, event: Event, visitor: Visitor, now: float) -> bool:
    when = rule.when
    data = event.data
    page_type = event.page_type if event.page_type != "other" else visitor.page_type
    checks = [
        event.type in when.events,
        not when.page_types or page_type in when.page_types,
        not when.segments or visitor.segment in when.segments,
        not when.locales or visitor.locale in when.locales,
        when.returning is None or (visitor.sessions > 1) == when.returning,
        when.business_hours is None or rule_set.business_hours.open_at(now) == when.business_hours,
        when.dwell_s_min is None or _dwell(event, visitor, now) >= when.dwell_s_min,
        when.cart_value_min is None or visitor.cart_value >= when.cart_value_min,
        when.idle_s_min is None or _idle(event, visitor, now) >= when.idle_s_min,
        when.scroll_min is None or _float(data.get("depth")) >= when.scroll_min,
        when.search_results_max is None or (
            event.type == "search" and _float(data.get("results"), 1e9) <= when.search_results_max),
        not when.error_codes or str(data.get("code", "")) in when.error_codes,
    ]
    return all(checks)


def _float(value: Any, default: float = 0.0) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def _dwell(event: Event, visitor: Visitor, now: float) -> float:
    if event.type == "dwell":
        return _float(event.data.get("seconds"))
    return now - visitor.page_since if visitor.page_since else 0.0


def _idle(event: Event, visitor: Visitor, now: float) -> float:
    if event.type == "cart_idle" and "seconds" in event.data:
        return _float(event.data.get("seconds"))
    return now - visitor.cart_changed if visitor.cart_changed else 0.0


def day_of(now: float) -> str:
    """The budget's day (UTC), also the report's bucket."""
    import datetime as dt

    return dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y%m%d")


def refusal(counters: dict[str, float], rule: Rule, session: int, now: float, limits: Limits) -> str | None:
    """Why the limits forbid firing `rule` now (None: they allow it).

    `counters` is the visitor's limits hash: ``s:<session>:<rule>`` once per session,
    ``c:<rule>`` the cooldown's end, ``d:<day>`` prompts fired that day.
    """
    if f"s:{session}:{rule.id}" in counters:
        return "session"
    if counters.get(f"c:{rule.id}", 0.0) > now:
        return "cooldown"
    if counters.get(f"d:{day_of(now)}", 0.0) >= limits.daily_budget:
        return "budget"
    return None


def count(counters: dict[str, float], rule: Rule, session: int, now: float) -> None:
    """Record a firing in `counters` (what the Redis script does atomically)."""
    counters[f"s:{session}:{rule.id}"] = 1
    counters[f"c:{rule.id}"] = now + rule.cooldown_s
    day = f"d:{day_of(now)}"
    counters[day] = counters.get(day, 0) + 1
