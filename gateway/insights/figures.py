"""Every dashboard and report figure, computed in one place from the store.

The filters pick conversations (started in the period, in the language, of the segment);
each figure then counts what happened in those conversations, even after the period's end.
Definitions are in the README ("Insights") and the docstrings below.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from contracts.signals import MISS_SOURCES
from gateway.insights import kinds
from gateway.insights.outcomes import OUTCOMES, SILENT
from gateway.insights.period import LANGS, Period, day_of
from gateway.insights.store import InsightsStore

TOP = 10
MIN_SAMPLE = 10  # fewer tickets than this: the dashboard says the percentiles are not yet meaningful
_TYPES = (kinds.TURN, kinds.KB_DECISION, kinds.MISS, kinds.CSAT, kinds.NPS, kinds.PROACTIVE_SHOWN,
          kinds.PROACTIVE_SUPPRESSED, kinds.AGENT_MESSAGE, "handoff_enqueued", "handoff_claimed",
          "handoff_resolved", "handoff_handed_back", "handoff_cancelled", "handoff_dead")
_CLOSED = ("resolved", "handed_back", "cancelled", "dead")


def percentile(values: list[float], p: float) -> float | None:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 1)


def censored_percentiles(observed: list[float], censored: list[float]) -> dict[str, Any]:
    """p50 and p95 of durations some of which are still running (``censored``: lasted at least this long).

    The censored ones count at their current length, so each percentile is a lower bound of the
    true one; it is exact when no censored value lies at or below it (their true values, larger
    still, cannot move it), and ``p50_at_least`` / ``p95_at_least`` say when it is only a bound.
    """
    values = observed + censored
    out: dict[str, Any] = {"n": len(values), "censored": len(censored), "enough": len(values) >= MIN_SAMPLE}
    for name, p in (("p50", 50), ("p95", 95)):
        value = out[name] = percentile(values, p)
        out[f"{name}_at_least"] = value is not None and any(round(c, 1) <= value for c in censored)
    return out


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class _Ticket:
    conversation_id: str
    enqueued: float
    reasons: list[str]
    claimed: float | None = None
    first_message: float | None = None
    closed: float | None = None
    outcome: str | None = None


@dataclass
class _Tally:
    tickets: dict[str, _Ticket] = field(default_factory=dict)
    turns: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    kb: Counter[str] = field(default_factory=Counter)
    articles: Counter[tuple[str, str]] = field(default_factory=Counter)  # (lang, article id)
    titles: dict[str, str] = field(default_factory=dict)
    misses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (lang, masked text)
    miss_kinds: dict[tuple[str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    failures: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # lang -> source
    csat: list[tuple[str, int]] = field(default_factory=list)
    nps: list[int] = field(default_factory=list)
    shown: list[tuple[str, float]] = field(default_factory=list)
    suppressed: Counter[str] = field(default_factory=Counter)  # by reason

    def add(self, conversation_id: str, ts: float, type_: str, fields: dict[str, Any], lang: str) -> None:
        if type_ == kinds.TURN:
            self.turns[conversation_id].append(ts)
        elif type_ == kinds.KB_DECISION:
            self.kb[fields["decision"]] += 1
            if fields["decision"] == "answer" and fields.get("article_id"):
                self.articles[lang, fields["article_id"]] += 1
                if fields.get("title"):
                    self.titles[fields["article_id"]] = fields["title"]
        elif type_ == kinds.MISS:
            self.failures[lang][fields["source"]] += 1
            text = " ".join(fields["question"].lower().split())
            self.misses[lang, text] += 1
            self.miss_kinds[lang, text][fields["source"]] += 1
        elif type_ == kinds.CSAT:
            self.csat.append((conversation_id, int(fields["score"])))
        elif type_ == kinds.NPS:
            self.nps.append(int(fields["score"]))
        elif type_ == kinds.PROACTIVE_SHOWN:
            self.shown.append((conversation_id, ts))
        elif type_ == kinds.PROACTIVE_SUPPRESSED:
            self.suppressed[fields.get("reason") or "unknown"] += 1
        elif type_ == kinds.AGENT_MESSAGE:
            ticket = self.tickets.get(fields["ticket_id"])
            if ticket is not None and ticket.first_message is None:
                ticket.first_message = ts
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
        elif kind in _CLOSED and ticket.closed is None:
            ticket.outcome, ticket.closed = kind, ts


def compute(store: InsightsStore, period: Period, now: float | None = None) -> dict[str, Any]:
    """Every figure; tickets still open at ``now`` (default: the present) count as censored waits."""
    where, params = _conversation_filter(period)
    conversations = store.query(f"SELECT id, started, outcome FROM conversations c WHERE {where}", params)
    day = {cid: day_of(started) for cid, started, _ in conversations}
    outcome = {cid: o for cid, _, o in conversations}
    tally = _Tally()
    marks = ",".join("?" * len(_TYPES))
    rows = store.query(
        f"SELECT e.conversation_id, e.ts, e.type, e.fields, c.lang FROM events e JOIN conversations c "
        f"ON c.id = e.conversation_id WHERE {where} AND e.type IN ({marks}) ORDER BY e.ts, e.id",
        [*params, *_TYPES])
    for conversation_id, ts, type_, fields, lang in rows:
        tally.add(conversation_id, ts, type_, json.loads(fields), lang or "")
    now = time.time() if now is None else now
    return {"period": period.to_api(), **_figures(tally, outcome, now), "trend": _trend(tally, day, outcome, period)}


def conversations_with(store: InsightsStore, period: Period, outcome: str, limit: int) -> list[tuple[str, str, str]]:
    """(id, ISO start time, language) of the newest conversations in the period with this outcome."""
    where, params = _conversation_filter(period)
    rows = store.query(f"SELECT id, started, lang FROM conversations c WHERE {where} AND c.outcome = ? "
                       "ORDER BY started DESC LIMIT ?", [*params, outcome, limit])
    return [(cid, dt.datetime.fromtimestamp(started, dt.UTC).isoformat(timespec="seconds"), lang or "")
            for cid, started, lang in rows]


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


def _figures(tally: _Tally, outcome: dict[str, str], now: float) -> dict[str, Any]:
    total = len(outcome)
    outcomes = Counter(outcome.values())
    spoke = total - outcomes[SILENT]
    tickets = list(tally.tickets.values())
    handed_off = {t.conversation_id for t in tickets}
    by_reason: Counter[str] = Counter()
    for reason, conversation_ids in _reasons(tickets).items():
        by_reason[reason] = len(conversation_ids)
    scores = [score for _, score in tally.csat]
    promoters, detractors = sum(s >= 9 for s in tally.nps), sum(s <= 6 for s in tally.nps)
    engaged = sum(any(t > shown_ts for t in tally.turns.get(cid, [])) for cid, shown_ts in tally.shown)
    return {
        "conversations": total,
        "turns": sum(len(ts) for ts in tally.turns.values()),
        "outcomes": {o: outcomes[o] for o in OUTCOMES},
        "contained": outcomes["bot_resolved"],
        "containment": _rate(outcomes["bot_resolved"], spoke),
        "handed_off": len(handed_off),
        "handoff_rate": _rate(len(handed_off), total),
        "handoffs_by_reason": [{"reason": r, "conversations": n, "rate": _rate(n, total)}
                               for r, n in sorted(by_reason.items(), key=lambda item: (-item[1], item[0]))],
        "tickets": len(tickets),
        "ticket_outcomes": {o: sum(t.outcome == o for t in tickets) for o in _CLOSED},
        "wait_s": _waits(tickets, now),
        "first_response_s": _first_responses(tickets, now),
        "csat": {"n": len(scores), "average": round(sum(scores) / len(scores), 2) if scores else None,
                 "distribution": {str(s): scores.count(s) for s in range(1, 6)}},
        "nps": {"n": len(tally.nps), "promoters": promoters, "detractors": detractors,
                "passives": len(tally.nps) - promoters - detractors,
                "score": round(100 * (promoters - detractors) / len(tally.nps), 1) if tally.nps else None},
        "kb": {d: tally.kb[d] for d in ("answer", "clarify", "none")},
        "failures": {lang: {source: tally.failures[lang][source] for source in MISS_SOURCES}
                     for lang in LANGS},
        "top_articles": {lang: [{"article_id": a, "title": tally.titles.get(a, a), "count": n}
                                for (_, a), n in _top(tally.articles, lang)] for lang in LANGS},
        "top_misses": {lang: [{"text": text, "kinds": dict(sorted(tally.miss_kinds[lang, text].items())),
                               "count": n} for (_, text), n in _top(tally.misses, lang)] for lang in LANGS},
        "proactive": {"shown": len(tally.shown), "engaged": engaged, "suppressed": sum(tally.suppressed.values()),
                      "suppressed_by_reason": dict(sorted(tally.suppressed.items()))},
    }


def _waits(tickets: list[_Ticket], now: float) -> dict[str, Any]:
    """Queue entry to claim; a ticket never claimed waited at least until it closed, or until now."""
    observed = [t.claimed - t.enqueued for t in tickets if t.claimed is not None]
    censored = [(t.closed or now) - t.enqueued for t in tickets if t.claimed is None]
    return censored_percentiles(observed, [max(0.0, c) for c in censored])


def _first_responses(tickets: list[_Ticket], now: float) -> dict[str, Any]:
    """Queue entry to the agent's first message to the shopper; without one, at least until close or now."""
    observed = [t.first_message - t.enqueued for t in tickets if t.first_message is not None]
    censored = [(t.closed or now) - t.enqueued for t in tickets if t.first_message is None]
    return censored_percentiles(observed, [max(0.0, c) for c in censored])


