"""Every Redis key the gateway writes, built in one place.

A conversation's keys share the hash tag ``{conv:<id>}`` so they live in one Cluster slot
and can be changed together in one MULTI.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GatewayKeys:
    prefix: str

    def conversation(self, conversation_id: str) -> str:
        return f"{self.prefix}:{{conv:{conversation_id}}}:meta"

    def transcript(self, conversation_id: str) -> str:
        return f"{self.prefix}:{{conv:{conversation_id}}}:log"

    def client_message(self, conversation_id: str, client_msg_id: str) -> str:
        return f"{self.prefix}:{{conv:{conversation_id}}}:cmid:{client_msg_id}"

    def turn_lock(self, conversation_id: str) -> str:
        return f"{self.prefix}:{{conv:{conversation_id}}}:turn"

    def relayed_event(self, event_id: str) -> str:
        return f"{self.prefix}:relayed:{event_id}"

    def typing(self, conversation_id: str) -> str:
        """Pub/sub channel for typing indicators (not stored)."""
        return f"{self.prefix}:{{conv:{conversation_id}}}:typing"

    def rate(self, scope: str, subject: str, window: int) -> str:
        return f"{self.prefix}:rate:{scope}:{subject}:{window}"

    def insights_events(self) -> str:
        """Stream of facts for the support dashboard and /metrics (bot/insights/), copied into SQLite."""
        return f"{self.prefix}:insights:events"

    def customer_conversations(self, customer_id: str) -> str:
        """Sorted set: the customer's conversation ids by creation time (for export and erasure)."""
        return f"{self.prefix}:{{cust:{customer_id}}}:conversations"

    def conversation_consent(self, conversation_id: str) -> str:
        """List, newest first: the conversation's consent changes (JSON records)."""
        return f"{self.prefix}:{{conv:{conversation_id}}}:consent"

    def customer_consent(self, customer_id: str) -> str:
        return f"{self.prefix}:{{cust:{customer_id}}}:consent"

    def visitor_consent(self, visitor_id: str) -> str:
        """Consent given before a conversation exists (proactive prompts), in the visitor's hash tag."""
        return f"{self.prefix}:{{vis:{visitor_id}}}:consent"

    def editor_misses(self) -> str:
        """Stream: the editors' miss inbox (masked text, no ids); retention trims it."""
        return f"{self.prefix}:editor:misses"

    def conversation_pattern(self, conversation_id: str) -> str:
        """SCAN pattern for every key in a conversation's hash tag, whoever wrote it (gateway, actions)."""
        return f"{self.prefix}:{{conv:{conversation_id}}}:*"

    def customer_pattern(self, customer_id: str) -> str:
        return f"{self.prefix}:{{cust:{customer_id}}}:*"

    def visitor_pattern(self, visitor_id: str) -> str:
        return f"{self.prefix}:{{vis:{visitor_id}}}:*"
