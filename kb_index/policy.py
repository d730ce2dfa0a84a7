"""Per-language answering policy: how to fuse, and when to answer, clarify or abstain.

The decision looks at the fused score of the best article and its lead over the
runner-up: a high score with a clear lead is an answer; a plausible score without a
clear lead asks the shopper to choose; anything else hands over to a human.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ANSWER, CLARIFY, NONE = "answer", "clarify", "none"


@dataclass(frozen=True, slots=True)
class Policy:
    fusion: str = "weighted"
    weight: float = 0.5
    answer: float = 0.6
    margin: float = 0.05
    clarify: float = 0.45

    def decide(self, top: float | None, runner_up: float | None) -> str:
        if top is None:
            return NONE
        lead = top - (runner_up if runner_up is not None else 0.0)
        if top >= self.answer and lead >= self.margin:
            return ANSWER
        if top >= self.clarify:
            return CLARIFY
        return NONE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Policy:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
