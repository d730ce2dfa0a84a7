"""The handoff error tree. Nothing else escapes this package.

    HandoffError
     ├── HandoffUnavailable   Redis unreachable, timing out, loading or read-only: retry later (HTTP 503)
     ├── TicketNotFound       no such ticket (404)
     ├── AgentNotFound        no such agent (404)
     ├── LeaseLost            stale or wrong lease token, or another agent's ticket (409)
     └── InvalidRequest       bad input; the queue's state is unchanged (422)
          └── NotAllowed      well-formed, but not allowed in the ticket's current state (409)
               └── HandbackCooldown  the bot may not escalate this conversation again yet
"""

from __future__ import annotations


class HandoffError(Exception):
    """Base of every error the handoff package raises."""


class HandoffUnavailable(HandoffError):
    """Redis could not be reached or could not serve the request; nothing is known to have changed."""


class TicketNotFound(HandoffError):
    def __init__(self, ticket_id: str) -> None:
        super().__init__(f"no ticket {ticket_id!r}")
        self.ticket_id = ticket_id


class AgentNotFound(HandoffError):
    def __init__(self, agent_id: str) -> None:
        super().__init__(f"no agent {agent_id!r}")
        self.agent_id = agent_id


class LeaseLost(HandoffError):
    """The caller does not hold the ticket's lease (expired, released, taken over, or never its own)."""


class InvalidRequest(HandoffError):
    """The request is malformed or names something that does not exist (a skill, a language)."""


class NotAllowed(InvalidRequest):
    """The request is well-formed but the ticket's state does not allow it."""


class HandbackCooldown(NotAllowed):
    """The conversation was handed back to the bot too recently to be escalated again."""

    def __init__(self, conversation_id: str, until: float) -> None:
        super().__init__(f"conversation {conversation_id!r} is in its handback cooldown until {until}")
        self.conversation_id = conversation_id
        self.until = until
