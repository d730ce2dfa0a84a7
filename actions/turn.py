"""One run of an action: what the shopper said, in which language, and what we reply.

Handlers write replies with `turn.say(en, ko)` so both languages sit side by side in
the code, and record what they learned (the order, problems, misses) for the
escalation policy, which runs after every handler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shop import Customer, Order
from actions.signals import emit
from contracts.signals import BOT_RESULTS

ORDER_ID = re.compile(r"(?<![0-9A-Za-z])(?:ord[-\s#]?)?(1\d{5})(?![0-9])", re.I)


def order_id_in(text: str) -> str | None:
    match = ORDER_ID.search(text)
    return f"ORD-{match.group(1)}" if match else None


def _metadata(tracker: Tracker) -> dict[str, Any]:
    """The gateway's metadata of the latest user message that had any (external intents carry none)."""
    latest = (tracker.latest_message or {}).get("metadata") or {}
    if latest:
        return latest
    for event in reversed(tracker.events):
        if event.get("event") == "user" and event.get("metadata"):
            return event["metadata"]
    return {}


@dataclass
class Turn:
    tracker: Tracker
    conversation_id: str
    language: str
    text: str
    intent: str
    confidence: float
    entities: list[dict[str, Any]]
    metadata: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    # what the handler learned, read by the escalation policy
    order: Order | None = None
    order_problem: bool = False
    problems: set[str] = field(default_factory=set)
    human_requested: bool = False
    self_served: bool = False  # the shopper was shown how to do it themselves (e.g. change an address)
    missed: bool | None = None
    # what the turn did for the shopper (contracts.signals.BOT_RESULTS): the conversation's outcome
    result: str | None = None
    skill: str = "general"
    customer_cache: list[Customer | None] = field(default_factory=list)
    # the message of this turn that asked "would you like a person?" and what it says without the question
    human_offer: tuple[int, str] | None = None
    # facts for the gateway's observers (actions/signals.py), sent with the replies
    signals: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> Turn:
        latest = tracker.latest_message or {}
        intent = latest.get("intent") or {}
        language = tracker.get_slot("language")
        return cls(
            tracker=tracker, conversation_id=tracker.sender_id,
            language=language if language in ("en", "ko") else "en",
            text=str(latest.get("text") or ""), intent=str(intent.get("name") or ""),
            confidence=float(intent.get("confidence") or 0.0), entities=list(latest.get("entities") or []),
            metadata=_metadata(tracker),
        )

    @property
    def customer_id(self) -> str | None:
        value = self.metadata.get("customer_id")
        return str(value) if value else None

    @property
    def personalised(self) -> bool:
        """Whether the shopper allows their profile and order history to be used (the gateway sends the
        consent it allows in the metadata; absent means not given: docs/privacy.md)."""
        consent = self.metadata.get("consent")
        return isinstance(consent, dict) and consent.get("personalisation") is True

    def slot(self, name: str) -> Any:
        return self.slots[name] if name in self.slots else self.tracker.get_slot(name)

    def set(self, name: str, value: Any) -> None:
        self.slots[name] = value

    def offer_human(self, statement: tuple[str, str], question: tuple[str, str], yes_no: list[dict[str, str]],
                    about: str | None = None, **values: Any) -> None:
        """Say `statement`, then ask whether the shopper wants a person (`yes_no`: buttons.yes_no); a Yes
        goes to the team of `about` (an intent). The escalation policy may hand over in this same turn
        anyway: then `withdraw_human_offer` takes the question back, so one turn never both asks and
        connects."""
        self.set("pending", f"offer_human:{about}" if about else "offer_human")
        self.say(f"{statement[0]} {question[0]}".strip(), f"{statement[1]} {question[1]}".strip(),
                 buttons=yes_no, **values)
        self.human_offer = (len(self.messages) - 1, self.t(*statement, **values))

    def withdraw_human_offer(self) -> None:
        if self.human_offer is None:
            return
        index, statement = self.human_offer
        if statement:
            self.messages[index] = {"text": statement}
        else:
            del self.messages[index]
        self.human_offer = None
        if str(self.slots.get("pending") or "").startswith("offer_human"):
            self.set("pending", None)

    def t(self, en: str, ko: str, **values: Any) -> str:
        return (ko if self.language == "ko" else en).format(**values)

    def say(self, en: str, ko: str, buttons: list[dict[str, str]] | None = None, **values: Any) -> None:
        message: dict[str, Any] = {"text": self.t(en, ko, **values)}
        if buttons:
            message["buttons"] = buttons
        self.messages.append(message)

    def signal(self, kind: str, **fields: Any) -> None:
        """A fact about this turn for the gateway's observers (insights, the editors' inbox), not the shopper."""
        self.signals.append({"kind": kind, **fields})

    def achieved(self, result: str) -> None:
        """What this turn did for the shopper (contracts.signals.BOT_RESULTS); the last call in a turn wins."""
        if result not in BOT_RESULTS:
            raise ValueError(f"unknown bot result {result!r}; known: {', '.join(BOT_RESULTS)}")
        self.result = result

    def record_miss(self, source: str, **fields: Any) -> None:
        """Report this turn to the editors' miss inbox (at most once per turn)."""
        if not any(s["kind"] == "miss" for s in self.signals):
            self.signal("miss", source=source, lang=self.language, **fields)

    def entity(self, name: str) -> str | None:
        for entity in self.entities:
            if entity.get("entity") == name and entity.get("value"):
                return str(entity["value"])
        return None

    def order_id(self) -> str | None:
        return order_id_in(self.entity("order_id") or "") or order_id_in(self.text)

    async def customer(self) -> Customer | None:
        """The verified customer's profile (the gateway only passes a customer_id it has verified);
        None without personalisation consent."""
        if not self.personalised:
            return None
        if not self.customer_cache:
            from actions import runtime

            found = await runtime.shop().customer(self.customer_id) if self.customer_id else None
            self.customer_cache.append(found)
        return self.customer_cache[0]

    async def own_order(self, order_id: str) -> Order | None:
        """The order if it is the verified customer's; unknown and foreign ones look alike (None)."""
        if not self.customer_id:
            return None
        from actions import runtime

        order = await runtime.shop().order(order_id)
        return order if order is not None and order.customer_id == self.customer_id else None

    def say_order_gone(self) -> None:
        """The order we were about to change is no longer the shopper's (or no longer exists)."""
        self.achieved("dead_end")
        self.say("I couldn't find that order on your account any more.", "회원님 계정에서 그 주문을 찾을 수 없어요.")

    async def note_mentioned_order(self) -> None:
        """Remember the order the shopper named, if it is theirs, for the escalation policy."""
        order_id = self.order_id()
        if order_id:
            self.order = await self.own_order(order_id) or self.order

    def flush(self, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        for message in self.messages:
            dispatcher.utter_message(text=message["text"], buttons=message.get("buttons") or [])
        for fields in self.signals:
            emit(dispatcher, **fields)
        return [SlotSet(name, value) for name, value in self.slots.items()]
