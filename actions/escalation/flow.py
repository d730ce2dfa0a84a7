"""After every handler: apply the escalation policy, then queue the conversation for a person
or, when nobody can take it (no agent for this skill and language, or outside support
hours), offer to leave a message instead of an endless wait.
"""

from __future__ import annotations

import hashlib
import logging

from actions import lexicon, problems, runtime
from actions.escalation import context, history
from actions.escalation.policy import ORDER_PROBLEM_INTENTS, Decision, Signals, decide
from actions.shop import ShopUnavailable
from actions.turn import Turn
from handoff import HandbackCooldown

log = logging.getLogger(__name__)

SKILLS = {
    "order_status": "shipping", "track_delivery": "shipping", "change_address": "shipping",
    "cancel_order": "orders", "provide_order_number": "orders", "payment_problem": "payments",
    "return_or_exchange": "returns", "refund_status": "returns", "coupon_problem": "account",
}
_PROBLEM_TEXT_INTENTS = ORDER_PROBLEM_INTENTS | {"order_status", "track_delivery", "provide_order_number"}


async def after_turn(turn: Turn, misses: int) -> None:
    if turn.intent in _PROBLEM_TEXT_INTENTS:
        turn.problems |= problems.problems_in(turn.text)
    segment = None
    if turn.customer_id:
        try:
            customer = await turn.customer()
            segment = customer.segment if customer else None
            if segment:
                turn.signal("insight", event="segment", segment=segment)
        except ShopUnavailable as exc:
            log.warning("segment unknown: %s", exc, extra={"conversation_id": turn.conversation_id})
    raised_before = False
    if turn.customer_id and turn.personalised and turn.intent in ORDER_PROBLEM_INTENTS:
        config = runtime.settings()
        raised_before = await history.raised_before(
            runtime.redis(), config.key_prefix, turn.customer_id, turn.intent,
            turn.order.id if turn.order else None, turn.conversation_id)
    signals = Signals(
        intent=turn.intent, human_requested=turn.human_requested, misses_in_a_row=misses,
        anger_score=lexicon.score(turn.text).score, segment=segment,
        order_total=turn.order.total if turn.order else None, order_problem=turn.order_problem,
        problems=frozenset(turn.problems), raised_before=raised_before,
        awaiting_reply=bool(turn.slots.get("pending")), self_served=turn.self_served,
    )
    decision = decide(signals, runtime.settings().escalate_order_value)
    if decision.escalate and "repeated_misunderstanding" in decision.reasons:
        # a turn that already reported its own miss (fallback, KB none) keeps that source
        turn.record_miss("misunderstood", intent=turn.intent, confidence=round(turn.confidence, 4))
    if decision.escalate:
        turn.set("misses", 0.0)
        turn.withdraw_human_offer()  # handing over now: "would you like a person?" is moot
        await escalate(turn, decision)


def skill_for(turn: Turn) -> str:
    if turn.problems & {"fraud", "double_charge"} or turn.intent == "payment_problem":
        return "payments"
    if turn.problems & {"damaged", "missing"}:
        return "returns"
    return SKILLS.get(turn.intent, "general")


async def escalate(turn: Turn, decision: Decision) -> None:
    queue = runtime.handoff_queue()
    state = await queue.conversation(turn.conversation_id)
    if state.owner != "bot":
        turn.say("You're already in the queue for a colleague; they'll pick this up shortly.",
                 "이미 상담원 연결을 기다리고 계세요. 곧 상담원이 이어서 도와드릴게요.")
        return
    skill = skill_for(turn)
    if not (runtime.support_open() and await agents_for(skill, turn.language)):
        offer_message(turn, decision, skill)
        return
    try:
        ticket = await submit(turn, decision, skill, await context.build(turn, decision))
    except HandbackCooldown:
        turn.say("A colleague has just finished helping you in this conversation, so I can't reopen it right "
                 "away. If it's still not solved, please tell me what's missing and try again in a few minutes.",
                 "방금 상담원이 이 대화를 마무리해서 바로 다시 연결할 수는 없어요. 아직 해결되지 않았다면 "
                 "무엇이 남았는지 알려 주시고 몇 분 뒤에 다시 요청해 주세요.")
        return
    position = await queue.position(turn.conversation_id)
    place, minutes = (position.position, position.minutes or 1) if position else (1, 1)
    turn.set("pending", None)
    turn.say("I'm connecting you with a colleague who can help with this. You're number {place} in the queue "
             "(about {minutes} min). They'll see our conversation, so you won't need to repeat yourself.",
             "이 문제는 상담원이 도와드리는 게 좋겠어요. 상담원을 연결하고 있어요. 대기 순번은 {place}번이고 "
             "약 {minutes}분 걸릴 예정이에요. 지금까지의 대화 내용이 전달되니 다시 설명하지 않으셔도 돼요.",
             place=place, minutes=minutes)
    log.info("escalated", extra={"conversation_id": turn.conversation_id, "ticket": ticket,
                                 "reasons": list(decision.reasons), "priority": decision.priority})


async def agents_for(skill: str, language: str) -> bool:
    """Whether an agent who serves this skill and language is online at the console now."""
    queue = runtime.handoff_queue()
    online = await queue.presence.online()
    return any(agent.id in online and agent.serves(skill, language) for agent in await queue.agents.list())


def offer_message(turn: Turn, decision: Decision, skill: str) -> None:
    turn.set("escalation", {"reasons": list(decision.reasons), "priority": decision.priority, "skill": skill})
    turn.set("pending", "contact")
    turn.say("I'd like a colleague to help with this, but nobody from our team is available right now. "
             "Leave your email address or phone number and we'll get back to you as soon as we're in.",
             "상담원이 도와드려야 할 문제인데, 지금은 연결 가능한 상담원이 없어요. 이메일 주소나 전화번호를 "
             "남겨 주시면 업무 시간에 바로 연락드릴게요.")


async def submit(turn: Turn, decision: Decision, skill: str, request: dict[str, object]) -> str:
    """The one place a handoff ticket is enqueued (live chat and left messages alike)."""
    customer = request.get("customer") or {}
    segment = str(request.get("segment") or "") if isinstance(customer, dict) else ""
    events = sum(1 for e in turn.tracker.events if e.get("event") == "user")
    seed = f"{turn.conversation_id}:{events}:{decision.reasons}"
    idempotency = hashlib.sha256(seed.encode()).hexdigest()[:32]
    ticket = await runtime.handoff_queue().enqueue(
        turn.conversation_id, priority=decision.priority, reasons=list(decision.reasons), skill=skill,
        lang=turn.language, segment=segment, context=request, idempotency_key=idempotency,
    )
    return ticket.id
