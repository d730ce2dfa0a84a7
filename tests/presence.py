"""Agents at their console, for tests: the queue promises a wait only while someone who can help is
online (handoff/presence.py), as the console reports every 20 s."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from redis.asyncio import Redis

from handoff import HandoffQueue

_EVERY_S = 20.0
_FOR_THIS_TEST: set[tuple[str, str, str]] = set()


def report(redis_url: str, prefix: str, agent_ids: tuple[str, ...], status: str = "online") -> None:
    async def run() -> None:
        redis = Redis.from_url(redis_url)
        try:
            queue = HandoffQueue(redis, prefix)
            for agent_id in agent_ids:
                await queue.presence.report(agent_id, status)
        finally:
            await redis.aclose()
    # its own thread and loop: callers may be inside a running loop (sync Playwright, pytest-asyncio)
    thread = threading.Thread(target=asyncio.run, args=(run(),))
    thread.start()
    thread.join()


@contextmanager
def online(redis_url: str, prefix: str, *agent_ids: str) -> Iterator[None]:
    """The agents stay online, as an open console keeps them, until the block ends (then offline)."""
    stop = threading.Event()
    report(redis_url, prefix, agent_ids)

    def beat() -> None:
        while not stop.wait(_EVERY_S):
            report(redis_url, prefix, agent_ids)
    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        report(redis_url, prefix, agent_ids, "offline")


def online_for_this_test(redis_url: str, prefix: str, agent_id: str) -> None:
    """Online until the test ends (tests/conftest.py signs them out), for agents a test makes inline."""
    report(redis_url, prefix, (agent_id,))
    _FOR_THIS_TEST.add((redis_url, prefix, agent_id))


def sign_out_this_tests_agents() -> None:
    """Another test's escalation must not be queued to an agent left online by this one."""
    while _FOR_THIS_TEST:
        redis_url, prefix, agent_id = _FOR_THIS_TEST.pop()
        report(redis_url, prefix, (agent_id,), "offline")
