"""Every escalation rule fires on its own signal, with its reason code and priority."""

from __future__ import annotations

import pytest

from actions.escalation.policy import RULES, Signals, decide

LIMIT = 1_000_000


@pytest.mark.parametrize(("signals", "code"), [
    (Signals("request_human", human_requested=True), "human_requested"),
    (Signals("nlu_fallback", misses_in_a_row=2), "repeated_misunderstanding"),
    (Signals("order_status", anger_score=3.0), "anger"),
    (Signals("return_or_exchange", segment="vip"), "vip_order_problem"),
    (Signals("cancel_order", order_total=LIMIT + 1), "high_value_order"),
    (Signals("payment_problem", problems=frozenset({"double_charge"})), "payment_issue"),
    (Signals("complaint", problems=frozenset({"damaged"})), "damaged_item"),
    (Signals("complaint", problems=frozenset({"missing"})), "missing_item"),
    (Signals("refund_status", raised_before=True), "repeat_issue"),
])
def test_each_rule_fires_alone(signals: Signals, code: str) -> None:
    decision = decide(signals, LIMIT)
    assert decision.reasons == (code,)
    assert decision.priority == RULES[code].priority


def test_fraud_is_the_most_urgent() -> None:
    decision = decide(Signals("payment_problem", problems=frozenset({"fraud", "double_charge"})), LIMIT)
    assert decision.reasons == ("fraud_suspected", "payment_issue")
    assert decision.priority == RULES["fraud_suspected"].priority + 2


@pytest.mark.parametrize("signals", [
    Signals("greet"),
    Signals("faq", misses_in_a_row=1),
    Signals("order_status", segment="vip"),  # a VIP asking where an order is has no problem yet
    Signals("order_status", order_total=LIMIT * 5),
    Signals("faq", raised_before=True),
    Signals("order_status", anger_score=1.0),
    Signals("payment_problem"),  # a declined payment or a question about paying: answered, not escalated
    Signals("payment_problem", problems=frozenset({"damaged"})),  # "my card doesn't work"
])
def test_no_escalation_without_a_rule(signals: Signals) -> None:
    assert not decide(signals, LIMIT).escalate


def test_a_delayed_order_is_an_order_problem_for_a_vip() -> None:
    decision = decide(Signals("order_status", segment="vip", order_problem=True), LIMIT)
    assert decision.reasons == ("vip_order_problem",)


def test_priority_is_capped() -> None:
    everything = Signals("complaint", human_requested=True, misses_in_a_row=5, anger_score=9,
                         segment="vip", order_total=LIMIT * 2, raised_before=True,
                         problems=frozenset({"fraud", "double_charge", "damaged", "missing"}))
    decision = decide(everything, LIMIT)
    assert len(decision.reasons) == len(RULES)
    assert decision.priority == 100


def test_every_rule_has_a_distinct_code_and_a_valid_priority() -> None:
    assert all(0 < rule.priority <= 100 and len(code) <= 64 for code, rule in RULES.items())


def test_who_the_shopper_is_waits_for_the_answer_to_the_bots_question() -> None:
    """A VIP's declined payment is answered with "would you like a colleague?" (a Yes hands over), and
    a VIP's address change first asks which order. What happened to the shopper still hands over at once
    (an offer of a person is then withdrawn)."""
    offered = Signals("payment_problem", segment="vip", order_total=LIMIT * 2, raised_before=True,
                      awaiting_reply=True)
    assert not decide(offered, LIMIT).escalate
    assert not decide(Signals("change_address", segment="vip", awaiting_reply=True), LIMIT).escalate
    assert not decide(Signals("change_address", segment="vip", self_served=True), LIMIT).escalate
    damaged = Signals("complaint", segment="vip", problems=frozenset({"damaged"}), awaiting_reply=True)
    assert decide(damaged, LIMIT).reasons == ("damaged_item",)
    assert decide(Signals("faq", misses_in_a_row=2, awaiting_reply=True), LIMIT).reasons == (
        "repeated_misunderstanding",)
