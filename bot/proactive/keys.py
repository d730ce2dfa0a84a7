"""Every Redis key of the proactive feature, built in one place.

A visitor's keys share the hash tag ``{vis:<id>}`` so the limits script touches one slot.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProactiveKeys:
    prefix: str

    def visitor(self, visitor_id: str) -> str:
        return f"{self.prefix}:{{vis:{visitor_id}}}:state"

    def limits(self, visitor_id: str) -> str:
        """Hash: once-per-session marks, cooldown deadlines and daily budget counts."""
        return f"{self.prefix}:{{vis:{visitor_id}}}:limits"

    def typing(self, visitor_id: str) -> str:
        return f"{self.prefix}:{{vis:{visitor_id}}}:typing"

    def pending(self, visitor_id: str) -> str:
        """A prompt waiting for the visitor's conversation to exist."""
        return f"{self.prefix}:{{vis:{visitor_id}}}:pending"

    def visitor_token(self, token_hash: str) -> str:
        return f"{self.prefix}:vtok:{token_hash}"

    def conversation_visitor(self, conversation_id: str) -> str:
        return f"{self.prefix}:{{conv:{conversation_id}}}:visitor"

    def customer(self, customer_id: str) -> str:
        """Hash: the customer's segment and latest visitor."""
        return f"{self.prefix}:cust:{customer_id}"

    def customer_pending(self, customer_id: str) -> str:
        """List of shop events waiting for the customer's next visit."""
        return f"{self.prefix}:cust:{customer_id}:pending"

    def metric(self, rule_id: str, day: str, group: str, metric: str) -> str:
        """Set of visitor ids: group is shown|holdout, metric exposed|checkout|order."""
        return f"{self.prefix}:pstats:{rule_id}:{day}:{group}:{metric}"

    def deliveries(self, rule_id: str, day: str) -> str:
        """List of 'conversation_id message_id' of prompts shown, to measure replies."""
        return f"{self.prefix}:pstats:{rule_id}:{day}:deliveries"

    def report_pattern(self) -> str:
        """SCAN pattern of every report set and list (erasure drops a visitor's entries)."""
        return f"{self.prefix}:pstats:*"
