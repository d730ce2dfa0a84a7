"""Every Redis key the handoff queue uses, built here and nowhere else.

All keys of one queue share the hash tag ``{<prefix>:handoff}``, so they live in one Cluster slot and a
Lua script may touch any of them. Scripts receive every key in KEYS; they never build one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Keys:
    prefix: str

    @cached_property
    def tag(self) -> str:
        return "{" + self.prefix + ":handoff}"

    def _key(self, name: str) -> str:
        return f"{self.tag}:{name}"

    @cached_property
    def tickets(self) -> str:
        """hash: ticket id -> ticket JSON (scalar fields only; Lua reads and rewrites it)."""
        return self._key("tickets")

    @cached_property
    def contexts(self) -> str:
        """hash: ticket id -> the context JSON handed to the agent (opaque to Lua)."""
        return self._key("contexts")

    @cached_property
    def waiting(self) -> str:
        """zset: waiting tickets in take order; member ``seq|id|skill|lang|reserved_for``."""
        return self._key("waiting")

    @cached_property
    def deadlines(self) -> str:
        """zset: ticket id -> when its lease (or its reservation for one agent) expires."""
        return self._key("deadlines")

    @cached_property
    def owners(self) -> str:
        """hash: conversation id -> owner JSON {owner, ticket, cooldown_until}."""
        return self._key("owners")

    @cached_property
    def seq(self) -> str:
        """counter behind ticket ids and the tie-break of equal scores."""
        return self._key("seq")

    @cached_property
    def events(self) -> str:
        """stream: one entry per state change."""
        return self._key("events")

    @cached_property
    def dead(self) -> str:
        """zset: dead-lettered ticket id -> when."""
        return self._key("dead")

    @cached_property
    def closed(self) -> str:
        """zset: closed ticket id -> when; tickets older than the retention are pruned."""
        return self._key("closed")

    @cached_property
    def handle_log(self) -> str:
        """list, newest first: ``skill|lang|seconds`` of recent claim-to-close durations (capped)."""
        return self._key("handle_log")

    @cached_property
    def agents(self) -> str:
        """hash: agent id -> agent JSON."""
        return self._key("agents")

    @cached_property
    def agent_names(self) -> str:
        """hash: agent name -> agent id (names are unique)."""
        return self._key("agent_names")

    @cached_property
    def agent_tokens(self) -> str:
        """hash: sha256 of a bearer token -> agent id. The token itself is never stored."""
        return self._key("agent_tokens")

    @cached_property
    def presence(self) -> str:
        """hash: agent id -> {status: online|away, seen: ms} from the agent's console."""
        return self._key("presence")

    @cached_property
    def load(self) -> str:
        """hash: agent id -> number of tickets it holds now."""
        return self._key("load")

    def idempotency(self, scope: str, key: str | None) -> str:
        """string: the stored reply to one request; ``scope`` names the operation and its caller."""
        return self._key(f"idem:{scope}:{key}" if key else "idem:-")

    def all_patterns(self) -> str:
        """A SCAN pattern matching every key of this queue (for tests and tooling)."""
        return self.tag.replace("{", "\\{").replace("}", "\\}") + ":*"
