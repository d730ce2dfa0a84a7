"""The escalation policy: which signals hand a conversation to a person, and how urgently.

Pure and synchronous (signals in, decision out), so every rule is tested on its own.
Each rule has a reason code (shown to agents and used for routing reports) and a
priority (0-100, higher is served first by the handoff queue).  A ticket's priority is
its strongest reason plus 2 for each further reason, capped at 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REPEAT_WINDOW_DAYS = 7
MISSES_BEFORE_HANDOFF = 2
ORDER_PROBLEM_INTENTS = frozenset({
    "cancel_order", "return_or_exchange", "refund_status", "payment_problem", "change_address",
    "coupon_problem", "complaint",
})


@dataclass(frozen=True)
class Rule:
    code: str
    priority: int
    description: str


RULES = {rule.code: rule for rule in (
    Rule("fraud_suspected", 95, "The shopper reports an unauthorised payment or account misuse."),
    Rule("payment_issue", 85, "Charged twice or a wrong amount taken (a declined payment is answered, not escalated)."),
    Rule("anger", 80, "Anger or strong frustration (lexicon score >= 2)."),
    Rule("damaged_item", 70, "An item arrived damaged or defective."),
    Rule("missing_item", 70, "An item or parcel is missing."),
    Rule("vip_order_problem", 70, "A VIP customer has a problem with an order."),
    Rule("high_value_order", 65, "A problem with an order above SHOPASSIST_ESCALATE_ORDER_VALUE."),
    Rule("repeat_issue", 60, f"The same problem was raised in another conversation within "
                             f"{REPEAT_WINDOW_DAYS} days."),
    Rule("human_requested", 50, "The shopper asked for a person."),
    Rule("repeated_misunderstanding", 40,
         f"{MISSES_BEFORE_HANDOFF} misses in a row: NLU fallback, no KB answer, or 'this did not help'."),
)}


@dataclass(frozen=True)
class Signals:
    intent: str
    human_requested: bool = False
    misses_in_a_row: int = 0
    anger_score: float = 0.0
    segment: str | None = None
    order_total: int | None = None
    order_problem: bool = False
    problems: frozenset[str] = field(default_factory=frozenset)
    raised_before: bool = False
    awaiting_reply: bool = False  # this turn ends with a question: which order? would you like a person?
    self_served: bool = False  # the answer lets the shopper do it themselves


@dataclass(frozen=True)
class Decision:
    reasons: tuple[str, ...]
    priority: int

    @property
    def escalate(self) -> bool:
        return bool(self.reasons)


def decide(signals: Signals, order_value_limit: int, anger_threshold: float = 2.0) -> Decision:
    problem = signals.order_problem or signals.intent in ORDER_PROBLEM_INTENTS or bool(signals.problems)
    # who the shopper is (VIP, a big order, a second time) waits for the answer to the bot's question
    # (which order? would you like a person? — a Yes hands over) and needs no person for what the
    # shopper can do themselves; what happened to them (fraud, damage, anger) hands over at once
    soft = problem and not (signals.awaiting_reply or signals.self_served)
    fired = [
        ("fraud_suspected", "fraud" in signals.problems),
        ("payment_issue", "double_charge" in signals.problems),
        ("anger", signals.anger_score >= anger_threshold),
        # "my card doesn't work" names no damaged item
        ("damaged_item", "damaged" in signals.problems and signals.intent != "payment_problem"),
        ("missing_item", "missing" in signals.problems),
        ("vip_order_problem", soft and signals.segment == "vip"),
        ("high_value_order", soft and (signals.order_total or 0) > order_value_limit),
        ("repeat_issue", soft and signals.raised_before),
        ("human_requested", signals.human_requested),
        ("repeated_misunderstanding", signals.misses_in_a_row >= MISSES_BEFORE_HANDOFF),
    ]
    reasons = tuple(sorted((code for code, hit in fired if hit), key=lambda c: -RULES[c].priority))
    if not reasons:
        return Decision((), 0)
    return Decision(reasons, min(100, RULES[reasons[0]].priority + 2 * (len(reasons) - 1)))
