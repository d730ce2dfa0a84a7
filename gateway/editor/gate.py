"""The deploy gate: a candidate's NLU report against the live version's metrics.

Refused when macro-F1 (overall, or in either language) drops more than `max_drop` below
the live version's, or when any intent's held-out F1 falls under `floor`.  Per-language
macro-F1 is gated too because one pipeline serves both languages: a Korean-only regression
can hide in the pooled score.  The floor applies to pooled per-intent F1, where an intent
has about ten held-out examples; per language (about five) a single miss moves F1 by 0.1-0.2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GateVerdict:
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems

    def message(self) -> str:
        return "; ".join(self.problems)


def metrics_of(report: dict[str, Any]) -> dict[str, Any]:
    """What a version record keeps of its report: enough to gate the next deploy."""
    return {
        "macro_f1": report["macro_f1"],
        "per_intent": {intent: row["f1"] for intent, row in report["per_intent"].items()},
        "lang": {lang: scores.get("macro_f1") for lang, scores in report["lang"].items()},
    }


def check(candidate: dict[str, Any], live: dict[str, Any] | None, *, max_drop: float, floor: float) -> GateVerdict:
    """`candidate` and `live` are `metrics_of` dicts; `live` is None before the first deploy."""
    drops = []
    if live is not None:
        scores = [("macro-F1", candidate["macro_f1"], live["macro_f1"])]
        scores += [(f"macro-F1 ({lang})", candidate["lang"].get(lang), live_f1)
                   for lang, live_f1 in sorted(live.get("lang", {}).items())]
        drops = [f"{name} {new:.3f} is {old - new:.3f} below the live {old:.3f} (allowed drop {max_drop:.3f})"
                 for name, new, old in scores if new is not None and old is not None and old - new > max_drop + 1e-9]
    floors = [f"intent {intent}: F1 {f1:.3f} is under the floor {floor:.2f}"
              for intent, f1 in sorted(candidate["per_intent"].items()) if f1 < floor]
    return GateVerdict(drops + floors)
