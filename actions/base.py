"""The one place every shop action runs through.

`ShopAction.run` reads the turn, lets a pending question claim the message (an order
number after "which order?", contact details after "leave a message?"), runs the
feature's handler, then the escalation policy, and never lets an exception escape:
a failing dependency is told to the shopper plainly and logged with the conversation id.
"""

from __future__ import annotations

import logging
import time
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import guest_orders, pending
from actions.turn import Turn

log = logging.getLogger(__name__)

HANDLERS: dict[str, type[ShopAction]] = {}
CLAIMERS: dict[str, type[ShopAction]] = {}  # pending kind -> the action that takes its answer


class ShopAction(Action):
    action_name: ClassVar[str] = ""
    handles: ClassVar[tuple[str, ...]] = ()  # intents this action answers (for pending re-routing)
    may_escalate: ClassVar[bool] = True
    # Pending questions (actions/pending.py) whose answer this action takes when `claims` says so,
    # whatever intent Rasa read; with claim_is_intent the turn then counts as its first handled intent.
    claims_pending: ClassVar[tuple[str, ...]] = ()
    claim_is_intent: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for intent in cls.handles:
            HANDLERS[intent] = cls
        for kind in cls.claims_pending:
            CLAIMERS[kind] = cls

    def name(self) -> str:
        return self.action_name

    async def handle(self, turn: Turn) -> None:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        from actions import runtime

        runtime.warm_up_soon()
        started = time.perf_counter()
        turn = Turn.from_tracker(tracker)
        misses_before = int(tracker.get_slot("misses") or 0)
        handler: ShopAction = self._claimed_by_pending(turn) or self
        try:
            await handler.handle(turn)
            misses = 0 if turn.missed is False else misses_before + 1 if turn.missed else misses_before
            turn.set("misses", float(misses))
            if handler.may_escalate:
                from actions.escalation import flow

                await flow.after_turn(turn, misses)
        except Exception as exc:  # noqa: BLE001 - the shopper must get an answer whatever failed
            turn.messages.clear()
            turn.signals.clear()
            _tell_failure(turn, exc)
        if turn.result:
            turn.signal("insight", event="bot_result", result=turn.result)
        turn.signal("insight", event="action_timing", ms=(time.perf_counter() - started) * 1000)
        events = turn.flush(dispatcher)
        if not any(e["name"] == "misses" for e in events):
            events.append(SlotSet("misses", misses_before))
        return events

    @classmethod
    def claims(cls, turn: Turn) -> bool:
        """Whether this message answers the pending question (of a kind in `claims_pending`)."""
        return False

    @staticmethod
    def _claimed_by_pending(turn: Turn) -> ShopAction | None:
        kind, argument = pending.parse(turn.slot("pending"))
        if kind == "order_number" and argument in HANDLERS and turn.order_id() and len(turn.text) <= 80:
            turn.intent = argument
            return HANDLERS[argument]()
        guest = guest_orders.waiting_for(turn)
        if guest and guest[0] in HANDLERS and guest_orders.answers_the_question(turn):
            turn.intent = guest[0]
            return HANDLERS[guest[0]]()
        claimer = CLAIMERS.get(kind)
        if claimer is None or not claimer.claims(turn):
            return None
        if claimer.claim_is_intent:
            turn.intent = claimer.handles[0]
        return claimer()


def _tell_failure(turn: Turn, exc: Exception) -> None:
    from actions.failures import explain

    component, en, ko = explain(exc)
    if component == "bug":
        log.exception("action failed", extra={"conversation_id": turn.conversation_id, "intent": turn.intent})
    else:
        log.error("dependency unavailable: %s: %s", component, exc,
                  extra={"conversation_id": turn.conversation_id, "intent": turn.intent})
    turn.say(en, ko)
