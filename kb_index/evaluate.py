"""Labelled queries and the metrics we judge retrieval by.

A query file has one JSON object per line: {"text", "lang", "expected_id"} where
expected_id is null for out-of-scope questions (the right outcome is "none").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb_index.policy import ANSWER, CLARIFY, NONE


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    lang: str
    expected_id: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    expected_id: str | None
    ranked_ids: list[str]
    decision: str
    answered_id: str | None
    seconds: float = 0.0


def load_queries(path: Path) -> list[Query]:
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            queries.append(Query(str(row["text"]), str(row["lang"]), row.get("expected_id")))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: expected {{text, lang, expected_id}}: {exc}") from exc
    return queries


def metrics(outcomes: list[Outcome]) -> dict[str, Any]:
    """Top-1 and MRR@5 on in-scope queries; answer precision over every answer given
    (an answer to an out-of-scope question counts as wrong); coverage = share of
    in-scope questions answered outright; out-of-scope recall = share of
    out-of-scope questions that got "none"."""
    inscope = [o for o in outcomes if o.expected_id is not None]
    oos = [o for o in outcomes if o.expected_id is None]
    answers = [o for o in outcomes if o.decision == ANSWER]
    correct = [o for o in answers if o.answered_id == o.expected_id and o.expected_id is not None]
    resolved = [
        o for o in inscope
        if (o.decision == ANSWER and o.answered_id == o.expected_id)
        or (o.decision == CLARIFY and o.expected_id in o.ranked_ids[:3])
    ]
    out: dict[str, Any] = {
        "queries": len(outcomes),
        "in_scope": len(inscope),
        "out_of_scope": len(oos),
        "top1": _share(sum(o.ranked_ids[:1] == [o.expected_id] for o in inscope), len(inscope)),
        "mrr5": _share(sum(_rr(o) for o in inscope), len(inscope)),
        "answer_precision": _share(len(correct), len(answers)),
        "coverage": _share(sum(o.decision == ANSWER for o in inscope), len(inscope)),
        "resolved": _share(len(resolved), len(inscope)),
        "oos_recall": _share(sum(o.decision == NONE for o in oos), len(oos)),
    }
    if any(o.seconds for o in outcomes):
        ms = np.array([o.seconds * 1000 for o in outcomes])
        out["p50_ms"] = round(float(np.percentile(ms, 50)), 2)
        out["p95_ms"] = round(float(np.percentile(ms, 95)), 2)
    return out


def _rr(outcome: Outcome) -> float:
    ids = outcome.ranked_ids[:5]
    return 1.0 / (ids.index(outcome.expected_id) + 1) if outcome.expected_id in ids else 0.0


def _share(part: float, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
