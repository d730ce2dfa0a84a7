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
