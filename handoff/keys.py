"""Every Redis key the handoff queue uses, built here and nowhere else.

All keys of one queue share the hash tag ``{<prefix>:handoff}``, so they live in one Cluster slot and a
Lua script may touch any of them. Scripts receive every key in KEYS; they never build one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Keys:
    prefix: str

    @property
    def tag(self) -> str:
        return "{" + self.prefix + ":handoff}"

    def _key(self, name: str) -> str:
        return f"{self.tag}:{name}"

    @property
    def tickets(self) -> str:
        """hash: ticket id -> ticket JSON (scalar fields only; Lua reads and rewrites it)."""
        return self._key("tickets")

    @property
    def contexts(self) -> str:
        """hash: ticket id -> the context JSON handed to the agent (opaque to Lua)."""
        return self._key("contexts")

    @property
    def waiting(self) -> str:
        """zset: waiting tickets in take order; member ``seq|id|skill|lang|reserved_for``."""
        return self._key("waiting")

    @property
    def deadlines(self) -> str:
        """zset: ticket id -> when its lease (or its reservation for one agent) expires."""
        return self._key("deadlines")

    @property
    def owners(self) -> str:
        """hash: conversation id -> owner JSON {owner, ticket, cooldown_until}."""
        return self._key("owners")

    @property
    def seq(self) -> str:
        """counter behind ticket ids and the tie-break of equal scores."""
        return self._key("seq")

    @property
    def events(self) -> str:
        """stream: one entry per state change."""
        return self._key("events")

    @property
    def dead(self) -> str:
        """zset: dead-lettered ticket id -> when."""
        return self._key("dead")

    @property
    def closed(self) -> str:
        """zset: closed ticket id -> when; tickets older than the retention are pruned."""
        return self._key("closed")

    @property
    def handle_times(self) -> str:
        """hash: ``skill|lang`` -> recent claim-to-close durations in seconds, space-separated."""
        return self._key("handle_times")

    @property
    def agents(self) -> str:
        """hash: agent id -> agent JSON."""
        return self._key("agents")

    @property
    def agent_names(self) -> str:
        """hash: agent name -> agent id (names are unique)."""
        return self._key("agent_names")

    @property
    def agent_tokens(self) -> str:
        """hash: sha256 of a bearer token -> agent id. The token itself is never stored."""
        return self._key("agent_tokens")

    @property
    def load(self) -> str:
        """hash: agent id -> number of tickets it holds now."""
        return self._key("load")

    def idempotency(self, scope: str, key: str | None) -> str:
        """string: the stored reply to one request; ``scope`` names the operation and its caller."""
        return self._key(f"idem:{scope}:{key}" if key else "idem:-")

    def all_patterns(self) -> str:
        """A SCAN pattern matching every key of this queue (for tests and tooling)."""
        return self.tag.replace("{", "\\{").replace("}", "\\}") + ":*"
