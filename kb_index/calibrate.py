"""Choosing fusion and thresholds per language from the labelled dev set.

For every dev query the dense and lexical evidence is computed once; each candidate
configuration (dense only, BM25 only, RRF, weighted with w in 0.1..0.9) is then
re-fused cheaply. For a configuration the thresholds are chosen so that:

1. `clarify` is the lowest score that still sends OOS_TARGET of out-of-scope
   questions to "none";
2. `answer` and `margin` maximise coverage subject to answer precision of at least
   PRECISION_TARGET (answers to out-of-scope questions count as wrong).

The targets sit a little above the product goals (0.80 / 0.95) as headroom for
questions the dev set did not anticipate. The winner between RRF and the best
weighted blend is the one with the better top-1, then coverage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from kb_index.evaluate import Outcome, metrics
from kb_index.fusion import fuse, ranked
from kb_index.index import RANKED, LangIndex
from kb_index.policy import ANSWER, Policy

PRECISION_TARGET = 0.96
OOS_TARGET = 0.85
WEIGHTS = tuple(round(w, 1) for w in np.arange(0.1, 1.0, 0.1))
MARGINS = (0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15)


@dataclass(frozen=True, slots=True)
class Evidence:
    dense: dict[int, float]
    lexical: dict[int, float]
    expected: int | None  # article position, None when out of scope


def calibrate(index: LangIndex, evidence: list[Evidence]) -> tuple[Policy, dict[str, Any]]:
    """Returns the chosen policy and a comparison table (metrics per configuration)."""
    scale = index.lexical.scale
    ranks = {w: _rank_all(evidence, "weighted", w, scale) for w in WEIGHTS}
    best_w = max(WEIGHTS, key=lambda w: (_top1(ranks[w], evidence), _mrr(ranks[w], evidence), -abs(w - 0.5)))
    configs = {
        "dense": Policy(fusion="weighted", weight=1.0),
        "bm25": Policy(fusion="weighted", weight=0.0),
        "rrf": Policy(fusion="rrf", weight=0.0),
        "weighted": Policy(fusion="weighted", weight=best_w),
    }
    table: dict[str, Any] = {}
    chosen: dict[str, Policy] = {}
    for name, base in configs.items():
        orders = _rank_all(evidence, base.fusion, base.weight, scale)
        policy = _thresholds(base, orders, evidence)
        chosen[name] = policy
        table[name] = {"policy": policy.to_dict(), **metrics(_outcomes(index, orders, evidence, policy))}
    winner = max(("rrf", "weighted"), key=lambda n: (table[n]["top1"] or 0, table[n]["coverage"] or 0))
    table["chosen"] = winner
    return chosen[winner], table


def _rank_all(evidence: list[Evidence], method: str, weight: float, scale: float) -> list[list[tuple[int, float]]]:
    return [ranked(fuse(method, e.dense, e.lexical, scale, weight)) for e in evidence]


def _top1(orders: list[list[tuple[int, float]]], evidence: list[Evidence]) -> float:
    pairs = [(o, e) for o, e in zip(orders, evidence, strict=True) if e.expected is not None]
    return sum(bool(o) and o[0][0] == e.expected for o, e in pairs) / max(len(pairs), 1)


def _mrr(orders: list[list[tuple[int, float]]], evidence: list[Evidence]) -> float:
    total = 0.0
    for order, e in zip(orders, evidence, strict=True):
        ids = [a for a, _ in order[:RANKED]]
        if e.expected is not None and e.expected in ids:
            total += 1.0 / (ids.index(e.expected) + 1)
    return total


def _thresholds(base: Policy, orders: list[list[tuple[int, float]]], evidence: list[Evidence]) -> Policy:
    top = np.array([o[0][1] if o else -1.0 for o in orders])
    lead = np.array([(o[0][1] - (o[1][1] if len(o) > 1 else 0.0)) if o else 0.0 for o in orders])
    oos = np.array([e.expected is None for e in evidence])
    right = np.array([bool(o) and o[0][0] == e.expected for o, e in zip(orders, evidence, strict=True)])

    oos_tops = np.sort(top[oos])
    if len(oos_tops):
        needed = math.ceil(OOS_TARGET * len(oos_tops))
        clarify = float(oos_tops[needed - 1]) + 1e-6
    else:
        clarify = float(np.min(top)) if len(top) else 0.0

    best = (0.0, math.inf, 0.0)  # coverage, answer threshold, margin
    candidates = np.unique(top[top >= clarify])
    for margin in MARGINS:
        eligible = lead >= margin
        for a in candidates:
            answered = eligible & (top >= a)
            n = int(answered.sum())
            if n == 0 or (right & answered).sum() / n < PRECISION_TARGET:
                continue
            coverage = float((answered & ~oos).sum())
            if coverage > best[0] or (coverage == best[0] and a + margin > best[1] + best[2]):
                best = (coverage, float(a), margin)
    _, answer, margin = best
    answer = answer if math.isfinite(answer) else 1e9  # no feasible point: never answer outright
    return Policy(fusion=base.fusion, weight=base.weight, answer=answer, margin=margin, clarify=clarify)


def _outcomes(
    index: LangIndex, orders: list[list[tuple[int, float]]], evidence: list[Evidence], policy: Policy
) -> list[Outcome]:
    out = []
    for order, e in zip(orders, evidence, strict=True):
        ids = [index.articles[a].id for a, _ in order[:RANKED]]
        decision = policy.decide(order[0][1] if order else None, order[1][1] if len(order) > 1 else None)
        expected = index.articles[e.expected].id if e.expected is not None else None
        out.append(Outcome(expected, ids, decision, ids[0] if decision == ANSWER else None))
    return out
