"""Insights: facts about conversations, stored for the support dashboard, reports and /metrics.

Producers (the gateway's routes and turn observer, the proactive pipeline) append events to
one Redis Stream; the ingester copies them, and the handoff queue's own audit stream, into
SQLite, where figures are computed for any period, language and segment.
"""
