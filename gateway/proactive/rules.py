"""The proactive rules file: parsing and validation, with the line of every problem.

A broken file raises `RulesError` naming the line; the caller keeps the old rules live.
The format is documented in docs/proactive.md and by the shipped `proactive_rules.yml`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BROWSER_EVENTS = frozenset({"page_view", "dwell", "scroll_depth", "cart_update", "cart_idle", "exit_intent",
                            "checkout_error", "search", "typing"})
SHOP_EVENTS = frozenset({"order_delayed", "payment_failed", "back_in_stock"})
PAGE_TYPES = frozenset({"home", "product", "category", "cart", "checkout", "search", "order", "other"})
_CONDITIONS = {"event", "page_type", "dwell_s_min", "cart_value_min", "idle_s_min", "segment", "locale",
               "returning", "business_hours", "search_results_max", "error_code", "scroll_min"}
_RULE_FIELDS = {"id", "priority", "when", "cooldown_s", "trigger"}


class RulesError(Exception):
    """The rules file is invalid; the message names the line."""


@dataclass(frozen=True)
class BusinessHours:
    start_h: int = 9
    end_h: int = 18
    utc_offset_h: float = 0.0
    weekdays: frozenset[int] = frozenset(range(5))  # Monday = 0

    def open_at(self, now: float) -> bool:
        import datetime as dt

        local = dt.datetime.fromtimestamp(now, dt.UTC) + dt.timedelta(hours=self.utc_offset_h)
        return local.weekday() in self.weekdays and self.start_h <= local.hour < self.end_h


@dataclass(frozen=True)
class Conditions:
    events: frozenset[str]
    page_types: frozenset[str] = frozenset()
    dwell_s_min: float | None = None
    cart_value_min: float | None = None
    idle_s_min: float | None = None
    segments: frozenset[str] = frozenset()
    locales: frozenset[str] = frozenset()
    returning: bool | None = None
    business_hours: bool | None = None
    search_results_max: int | None = None
    error_codes: frozenset[str] = frozenset()
    scroll_min: float | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    priority: int
    when: Conditions
    cooldown_s: float
    intent: str
    entities: dict[str, str] = field(default_factory=dict)
    pass_data: tuple[str, ...] = ()  # event data fields copied into the entities
    line: int = 0


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    business_hours: BusinessHours
    source: str = ""


class _LineLoader(yaml.SafeLoader):
    """Remembers the line of every mapping under the key `__line__`."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = loader.construct_mapping(node, deep=True)  # type: ignore[assignment]
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def load(path: Path) -> RuleSet:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{path}: cannot read ({exc.strerror})") from None
    return parse(text, str(path))


def parse(text: str, source: str = "<rules>") -> RuleSet:
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "unknown line"
        raise RulesError(f"{source}: {where}: invalid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise RulesError(f"{source}: line 1: expected a mapping with a 'rules' list")
    hours = _business_hours(document.get("business_hours") or {}, source)
    rules: list[Rule] = []
    for raw in document["rules"]:
        rule = _rule(raw, source)
        if any(r.id == rule.id for r in rules):
            raise RulesError(f"{source}: line {rule.line}: duplicate rule id {rule.id!r}")
        rules.append(rule)
    return RuleSet(tuple(sorted(rules, key=lambda r: -r.priority)), hours, source)


def _fail(source: str, raw: Any, message: str) -> RulesError:
    line = raw.get("__line__", 0) if isinstance(raw, dict) else 0
    return RulesError(f"{source}: line {line}: {message}")


def _business_hours(raw: dict[str, Any], source: str) -> BusinessHours:
    try:
        hours = BusinessHours(
            start_h=int(raw.get("start_h", 9)), end_h=int(raw.get("end_h", 18)),
            utc_offset_h=float(raw.get("utc_offset_h", 0)),
            weekdays=frozenset(int(d) for d in raw.get("weekdays", range(5))),
        )
    except (TypeError, ValueError) as exc:
        raise _fail(source, raw, f"business_hours: {exc}") from None
    if not (0 <= hours.start_h < hours.end_h <= 24) or not hours.weekdays <= set(range(7)):
        raise _fail(source, raw, "business_hours: need 0 <= start_h < end_h <= 24 and weekdays 0-6")
    return hours


def _names(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    return frozenset(str(v) for v in (value if isinstance(value, list) else [value]))


def _rule(raw: Any, source: str) -> Rule:
    if not isinstance(raw, dict):
        raise RulesError(f"{source}: every rule must be a mapping")
    unknown = set(raw) - _RULE_FIELDS - {"__line__"}
    if unknown:
        raise _fail(source, raw, f"unknown rule fields: {', '.join(sorted(unknown))}")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.replace("_", "").isalnum():
        raise _fail(source, raw, "'id' must be letters, digits and '_'")
    when = raw.get("when")
    if not isinstance(when, dict):
        raise _fail(source, raw, f"rule {rule_id}: 'when' must be a mapping")
    unknown = set(when) - _CONDITIONS - {"__line__"}
    if unknown:
        raise _fail(source, when, f"rule {rule_id}: unknown conditions: {', '.join(sorted(unknown))}")
    events = _names(when.get("event"))
    if not events or not events <= (BROWSER_EVENTS | SHOP_EVENTS):
        raise _fail(source, when, f"rule {rule_id}: 'event' must name known event types")
    pages = _names(when.get("page_type"))
    if not pages <= PAGE_TYPES:
        raise _fail(source, when, f"rule {rule_id}: unknown page_type {sorted(pages - PAGE_TYPES)}")
    trigger = raw.get("trigger")
    if not isinstance(trigger, dict) or not isinstance(trigger.get("intent"), str):
        raise _fail(source, raw, f"rule {rule_id}: 'trigger' needs an 'intent'")
    if not trigger["intent"].startswith("EXTERNAL_"):
        raise _fail(source, trigger, f"rule {rule_id}: the intent must be an EXTERNAL_ intent")
    entities = trigger.get("entities") or {}
    if not isinstance(entities, dict):
        raise _fail(source, trigger, f"rule {rule_id}: 'entities' must be a mapping")
    try:
        return Rule(
            id=rule_id, priority=int(raw.get("priority", 0)), cooldown_s=float(raw.get("cooldown_s", 0)),
            when=Conditions(
                events=events, page_types=pages, segments=_names(when.get("segment")),
                locales=_names(when.get("locale")), error_codes=_names(when.get("error_code")),
                dwell_s_min=_number(when, "dwell_s_min"), cart_value_min=_number(when, "cart_value_min"),
                idle_s_min=_number(when, "idle_s_min"), scroll_min=_number(when, "scroll_min"),
                search_results_max=None if when.get("search_results_max") is None
                else int(when["search_results_max"]),
                returning=_flag(when, "returning"), business_hours=_flag(when, "business_hours"),
            ),
            intent=trigger["intent"],
            entities={str(k): str(v) for k, v in entities.items() if k != "__line__"},
            pass_data=tuple(str(f) for f in trigger.get("pass_data") or ()),
            line=raw["__line__"],
        )
    except (TypeError, ValueError) as exc:
        raise _fail(source, raw, f"rule {rule_id}: {exc}") from None


def _number(when: dict[str, Any], name: str) -> float | None:
    value = when.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number")
    return float(value)


def _flag(when: dict[str, Any], name: str) -> bool | None:
    value = when.get(name)
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false")
    return value