def _reasons(tickets: list[_Ticket]) -> dict[str, set[str]]:
    conversations: dict[str, set[str]] = defaultdict(set)
    for ticket in tickets:
        for reason in ticket.reasons:
            conversations[reason].add(ticket.conversation_id)
    return conversations


def _top(counter: Counter[tuple[str, str]], lang: str) -> list[tuple[tuple[str, str], int]]:
    mine = [(key, n) for key, n in counter.items() if key[0] == lang]
    return sorted(mine, key=lambda item: (-item[1], item[0]))[:TOP]


def _trend(tally: _Tally, day: dict[str, str], outcome: dict[str, str], period: Period) -> list[dict[str, Any]]:
    """Per day of conversation start: conversations, handed off, containment, CSAT average."""
    handed_off = {t.conversation_id for t in tally.tickets.values()}
    started: Counter[str] = Counter(day.values())
    spoke: Counter[str] = Counter(day[cid] for cid, o in outcome.items() if o != SILENT)
    contained: Counter[str] = Counter(day[cid] for cid, o in outcome.items() if o == "bot_resolved")
    off: Counter[str] = Counter(day[cid] for cid in handed_off if cid in day)
    csat: dict[str, list[int]] = defaultdict(list)
    for cid, score in tally.csat:
        csat[day[cid]].append(score)
    return [{"day": d, "conversations": started[d], "handed_off": off[d],
             "containment": _rate(contained[d], spoke[d]),
             "csat_average": round(sum(csat[d]) / len(csat[d]), 2) if csat[d] else None}
            for d in period.days()]
