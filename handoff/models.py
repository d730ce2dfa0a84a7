"""What the queue hands out: plain, immutable values."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import orjson

from .clock import from_ms

Owner = Literal["bot", "queued", "agent"]
TicketState = Literal["waiting", "claimed", "resolved", "handed_back", "cancelled", "dead"]
OPEN_STATES = frozenset({"waiting", "claimed"})


@dataclass(frozen=True)
class Agent:
    id: str
    name: str
    skills: tuple[str, ...]
    langs: tuple[str, ...]
    capacity: int
    created_at: float

    def serves(self, skill: str, lang: str) -> bool:
        return skill in self.skills and lang in self.langs

    @classmethod
    def from_json(cls, raw: str | bytes) -> Agent:
        data = orjson.loads(raw)
        return cls(
            id=data["id"], name=data["name"], skills=tuple(data["skills"]), langs=tuple(data["langs"]),
            capacity=int(data["capacity"]), created_at=float(data["created_at"]),
        )

    def to_json(self, **extra: str) -> str:
        # created_at as a string: the claim script decodes this record and need not parse a fraction
        return json.dumps({
            "id": self.id, "name": self.name, "skills": list(self.skills), "langs": list(self.langs),
            "capacity": self.capacity, "created_at": repr(self.created_at), **extra,
        })


@dataclass(frozen=True)
class Ticket:
    """A ticket as seen at ``now``. ``waiting_s`` counts from enqueue (to close, once closed);
    ``effective_priority`` = priority + waiting_s / aging_s is what orders the queue."""

    id: str
    conversation_id: str
    state: TicketState
    priority: int
    reasons: tuple[str, ...]
    skill: str
    lang: str
    segment: str
    enqueued_at: float
    waiting_s: float
    effective_priority: float
    agent_id: str | None
    reserved_for: str | None
    lease_expires: float | None
    lost_leases: int
    transfers: int
    closed_at: float | None
    code: str
    note: str
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @classmethod
    def from_record(cls, record: dict[str, Any], now: float, aging_s: float) -> Ticket:
        enqueued_at = from_ms(record["enqueued_at"])
        closed_at = from_ms(record["closed_at"]) or None
        # a closed ticket's waiting time stops at its first claim or its close
        end = now if record["state"] in OPEN_STATES else (closed_at or now)
        waiting_s = max(0.0, end - enqueued_at)
        lease_expires = from_ms(record["lease_expires"]) or None
        priority = int(record["priority"])
        # Every queue call builds one; a frozen dataclass's __init__ (a guarded setattr per field) took
        # half of this method, so the fields go straight into the instance. It stays frozen.
        ticket = object.__new__(cls)
        ticket.__dict__.update(
            id=record["id"], conversation_id=record["conversation_id"], state=record["state"],
            priority=priority, reasons=tuple(orjson.loads(record["reasons"])),
            skill=record["skill"], lang=record["lang"], segment=record["segment"],
            enqueued_at=enqueued_at, waiting_s=waiting_s,
            effective_priority=priority + waiting_s / aging_s,
            agent_id=record["agent_id"] or None, reserved_for=record["reserved_for"] or None,
            lease_expires=lease_expires, lost_leases=int(record["lost_leases"]),
            transfers=int(record["transfers"]), closed_at=closed_at, code=record["code"],
            note=record["note"], facts=orjson.loads(record["facts"]),
        )
        return ticket


@dataclass(frozen=True)
class ClaimedTicket:
    """What an agent gets from a claim: the ticket, the lease token that proves it holds it, the context."""

    ticket: Ticket
    lease_token: str
    context: dict[str, Any]

    @property
    def id(self) -> str:
        return self.ticket.id

    @property
    def conversation_id(self) -> str:
        return self.ticket.conversation_id


@dataclass(frozen=True)
class Conversation:
    owner: Owner
    ticket_id: str | None
    cooldown_until: float | None


class Position(NamedTuple):
    """1-based place among the tickets the same agents would take, and the ETA in seconds
    (None while nobody who serves the queue is online)."""

    position: int
    eta_s: float | None

    @property
    def minutes(self) -> int | None:
        """The wait as a shopper reads it: whole minutes, rounded up, at least one."""
        return None if self.eta_s is None else max(1, math.ceil(self.eta_s / 60))


@dataclass(frozen=True)
class SweepResult:
    requeued: tuple[str, ...] = ()
    dead_lettered: tuple[str, ...] = ()
    unreserved: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    """One stream entry. ``fields`` holds everything besides the common columns (code, facts, to_agent...).
    ``ts`` is in seconds; the stream stores milliseconds."""

    id: str
    type: str
    ticket_id: str
    conversation_id: str
    agent_id: str | None
    ts: float
    fields: dict[str, str]

    @classmethod
    def from_entry(cls, entry_id: str, raw: dict[str, str]) -> Event:
        data = dict(raw)
        return cls(
            id=entry_id, type=data.pop("type"), ticket_id=data.pop("ticket_id"),
            conversation_id=data.pop("conversation_id"), agent_id=data.pop("agent_id") or None,
            ts=from_ms(data.pop("ts")), fields=data,
        )
