"""Human handoff: a fair, reliable queue on Redis that moves a conversation from the bot to an agent
and back. The library never imports the gateway, the bot or the knowledge base.

The names below are imported on first use (PEP 562): `import handoff` loads neither redis nor the
Lua scripts until a caller needs the queue.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_HOMES = {
    "AgentRegistry": "agents", "Clock": "clock", "ManualClock": "clock", "AgentNotFound": "errors",
    "HandbackCooldown": "errors", "HandoffError": "errors", "HandoffUnavailable": "errors",
    "InvalidRequest": "errors", "LeaseLost": "errors", "NotAllowed": "errors", "TicketNotFound": "errors",
    "Keys": "keys", "Agent": "models", "ClaimedTicket": "models", "Conversation": "models", "Event": "models",
    "Owner": "models", "Position": "models", "Presence": "presence", "SweepResult": "models", "Ticket": "models",
    "DEFAULT_LANGS": "queue", "DEFAULT_SKILLS": "queue", "HandoffQueue": "queue",
}
__all__ = sorted(_HOMES)

if TYPE_CHECKING:
    from handoff.agents import AgentRegistry
    from handoff.clock import Clock, ManualClock
    from handoff.errors import (
        AgentNotFound,
        HandbackCooldown,
        HandoffError,
        HandoffUnavailable,
        InvalidRequest,
        LeaseLost,
        NotAllowed,
        TicketNotFound,
    )
    from handoff.keys import Keys
    from handoff.models import Agent, ClaimedTicket, Conversation, Event, Owner, Position, SweepResult, Ticket
    from handoff.presence import Presence
    from handoff.queue import DEFAULT_LANGS, DEFAULT_SKILLS, HandoffQueue


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'handoff' has no attribute {name!r}")
    return getattr(importlib.import_module(f"handoff.{_HOMES[name]}"), name)
