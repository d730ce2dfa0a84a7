"""Every dashboard and report figure, computed in one place from the store.

The filters pick conversations (started in the period, in the language, of the segment);
each figure then counts what happened in those conversations, even after the period's end.
Definitions are in the README ("Insights") and the docstrings below.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from gateway.insights import kinds
from gateway.insights.period import Period, day_of
from gateway.insights.store import InsightsStore

TOP = 10
_TYPES = (kinds.TURN, kinds.KB_DECISION, kinds.CSAT, kinds.NPS, kinds.PROACTIVE_SHOWN, kinds.PROACTIVE_SUPPRESSED,
          "handoff_enqueued", "handoff_claimed", "handoff_resolved", "handoff_handed_back",
          "handoff_cancelled", "handoff_dead")
_OUTCOMES = ("resolved", "handed_back", "cancelled", "dead")


def percentile(values: list[float], p: float) -> float | None:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 1)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class _Ticket:
    conversation_id: str
    enqueued: float
    reasons: list[str]
    claimed: float | None = None
    first_message: float | None = None
    outcome: str | None = None


@dataclass
class _Tally:
    tickets: dict[str, _Ticket] = field(default_factory=dict)
    turns: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    kb: Counter[str] = field(default_factory=Counter)
    articles: Counter[str] = field(default_factory=Counter)
    misses: Counter[tuple[str, str]] = field(default_factory=Counter)
    csat: list[tuple[str, int]] = field(default_factory=list)
    nps: list[int] = field(default_factory=list)
    shown: list[tuple[str, float]] = field(default_factory=list)
    suppressed: int = 0

    def add(self, conversation_id: str, ts: float, type_: str, fields: dict[str, Any], lang: str) -> None:
        if type_ == kinds.TURN:
            self.turns[conversation_id].append(ts)
        elif type_ == kinds.KB_DECISION:
            self.kb[fields["decision"]] += 1
            if fields["decision"] == "answer" and fields.get("article_id"):
                self.articles[fields["article_id"]] += 1
            elif fields["decision"] == "none" and fields.get("question"):
                self.misses[lang, " ".join(fields["question"].lower().split())] += 1
        elif type_ == kinds.CSAT:
            self.csat.append((conversation_id, int(fields["score"])))
        elif type_ == kinds.NPS:
            self.nps.append(int(fields["score"]))
        elif type_ == kinds.PROACTIVE_SHOWN:
            self.shown.append((conversation_id, ts))
        elif type_ == kinds.PROACTIVE_SUPPRESSED:
            self.suppressed += 1
        elif type_.startswith("handoff_"):
            self._handoff(conversation_id, ts, type_.removeprefix("handoff_"), fields)

    def _handoff(self, conversation_id: str, ts: float, kind: str, fields: dict[str, Any]) -> None:
        ticket_id = fields["ticket_id"]
        if kind == "enqueued":
            self.tickets.setdefault(ticket_id, _Ticket(conversation_id, ts, list(fields.get("reasons") or [])))
            return
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            return
        if kind == "claimed" and ticket.claimed is None:
            ticket.claimed = ts
        elif kind in _OUTCOMES:
            ticket.outcome = kind
            ticket.first_message = ticket.first_message or fields.get("first_agent_message_ts")


def compute(store: InsightsStore, period: Period) -> dict[str, Any]:
    where, params = _conversation_filter(period)
    conversations = store.query(f"SELECT id, started FROM conversations c WHERE {where}", params)
    day = {cid: day_of(started) for cid, started in conversations}
    tally = _Tally()
    marks = ",".join("?" * len(_TYPES))
    rows = store.query(
        f"SELECT e.conversation_id, e.ts, e.type, e.fields, c.lang FROM events e JOIN conversations c "
        f"ON c.id = e.conversation_id WHERE {where} AND e.type IN ({marks}) ORDER BY e.ts, e.id",
        [*params, *_TYPES])
    for conversation_id, ts, type_, fields, lang in rows:
        tally.add(conversation_id, ts, type_, json.loads(fields), lang or "")
    return {"period": period.to_api(), **_figures(tally, day), "trend": _trend(tally, day, period)}


def _conversation_filter(period: Period) -> tuple[str, list[Any]]:
    clauses, params = ["c.started >= ?", "c.started < ?"], [period.start_ts, period.end_ts]  # type: list[str], list[Any]
    if period.lang:
        clauses.append("c.lang = ?")
        params.append(period.lang)
    if period.segment == "unknown":
        clauses.append("c.segment IS NULL")
    elif period.segment:
        clauses.append("c.segment = ?")
        params.append(period.segment)
    return " AND ".join(clauses), params


def _figures(tally: _Tally, day: dict[str, str]) -> dict[str, Any]:
    total = len(day)
    tickets = list(tally.tickets.values())
    handed_off = {t.conversation_id for t in tickets}
    by_reason: Counter[str] = Counter()
    for reason, conversation_ids in _reasons(tickets).items():
        by_reason[reason] = len(conversation_ids)
    waits = [t.claimed - t.enqueued for t in tickets if t.claimed is not None]
    responses = [t.first_message - t.enqueued for t in tickets if t.first_message is not None]
    scores = [score for _, score in tally.csat]
    promoters, detractors = sum(s >= 9 for s in tally.nps), sum(s <= 6 for s in tally.nps)
    engaged = sum(any(t > shown_ts for t in tally.turns.get(cid, [])) for cid, shown_ts in tally.shown)
    return {
        "conversations": total,
        "turns": sum(len(ts) for ts in tally.turns.values()),
        "contained": total - len(handed_off),
        "containment": _rate(total - len(handed_off), total),
        "handed_off": len(handed_off),
        "handoff_rate": _rate(len(handed_off), total),
        "handoffs_by_reason": [{"reason": r, "conversations": n, "rate": _rate(n, total)}
                               for r, n in sorted(by_reason.items(), key=lambda item: (-item[1], item[0]))],
        "tickets": len(tickets),
        "outcomes": {o: sum(t.outcome == o for t in tickets) for o in _OUTCOMES},
        "wait_s": {"n": len(waits), "p50": percentile(waits, 50), "p95": percentile(waits, 95)},
        "first_response_s": {"n": len(responses), "p50": percentile(responses, 50),
                             "p95": percentile(responses, 95)},
        "csat": {"n": len(scores), "average": round(sum(scores) / len(scores), 2) if scores else None,
                 "distribution": {str(s): scores.count(s) for s in range(1, 6)}},
        "nps": {"n": len(tally.nps), "promoters": promoters, "detractors": detractors,
                "passives": len(tally.nps) - promoters - detractors,
                "score": round(100 * (promoters - detractors) / len(tally.nps), 1) if tally.nps else None},
        "kb": {d: tally.kb[d] for d in ("answer", "clarify", "none")},
        "top_articles": [{"article_id": a, "count": n} for a, n in _top(tally.articles)],
        "top_misses": [{"lang": lang, "text": text, "count": n} for (lang, text), n in _top(tally.misses)],
        "proactive": {"shown": len(tally.shown), "engaged": engaged, "suppressed": tally.suppressed},
    }


def _reasons(tickets: list[_Ticket]) -> dict[str, set[str]]:
    conversations: dict[str, set[str]] = defaultdict(set)
    for ticket in tickets:
        for reason in ticket.reasons:
            conversations[reason].add(ticket.conversation_id)
    return conversations


def _top(counter: Counter[Any]) -> list[tuple[Any, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:TOP]


def _trend(tally: _Tally, day: dict[str, str], period: Period) -> list[dict[str, Any]]:
    """Per day of conversation start: conversations, handed off, containment, CSAT average."""
    handed_off = {t.conversation_id for t in tally.tickets.values()}
    started: Counter[str] = Counter(day.values())
    off: Counter[str] = Counter(day[cid] for cid in handed_off if cid in day)
    csat: dict[str, list[int]] = defaultdict(list)
    for cid, score in tally.csat:
        csat[day[cid]].append(score)
    return [{"day": d, "conversations": started[d], "handed_off": off[d],
             "containment": _rate(started[d] - off[d], started[d]),
             "csat_average": round(sum(csat[d]) / len(csat[d]), 2) if csat[d] else None}
            for d in period.days()]
