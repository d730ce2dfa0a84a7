"""The action server's settings and shared dependencies, built on first use.

rasa_sdk imports every module under actions/ and instantiates every Action with no
arguments, so nothing here runs at import: `settings()` reads the environment on the
first call and each dependency is built the first time an action needs it.  Which settings
it reads, their defaults and their rules are defined once, in contracts/settings.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import os
from typing import TYPE_CHECKING

from contracts.settings import ActionServerSettings, read_action_server_settings

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from actions.shop import ShopAdapter
    from handoff import HandoffQueue
    from kb_index import KnowledgeBase


log = logging.getLogger(__name__)


@functools.cache
def settings() -> ActionServerSettings:
    return read_action_server_settings(os.environ)


def support_open(now: dt.datetime | None = None) -> bool:
    """Whether agents work now (SHOPASSIST_SUPPORT_HOURS in SHOPASSIST_SUPPORT_TIMEZONE)."""
    from zoneinfo import ZoneInfo

    config = settings()
    if config.support_hours is None:
        return True
    local = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(config.support_timezone))
    start, end = config.support_hours
    return start <= local.hour < end


@functools.cache
def redis() -> Redis:
    from redis.asyncio import Redis

    return Redis.from_url(settings().redis_url, socket_timeout=3, socket_connect_timeout=3)


@functools.cache
def handoff_queue() -> HandoffQueue:
    from handoff import HandoffQueue

    return HandoffQueue(redis(), settings().key_prefix)


@functools.cache
def shop() -> ShopAdapter:
    config = settings()
    if config.shop_api_url:
        from actions.shop.http_api import HttpShop

        return HttpShop(config.shop_api_url, config.shop_api_token)
    from actions.shop.demo import DemoShop

    return DemoShop()


KB_WAIT_S = 8.0  # the gateway gives a whole turn 20 s; loading the encoder can take longer on a busy host
_warm_up: asyncio.Task[KnowledgeBase] | None = None


class KnowledgeBaseWarmingUp(Exception):
    """The index is still loading; the shopper is asked to try again in a moment."""


def warm_up_soon() -> None:
    """Start loading the knowledge base in the background on the first action of any kind, so
    the first FAQ question usually finds it ready."""
    global _warm_up
    if _warm_up is None or (_warm_up.done() and _warm_up.exception() is not None):
        _warm_up = asyncio.get_running_loop().create_task(_load_knowledge_base())
        _warm_up.add_done_callback(_log_failure)


async def _load_knowledge_base() -> KnowledgeBase:
    return await asyncio.to_thread(_load_knowledge_base_blocking)


def _load_knowledge_base_blocking() -> KnowledgeBase:
    """In a worker thread, imports included: importing torch alone would stall the event loop
    for seconds, long enough for the gateway's health check of the action server to fail."""
    from kb_index import KnowledgeBase

    config = settings()
    kb = KnowledgeBase(config.kb_index_dir, config.embedding_model or None)
    kb.warm_up()
    return kb


def _log_failure(task: asyncio.Task[KnowledgeBase]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("knowledge base warm-up failed: %s", task.exception())


async def knowledge_base(wait_s: float = KB_WAIT_S) -> KnowledgeBase:
    """The FAQ index, loaded once in a worker thread; a failed load is retried on the next call."""
    warm_up_soon()
    assert _warm_up is not None
    try:
        return await asyncio.wait_for(asyncio.shield(_warm_up), wait_s)
    except TimeoutError:
        raise KnowledgeBaseWarmingUp from None
