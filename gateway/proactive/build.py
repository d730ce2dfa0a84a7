"""Assembling the proactive pipeline from the settings, once, in the gateway's lifespan."""

from __future__ import annotations

import time
from collections.abc import Callable

from redis.asyncio import Redis

from contracts.keys import ProactiveKeys
from gateway.conversations import ConversationStore
from gateway.proactive.delivery import Delivery
from gateway.proactive.engine import Limits
from gateway.proactive.ledger import RedisLedger
from gateway.proactive.live_rules import LiveRules
from gateway.proactive.measure import Measurements
from gateway.proactive.prompts import ProactivePrompts
from gateway.proactive.visitors import VisitorStore
from gateway.rasa_client import RasaClient
from gateway.settings import Settings
from handoff import HandoffQueue


def proactive_prompts(settings: Settings, redis: Redis, store: ConversationStore, rasa: RasaClient,
                      queue: HandoffQueue, clock: Callable[[], float] = time.time) -> ProactivePrompts:
    keys = ProactiveKeys(settings.key_prefix)
    return ProactivePrompts(
        redis, keys,
        LiveRules(settings.proactive_rules_path, settings.proactive_rules_check_s, clock),
        VisitorStore(redis, keys, ttl_s=settings.proactive_visitor_ttl_days * 86400,
                     session_gap_s=settings.proactive_session_gap_s),
        RedisLedger(redis, keys, Limits(settings.proactive_daily_budget)),
        Delivery(redis, keys, store, rasa, queue, settings.proactive_pending_ttl_s),
        Measurements(redis, keys),
        holdout_share=settings.proactive_holdout_share, typing_s=settings.proactive_typing_s, clock=clock,
    )
