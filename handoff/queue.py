"""The handoff queue: tickets that move a conversation from the bot to a human agent and back.

Every state change is one Lua script (handoff/scripts), so the owner of a conversation (bot, queued,
agent), the waiting index, leases, agent load and the event stream always change together.
See docs/handoff.md for the state machine and the guarantees.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

import orjson
from redis.asyncio import Redis

from . import validate
from .agents import AgentRegistry
from .boundary import redis_boundary
from .clock import Clock, from_ms, to_ms
from .errors import AgentNotFound, HandbackCooldown, InvalidRequest, LeaseLost, TicketNotFound
from .eta import Busy, handle_times, median_handle_s, parse_member, positions
from .keys import Keys
from .models import Agent, ClaimedTicket, Conversation, Event, Owner, Position, SweepResult, Ticket
from .presence import Presence
from .scripts import Scripts

DEFAULT_SKILLS = ("orders", "payments", "returns", "shipping", "account", "general")
DEFAULT_LANGS = ("en", "ko")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class HandoffQueue:
    """One queue, on one Redis, under one key prefix. Construction does no I/O; ``connect()`` is optional
    warm-up (it checks Redis and loads the scripts, which are otherwise loaded on first use)."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        clock: Clock = time.time,
        *,
        skills: Iterable[str] = DEFAULT_SKILLS,
        langs: Iterable[str] = DEFAULT_LANGS,
        lease_s: float = 60.0,
        max_lost_leases: int = 3,
        aging_s: float = 60.0,
        cooldown_s: float = 300.0,
        reservation_s: float = 120.0,
        max_note_chars: int = 2000,
        idempotency_ttl_s: float = 24 * 3600,
        handle_samples: int = 50,
        handle_log_size: int = 1000,
        default_handle_s: float = 300.0,
        presence_ttl_s: float = 150.0,
        retention_s: float = 7 * 24 * 3600,
        stream_maxlen: int = 100_000,
        scan_batch: int = 200,
        batch_calls: bool = True,
    ) -> None:
        self.skills = frozenset(validate.word(s, "skill") for s in skills)
        self.langs = frozenset(validate.word(lang, "language") for lang in langs)
        if lease_s <= 0 or aging_s <= 0 or max_lost_leases < 1 or reservation_s <= 0:
            raise ValueError("lease_s, aging_s and reservation_s must be positive; max_lost_leases >= 1")
        self.keys = Keys(prefix)
        self.clock = clock
        self.lease_s = lease_s
        self.max_lost_leases = max_lost_leases
        self.aging_s = aging_s
        self.cooldown_s = cooldown_s
        self.reservation_s = reservation_s
        self.max_note_chars = max_note_chars
        self.idempotency_ttl_ms = int(idempotency_ttl_s * 1000)
        self.handle_samples = handle_samples
        self.handle_log_size = handle_log_size
        self.default_handle_s = default_handle_s
        self.retention_s = retention_s
        self.stream_maxlen = stream_maxlen
        self.scan_batch = scan_batch
        self._redis = redis
        self._scripts = Scripts(redis, batch=batch_calls)
        self.agents = AgentRegistry(redis, self.keys, self._scripts, clock, self.skills, self.langs)
        self.presence = Presence(redis, self.keys, clock, ttl_s=presence_ttl_s)

    async def connect(self) -> None:
        with redis_boundary():
            await self._redis.ping()
            await self._scripts.load_all()

    # ---- shopper side -------------------------------------------------------------------------------

    async def enqueue(
        self,
        conversation_id: str,
        *,
        priority: int,
        reasons: list[str],
        skill: str,
        lang: str,
        segment: str = "",
        context: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Ticket:
        """Open a ticket, or return the conversation's open one unchanged (one open ticket per conversation).

        Raises HandbackCooldown while the conversation is in its cooldown after a handback or resolve.
        """
        conversation_id = validate.conversation_id(conversation_id)
        args = [
            self._now_ms(), conversation_id, validate.priority(priority),
            orjson.dumps(validate.reasons(reasons)),
            validate.one_of(skill, self.skills, "skill"), validate.one_of(lang, self.langs, "language"),
            validate.segment(segment),
            validate.json_object(context or {}, "context", validate.CONTEXT_MAX_BYTES),
            to_ms(self.aging_s), self.stream_maxlen, self._idem_ttl(idempotency_key),
        ]
        k = self.keys
        idem = k.idempotency("enqueue:" + conversation_id, validate.idempotency_key(idempotency_key))
        try:
            reply = await self._call(
                "enqueue", [k.tickets, k.contexts, k.waiting, k.owners, k.seq, k.events, idem], args
            )
        except HandbackCooldown as cooldown:
            raise HandbackCooldown(conversation_id, cooldown.until) from None
        return self._ticket(orjson.loads(reply)["ticket"])

    async def cancel(self, conversation_id: str) -> Ticket | None:
        """The shopper left: close their open ticket. None when there was none (repeating is harmless)."""
        k = self.keys
        reply = await self._call(
            "cancel", [k.tickets, k.waiting, k.deadlines, k.owners, k.load, k.closed, k.events],
            [self._now_ms(), validate.conversation_id(conversation_id), self.stream_maxlen],
        )
        return None if reply is None else self._ticket(orjson.loads(reply))

    async def conversation(self, conversation_id: str) -> Conversation:
        with redis_boundary():
            raw = await self._redis.hget(self.keys.owners, validate.conversation_id(conversation_id))
        if raw is None:
            return Conversation("bot", None, None)
        data = orjson.loads(raw)
        cooldown_until = from_ms(data["cooldown_until"])
        in_cooldown = cooldown_until > self.clock()
        return Conversation(data["owner"], data["ticket"], cooldown_until if in_cooldown else None)

    async def owner(self, conversation_id: str) -> Owner:
        """Who answers the shopper: the bot, nobody yet (queued), or an agent."""
        return (await self.conversation(conversation_id)).owner

    async def position(self, conversation_id: str) -> Position | None:
        """(position, eta_s) of the conversation's waiting ticket; None unless it is waiting."""
        state = await self.conversation(conversation_id)
        if state.owner != "queued" or state.ticket_id is None:
            return None
        return (await self._positions()).get(state.ticket_id)

    async def positions(self) -> dict[str, Position]:
        """conversation id -> (position, eta_s) for every waiting ticket, in one pass."""
        by_ticket = await self._positions()
        if not by_ticket:
            return {}
        tickets = await self._records(list(by_ticket))
        return {t["conversation_id"]: by_ticket[t["id"]] for t in tickets if t is not None}

    # ---- agent side ---------------------------------------------------------------------------------

    async def list_for_agent(self, agent_id: str, limit: int = 100) -> list[Ticket]:
        """Waiting tickets this agent may take, in the order it should take them (tickets reserved for it
        first, then by effective priority)."""
        agent = await self._agent(agent_id)
        fitting: list[str] = []
        start = 0
        while len(fitting) < limit:
            with redis_boundary():
                members = await self._redis.zrange(self.keys.waiting, start, start + self.scan_batch - 1)
            if not members:
                break
            for member in map(_text, members):
                ticket_id, skill, lang, reserved_for = parse_member(member)
                if reserved_for == agent.id or (not reserved_for and agent.serves(skill, lang)):
                    fitting.append(ticket_id)
            start += self.scan_batch
        records = await self._records(fitting[:limit])
        return [self._ticket(r) for r in records if r is not None and r["state"] == "waiting"]

    async def list_waiting(self, limit: int = 1000) -> list[Ticket]:
        """Every waiting ticket in take order (a supervisor's view)."""
        with redis_boundary():
            members = await self._redis.zrange(self.keys.waiting, 0, limit - 1)
        records = await self._records([parse_member(_text(m))[0] for m in members])
        return [self._ticket(r) for r in records if r is not None]

    async def held_by(self, agent_id: str) -> list[Ticket]:
        """Tickets the agent holds a lease on now."""
        with redis_boundary():
            ids = await self._redis.zrange(self.keys.deadlines, 0, -1)
        records = await self._records([_text(i) for i in ids])
        return [
            self._ticket(r) for r in records
            if r is not None and r["state"] == "claimed" and r["agent_id"] == agent_id
        ]

    async def claim(
        self, agent_id: str, ticket_id: str | None = None, *, idempotency_key: str | None = None
    ) -> ClaimedTicket | None:
        """Take the first waiting ticket that fits the agent's skills, languages and free capacity, or the
        named one. None when nothing fits or the agent is full; naming a ticket that cannot be taken raises
        NotAllowed. Each ticket is claimed by exactly one agent at a time."""
        agent_id = validate.agent_id(agent_id)
        k = self.keys
        idem = k.idempotency("claim:" + agent_id, validate.idempotency_key(idempotency_key))
        reply = await self._call(
            "claim",
            [k.tickets, k.contexts, k.waiting, k.deadlines, k.owners, k.agents, k.load, k.events, idem],
            [
                self._now_ms(), agent_id, "" if ticket_id is None else validate.ticket_id(ticket_id),
                secrets.token_urlsafe(18), to_ms(self.lease_s), self.stream_maxlen, self.scan_batch,
                self._idem_ttl(idempotency_key),
            ],
        )
        if reply is None:
            return None
        data = orjson.loads(reply)
        record = data["ticket"]
        return ClaimedTicket(self._ticket(record), record["lease_token"], data["context"])

    async def heartbeat(self, ticket_id: str, agent_id: str, lease_token: str) -> float:
        """Extend the lease by lease_s; returns the new expiry. LeaseLost once the lease is gone."""
        k = self.keys
        reply = await self._call("heartbeat", [k.tickets, k.deadlines], [
            self._now_ms(), validate.ticket_id(ticket_id), validate.agent_id(agent_id),
            validate.lease_token(lease_token), to_ms(self.lease_s),
        ])
        return from_ms(reply)

    async def check_lease(self, ticket_id: str, agent_id: str, lease_token: str) -> Ticket:
        """Raise LeaseLost unless the agent holds the ticket's lease now (call before posting its message)."""
        record = await self._record(validate.ticket_id(ticket_id))
        if (
            record["state"] != "claimed" or record["agent_id"] != agent_id
            or not secrets.compare_digest(record["lease_token"], validate.lease_token(lease_token))
            or from_ms(record["lease_expires"]) < self.clock()
        ):
            raise LeaseLost(f"lease on {ticket_id} is not held by this agent and token")
        return self._ticket(record)

    async def release(
        self, ticket_id: str, agent_id: str, lease_token: str, *, idempotency_key: str | None = None
    ) -> Ticket:
        """Give the ticket back to the queue, at its original place."""
        lease = self._lease_args(ticket_id, agent_id, lease_token)
        k = self.keys
        idem = k.idempotency("release:" + agent_id, validate.idempotency_key(idempotency_key))
        reply = await self._call(
            "release", [k.tickets, k.waiting, k.deadlines, k.owners, k.load, k.events, idem],
            [*lease, self.stream_maxlen, self._idem_ttl(idempotency_key)],
        )
        return self._ticket(orjson.loads(reply))

    async def transfer(
        self, ticket_id: str, agent_id: str, lease_token: str, *,
        to_agent_id: str | None = None, to_skill: str | None = None, idempotency_key: str | None = None,
    ) -> Ticket:
        """Move the ticket to another skill's queue (same place) and/or reserve it for one agent, who finds
        it first in its list until ``reservation_s`` passes; then it goes back to its skill's queue."""
        if to_agent_id is None and to_skill is None:
            raise InvalidRequest("transfer needs a target agent or skill")
        if to_skill is not None:
            validate.one_of(to_skill, self.skills, "skill")
        if to_agent_id is not None:
            validate.agent_id(to_agent_id)
        lease = self._lease_args(ticket_id, agent_id, lease_token)
        k = self.keys
        idem = k.idempotency("transfer:" + agent_id, validate.idempotency_key(idempotency_key))
        reply = await self._call(
            "transfer", [k.tickets, k.waiting, k.deadlines, k.owners, k.agents, k.load, k.events, idem],
            [*lease, to_agent_id or "", to_skill or "", to_ms(self.reservation_s), self.stream_maxlen,
             self._idem_ttl(idempotency_key)],
        )
        return self._ticket(orjson.loads(reply))

    async def handback(
        self, ticket_id: str, agent_id: str, lease_token: str, facts: dict[str, Any] | None = None, *,
        code: str = "handed_back", note: str = "", idempotency_key: str | None = None,
    ) -> Ticket:
        """Return the conversation to the bot with what the agent established (``facts``, e.g.
        {"refund_issued": true}); the bot may not escalate it again for ``cooldown_s``."""
        return await self._close(
            "handed_back", ticket_id, agent_id, lease_token, code, note, facts or {}, idempotency_key
        )

    async def resolve(
        self, ticket_id: str, agent_id: str, lease_token: str, code: str, note: str = "", *,
        facts: dict[str, Any] | None = None, idempotency_key: str | None = None,
    ) -> Ticket:
        """Close the ticket with a resolution code and note; the bot owns the conversation again."""
        return await self._close("resolved", ticket_id, agent_id, lease_token, code, note, facts or {},
                                 idempotency_key)

    async def purge(self, conversation_id: str) -> list[str]:
        """Erase every trace of a conversation (tickets, contexts, audit events, stored replies that name it);
        returns the ticket ids removed. For data-subject erasure: nothing is announced."""
        k = self.keys
        conversation_id = validate.conversation_id(conversation_id)
        reply = await self._call(
            "purge", [k.tickets, k.contexts, k.waiting, k.deadlines, k.owners, k.load, k.dead, k.closed, k.events],
            [conversation_id, 500],
        )
        ticket_ids = [_text(v) for v in reply[:-2]]
        names = [conversation_id, *ticket_ids]
        with redis_boundary():
            async for key in self._redis.scan_iter(match=k.idempotency("*", "*"), count=500):
                value = await self._redis.get(key)
                if any(name in _text(key) or (value and name in _text(value)) for name in names):
                    await self._redis.delete(key)
        return ticket_ids

    async def prune(self, before: float, now: float | None = None, limit: int = 1000) -> tuple[int, int]:
        """Retention: forget tickets closed before ``before`` and audit events older than it.
        Returns (tickets pruned, events trimmed)."""
        k = self.keys
        pruned, trimmed = await self._call("prune", [k.tickets, k.contexts, k.owners, k.closed, k.events],
                                           [to_ms(self.clock() if now is None else now), to_ms(before), limit])
        return int(pruned), int(trimmed)

    async def get(self, ticket_id: str) -> Ticket:
        return self._ticket(await self._record(validate.ticket_id(ticket_id)))

    async def dead_letters(self, limit: int = 100) -> list[Ticket]:
        with redis_boundary():
            ids = await self._redis.zrange(self.keys.dead, 0, limit - 1)
        return [self._ticket(r) for r in await self._records([_text(i) for i in ids]) if r is not None]

    # ---- housekeeping -------------------------------------------------------------------------------

    async def requeue_expired(self, now: float | None = None, limit: int = 500) -> SweepResult:
        """Requeue tickets whose lease expired (keeping their place), dead-letter those that lost
        ``max_lost_leases`` leases, end expired reservations. Safe to run from many instances at once."""
        k = self.keys
        reply = await self._call(
            "expire", [k.tickets, k.waiting, k.deadlines, k.owners, k.load, k.dead, k.events],
            [to_ms(self.clock() if now is None else now), self.max_lost_leases, limit, self.stream_maxlen],
        )
        outcomes: dict[str, list[str]] = {"requeued": [], "dead_lettered": [], "unreserved": []}
        pairs = [_text(v) for v in reply]
        for ticket_id, outcome in zip(pairs[::2], pairs[1::2], strict=True):
            outcomes[outcome].append(ticket_id)
        return SweepResult(**{name: tuple(ids) for name, ids in outcomes.items()})

    # ---- events -------------------------------------------------------------------------------------

    async def read_events(self, after: str = "0-0", count: int = 100) -> list[Event]:
        """Events strictly after the stream id ``after``, oldest first (no blocking)."""
        with redis_boundary():
            entries = await self._redis.xrange(self.keys.events, min="(" + after, count=count)
        return [self._event(entry_id, fields) for entry_id, fields in entries]

    async def events(self, after: str = "$", block_ms: int = 5000, count: int = 100) -> AsyncIterator[Event]:
        """Follow the stream forever from ``after`` ("$": events written after the first read). Each event's
        ``id`` can be passed back as ``after`` to resume. Blocks one pooled connection while waiting."""
        last = after
        if last == "$":
            # XREAD with "$" after every timeout would miss what is written between two reads
            with redis_boundary():
                newest = await self._redis.xrevrange(self.keys.events, count=1)
            last = _text(newest[0][0]) if newest else "0-0"
        while True:
            with redis_boundary():
                reply = await self._redis.xread({self.keys.events: last}, count=count, block=block_ms)
            for _stream, entries in reply or []:
                for entry_id, fields in entries:
                    event = self._event(entry_id, fields)
                    last = event.id
                    yield event

    # ---- internals ----------------------------------------------------------------------------------

    async def _close(
        self, outcome: str, ticket_id: str, agent_id: str, lease_token: str, code: str, note: str,
        facts: dict[str, Any], idempotency_key: str | None,
    ) -> Ticket:
        lease = self._lease_args(ticket_id, agent_id, lease_token)
        k = self.keys
        idem = k.idempotency(f"{outcome}:{agent_id}", validate.idempotency_key(idempotency_key))
        reply = await self._call(
            "close",
            [k.tickets, k.contexts, k.deadlines, k.owners, k.load, k.handle_log, k.closed, k.events, idem],
            [
                *lease, outcome, validate.code(code),
                validate.note(note, self.max_note_chars),
                validate.json_object(facts, "facts", validate.FACTS_MAX_BYTES),
                to_ms(self.cooldown_s), self.handle_log_size, to_ms(self.retention_s), self.stream_maxlen,
                self._idem_ttl(idempotency_key),
            ],
        )
        return self._ticket(orjson.loads(reply))

    def _lease_args(self, ticket_id: str, agent_id: str, lease_token: str) -> list[str | float]:
        return [self._now_ms(), validate.ticket_id(ticket_id), validate.agent_id(agent_id),
                validate.lease_token(lease_token)]

    def _now_ms(self) -> int:
        return to_ms(self.clock())

    def _idem_ttl(self, idempotency_key: str | None) -> int:
        return self.idempotency_ttl_ms if idempotency_key else 0

    async def _call(self, command: str, keys: list[str], args: list[Any]) -> Any:
        with redis_boundary():
            return await self._scripts.call(command, keys, args)

    async def _agent(self, agent_id: str) -> Agent:
        agent = await self.agents.get(validate.agent_id(agent_id))
        if agent is None:
            raise AgentNotFound(agent_id)
        return agent

    async def _record(self, ticket_id: str) -> dict[str, Any]:
        with redis_boundary():
            raw = await self._redis.hget(self.keys.tickets, ticket_id)
        if raw is None:
            raise TicketNotFound(ticket_id)
        return orjson.loads(raw)

    async def _records(self, ticket_ids: list[str]) -> list[dict[str, Any] | None]:
        if not ticket_ids:
            return []
        with redis_boundary():
            raws = await self._redis.hmget(self.keys.tickets, ticket_ids)
        return [None if raw is None else orjson.loads(raw) for raw in raws]

    async def _positions(self) -> dict[str, Position]:
        with redis_boundary():
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.zrange(self.keys.waiting, 0, -1)
                pipe.lrange(self.keys.handle_log, 0, -1)
                pipe.zrange(self.keys.deadlines, 0, -1)
                members, log, leased = await pipe.execute()
        if not members:
            return {}
        agents = await self.agents.list()
        online = await self.presence.online()
        now_ms = self._now_ms()
        busy = [Busy(r["agent_id"], r["skill"], r["lang"], from_ms(now_ms - int(r["claimed_at"])))
                for r in await self._records([_text(i) for i in leased])
                if r is not None and r["state"] == "claimed" and r.get("agent_id")]
        times = handle_times(map(_text, log), self.handle_samples)
        return positions([_text(m) for m in members], agents, online, busy, times, self.default_handle_s)

    def _ticket(self, record: dict[str, Any]) -> Ticket:
        return Ticket.from_record(record, self.clock(), self.aging_s)

    @staticmethod
    def _event(entry_id: bytes | str, fields: dict[Any, Any]) -> Event:
        return Event.from_entry(_text(entry_id), {_text(key): _text(value) for key, value in fields.items()})

    async def handling_time(self, skill: str, lang: str) -> float:
        """Median of recent claim-to-close durations for a skill and language (default when none yet)."""
        with redis_boundary():
            log = await self._redis.lrange(self.keys.handle_log, 0, -1)
        times = handle_times(map(_text, log), self.handle_samples)
        return median_handle_s(times.get(f"{skill}|{lang}"), self.default_handle_s)
