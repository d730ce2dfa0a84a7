"""Validating raw behaviour and shop events: bounded, typed, never trusted.

An event that cannot be used is dropped with a reason (reported back to the caller), never
an error for the whole batch: one bad event from a widget must not lose the others.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from gateway.proactive.engine import Event
from gateway.proactive.rules import BROWSER_EVENTS, PAGE_TYPES, SHOP_EVENTS

FUTURE_SKEW_S = 60.0
_MAX_DATA_FIELDS = 20
_MAX_STRING = 256
MAX_CART_LINES = 20
_MAX_LINE_NAME = 80
_MAX_QTY = 999
_MAX_URL = 500


class Dropped(Exception):
    """The event is not used; the message is the reason given back."""


def browser_event(raw: Any, now: float, max_age_s: float) -> Event:
    return _event(raw, now, max_age_s, BROWSER_EVENTS)


def shop_event(raw: Any, now: float, max_age_s: float) -> tuple[Event, str, str | None]:
    """A shop event with the customer it is about and the customer's segment, if given."""
    event = _event(raw, now, max_age_s, SHOP_EVENTS)
    customer_id = raw.get("customer_id")
    if not isinstance(customer_id, str) or not 0 < len(customer_id) <= 64:
        raise Dropped("customer_id must be a string of 1-64 characters")
    segment = raw.get("segment")
    if segment is not None and (not isinstance(segment, str) or len(segment) > 32):
        raise Dropped("segment must be a string of at most 32 characters")
    return event, customer_id, segment


def _event(raw: Any, now: float, max_age_s: float, types: frozenset[str]) -> Event:
    if not isinstance(raw, dict):
        raise Dropped("not an object")
    kind = raw.get("type")
    if kind not in types:
        raise Dropped("unknown event type")
    ts = raw.get("ts")
    if isinstance(ts, bool) or not isinstance(ts, int | float):
        raise Dropped("ts must be a number (seconds since the epoch)")
    if ts > now + FUTURE_SKEW_S:
        raise Dropped("ts is in the future")
    if ts < now - max_age_s:
        raise Dropped("ts is too old")
    page = raw.get("page") or {}
    page_type = page.get("type", "other") if isinstance(page, dict) else None
    if page_type not in PAGE_TYPES:
        raise Dropped("unknown page type")
    data = raw.get("data") or {}
    if not isinstance(data, dict) or len(data) > _MAX_DATA_FIELDS:
        raise Dropped(f"data must be an object of at most {_MAX_DATA_FIELDS} fields")
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str):
            clean[str(key)[:64]] = value[:_MAX_STRING]
        elif isinstance(value, bool | int | float) or value is None:
            clean[str(key)[:64]] = value
        elif kind == "cart_update" and key == "items" and isinstance(value, list):
            clean["items"] = cart_lines(value)  # the agent sees what is in the cart
        elif isinstance(value, list):
            clean[str(key)[:64]] = len(value)  # any other list: only its length is kept
    url = page.get("url") if isinstance(page, dict) else None
    if isinstance(url, str) and url:
        clean["path"] = page_path(url)
    return Event(type=kind, ts=float(ts), page_type=page_type, data=clean)


def cart_lines(raw: list[Any]) -> list[dict[str, Any]]:
    """The shop's cart lines as name, quantity and unit price; malformed lines are left out."""
    lines = []
    for line in raw[:MAX_CART_LINES]:
        if not isinstance(line, dict):
            continue
        name, qty, price = line.get("name"), line.get("qty"), line.get("price")
        if not isinstance(name, str) or not name.strip() or not name.isprintable():
            continue
        if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= _MAX_QTY:
            continue
        if isinstance(price, bool) or not isinstance(price, int | float) or not 0 <= price < 1e12:
            continue
        lines.append({"name": name.strip()[:_MAX_LINE_NAME], "qty": qty, "price": price})
    return lines


def page_path(url: str) -> str:
    """The path of a page URL, without query or fragment (they may carry tokens or e-mail addresses)."""
    path = urlsplit(url[:_MAX_URL]).path or "/"
    return "".join(c for c in path if c.isprintable())[:200]
