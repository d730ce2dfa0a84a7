"""The handoff request an agent receives: everything needed to help without re-asking.

Built from the tracker (transcript, intents with confidences, entities, sentiment trend,
articles shown) and the shop (profile, segment, recent orders).  Bounded in size: the
handoff queue refuses contexts over 64 KiB, and agents read the last turns first.
"""

from __future__ import annotations

import logging
from typing import Any

from actions import lexicon
from actions.escalation.policy import RULES, Decision
from actions.turn import Turn

log = logging.getLogger(__name__)
MAX_MESSAGES = 40
MAX_TEXT = 500
RECENT_ORDERS = 5


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def transcript(turn: Turn) -> list[dict[str, Any]]:
    lines = [
        {"sender": "shopper" if e["event"] == "user" else "bot", "text": _clip(str(e.get("text") or "")),
         "ts": e.get("timestamp")}
        for e in turn.tracker.events if e.get("event") in ("user", "bot") and e.get("text")
    ]
    lines += [{"sender": "bot", "text": _clip(m["text"]), "ts": None} for m in turn.messages]
    return lines[-MAX_MESSAGES:]


def understanding(turn: Turn) -> list[dict[str, Any]]:
    """Per shopper message: the intent with its confidence, entities, and the anger score."""
    out = []
    for event in turn.tracker.events:
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        intent = parse.get("intent") or {}
        text = str(event.get("text") or "")
        out.append({
            "text": _clip(text), "intent": intent.get("name"),
            "confidence": round(float(intent.get("confidence") or 0), 3),
            "entities": [{"entity": e.get("entity"), "value": e.get("value")}
                         for e in parse.get("entities") or []],
            "anger": lexicon.score(text).score,
        })
    return out[-MAX_MESSAGES:]


async def build(turn: Turn, decision: Decision, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    profile: dict[str, Any] | None = None
    orders: list[dict[str, Any]] = []
    notes: list[str] = []
    if turn.customer_id and turn.personalised:  # without consent: only what the shopper said in the chat
        from actions import runtime
        from actions.shop import ShopUnavailable

        try:
            customer = await turn.customer()
            if customer is not None:
                profile = {**customer.to_json(), "segment": customer.segment}
            orders = [o.summary() for o in await runtime.shop().orders(turn.customer_id, limit=RECENT_ORDERS)]
        except ShopUnavailable as exc:
            notes.append(f"shop data unavailable: {exc}")
    nlu = understanding(turn)
    context: dict[str, Any] = {
        "conversation_id": turn.conversation_id,
        "language": turn.language,
        "customer": profile or {"id": turn.customer_id, "verified": bool(turn.customer_id)},
        "segment": profile["segment"] if profile else "unknown",
        "page": turn.metadata.get("page") or None,
        "cart": turn.metadata.get("cart") or None,
        "page_trail": list(turn.metadata.get("trail") or []),
        "recent_orders": orders,
        "order": turn.order.summary() if turn.order else None,
        "transcript": transcript(turn),
        "nlu": nlu,
        "sentiment_trend": [m["anger"] for m in nlu],
        "kb_articles_shown": list(turn.slot("kb_shown") or []),
        "reasons": [{"code": c, "priority": RULES[c].priority, "why": RULES[c].description}
                    for c in decision.reasons],
        "priority": decision.priority,
        "notes": notes,
    }
    if extra:
        context.update(extra)
    return context
