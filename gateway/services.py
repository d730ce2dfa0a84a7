"""The gateway's long-lived objects, made once in the lifespan and shared by the routes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from redis.asyncio import Redis
from redis.exceptions import RedisError

from contracts.keys import RedisKeys
from gateway.conversations import ConversationStore
from gateway.editor.content import EditorContent, editor_content
from gateway.editor.jobs import JobRunner
from gateway.editor.miss_recorder import MissRecorder
from gateway.editor.pipeline import INSTALL_ACTOR, DeployRequest, Pipeline
from gateway.errors import Conflict
from gateway.insights.observer import TurnInsights
from gateway.insights.runtime import Insights, open_insights
from gateway.privacy.consent import ConsentPolicy, ConsentStore
from gateway.privacy.retention import RetentionSweeper, policy_from
from gateway.proactive.build import proactive_prompts
from gateway.proactive.prompts import ProactivePrompts
from gateway.rasa_client import RasaClient
from gateway.ratelimit import RateLimiter
from gateway.relay import HandoffRelay
from gateway.settings import Settings
from gateway.shutdown import stop_within
from gateway.staff import StaffRegistry
from gateway.turns import ShopperTurns, TurnLimits
from handoff import HandoffQueue
from kb_index import KbNotReady, KnowledgeBase

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    redis: Redis
    http: httpx.AsyncClient
    rasa: RasaClient
    conversations: ConversationStore
    limiter: RateLimiter
    turns: ShopperTurns
    kb: KnowledgeBase
    queue: HandoffQueue
    proactive: ProactivePrompts
    staff: StaffRegistry
    consent: ConsentStore
    insights: Insights
    editor_jobs: JobRunner
    editor_content: EditorContent

    async def kb_health(self) -> dict[str, Any]:
        health = await asyncio.to_thread(self.kb.health)
        if not health.get("ready"):
            raise KbNotReady("no index loaded; run `shopassist kb build`")
        return health


async def _test_the_installed_version(jobs: JobRunner) -> None:
    """A fresh install's v1 may wait for its NLU report: test it as a background job, once (a
    second gateway process starting at the same time finds the pipeline lock taken)."""
    try:
        if await jobs.pipeline.install_report_needed():
            await jobs.start("test", DeployRequest(), INSTALL_ACTOR)
    except Conflict:
        pass
    except RedisError as exc:  # Redis down: /healthz says so; the next start tries again
        log.warning("could not check the installed version's NLU report: %s", exc)


@asynccontextmanager
async def open_services(settings: Settings, redis_url: str) -> AsyncIterator[Services]:
    redis = Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=1)
    http = httpx.AsyncClient()
    keys = RedisKeys(settings.key_prefix)
    store = ConversationStore(redis, keys, ttl_s=settings.conversation_ttl_days * 86400)
    rasa = RasaClient(http, settings.rasa_url, settings.rasa_token.get_secret_value(),
                      settings.rasa_channel_secret.get_secret_value(), settings.actions_url, settings.turn_timeout_s)
    limiter = RateLimiter(redis, keys)
    queue = HandoffQueue(redis, settings.key_prefix, lease_s=settings.agent_lease_s,
                         max_lost_leases=settings.max_lost_leases, cooldown_s=settings.handback_cooldown_s,
                         retention_s=settings.retention_tickets_days * 86400)
    relay = HandoffRelay(queue, store, redis, keys, rasa)
    proactive = proactive_prompts(settings, redis, store, rasa, queue)
    consent = ConsentStore(redis, keys, ConsentPolicy(settings.consent_required, settings.privacy_notice_version),
                           ttl_s=settings.conversation_ttl_days * 86400)
    turns = ShopperTurns(redis, keys, store, rasa, limiter, queue, TurnLimits(
        max_chars=settings.max_message_chars, turn_timeout_s=settings.turn_timeout_s,
        messages_per_minute=settings.messages_per_minute), browsing_of=proactive.visitors.browsing_of,
        consent_of=consent.for_conversation)
    kb = KnowledgeBase(settings.kb_index_dir, settings.embedding_model or None)
    try:
        await asyncio.to_thread(kb.warm_up)
    except KbNotReady as exc:
        log.warning("knowledge base not loaded: %s", exc)
    pipeline = Pipeline(settings, redis, http, encoder=lambda: kb.encoder if kb.version else None)
    editor_jobs = JobRunner(redis, keys, pipeline)
    turns.observers.append(MissRecorder(redis, keys))
    relay.start()
    try:
        await _test_the_installed_version(editor_jobs)
        async with open_insights(settings, redis, queue) as insights:
            turns.observers.append(TurnInsights(insights.log))
            proactive.insights = insights.log
            sweeper = RetentionSweeper(redis, settings.key_prefix, policy_from(settings), queue, insights.store,
                                       every_s=settings.retention_sweep_s)
            sweeper.start()
            try:
                yield Services(settings, redis, http, rasa, store, limiter, turns, kb, queue, proactive,
                               StaffRegistry(redis, settings.key_prefix), consent, insights, editor_jobs,
                               editor_content(settings, redis, keys, rasa, kb))
            finally:
                await stop_within("the retention sweeper", sweeper.stop())
    finally:
        await stop_within("the editor jobs", editor_jobs.stop())
        await stop_within("the handoff relay", relay.stop())
        await stop_within("the HTTP client", http.aclose())
        await stop_within("the Redis connections", redis.aclose())
