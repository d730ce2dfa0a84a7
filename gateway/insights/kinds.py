"""The kinds of insights events, in a module of their own so readers (figures, the report) need no Redis."""

# event types written by producers (the handoff queue's own events arrive as "handoff_<type>")
CONVERSATION_STARTED = "conversation_started"
TURN = "turn"
KB_DECISION = "kb_decision"
ACTION_TIMING = "action_timing"
SEGMENT = "segment"
CSAT = "csat"
NPS = "nps"
PROACTIVE_SHOWN = "proactive_shown"
PROACTIVE_SUPPRESSED = "proactive_suppressed"
REJECTED = "rejected"
MISS = "miss"  # the bot failed the shopper: ``source`` is one of contracts.signals.MISS_SOURCES
BOT_RESULT = "bot_result"  # what a turn achieved: ``result`` is one of contracts.signals.BOT_RESULTS
AGENT_MESSAGE = "agent_message"  # an agent wrote to the shopper on ``ticket_id`` (first response times)
