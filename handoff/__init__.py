"""Human handoff: a fair, reliable queue on Redis that moves a conversation from the bot to an agent
and back. The library never imports the gateway, the bot or the knowledge base."""

from .agents import AgentRegistry
from .clock import Clock, ManualClock
from .errors import (
    AgentNotFound,
    HandbackCooldown,
    HandoffError,
    HandoffUnavailable,
    InvalidRequest,
    LeaseLost,
    NotAllowed,
    TicketNotFound,
)
from .keys import Keys
from .models import Agent, ClaimedTicket, Conversation, Event, Owner, Position, SweepResult, Ticket
from .queue import DEFAULT_LANGS, DEFAULT_SKILLS, HandoffQueue

__all__ = [
    "DEFAULT_LANGS", "DEFAULT_SKILLS", "Agent", "AgentNotFound", "AgentRegistry", "ClaimedTicket", "Clock",
    "Conversation", "Event", "HandbackCooldown", "HandoffError", "HandoffQueue", "HandoffUnavailable",
    "InvalidRequest", "Keys", "LeaseLost", "ManualClock", "NotAllowed", "Owner", "Position", "SweepResult",
    "Ticket", "TicketNotFound",
]
