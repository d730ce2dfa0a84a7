"""Gateway processes on free ports, as `shopassist run` starts them, for tests that need real
HTTP and WebSocket servers (a browser, or two instances sharing one Redis), and a way for such
synchronous tests to reach the handoff queue."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from redis.asyncio import Redis

from gateway.ops import redis_server
from gateway.settings import REPO_ROOT
from handoff import HandoffQueue
from tests import presence

if TYPE_CHECKING:
    from tests.conftest import RasaStack


def gateway_env(stack: RasaStack, **extra: str) -> dict[str, str]:
    """The environment of a gateway process wired to `stack`, without rate limits (they have their own tests)."""
    return {**{k: v for k, v in stack.env.items() if k.startswith("SHOPASSIST_")},
            "SHOPASSIST_REDIS_URL": stack.redis_urls["gateway"],  # its own ACL user, as in production
            "SHOPASSIST_RASA_URL": stack.rasa_url, "SHOPASSIST_ACTIONS_URL": stack.actions_url,
            "SHOPASSIST_CONVERSATIONS_PER_MINUTE": "10000", "SHOPASSIST_MESSAGES_PER_MINUTE": "10000", **extra}


def gateway_env_without_rasa(redis_url: str, prefix: str, tmp: Path, **extra: str) -> dict[str, str]:
    """A gateway process for tests of the queued side, which never reaches Rasa: placeholder secrets,
    no KB index."""
    return {"SHOPASSIST_REDIS_URL": redis_url, "SHOPASSIST_KEY_PREFIX": prefix,
            "SHOPASSIST_KB_INDEX_DIR": str(tmp / "no-kb"), "SHOPASSIST_RASA_TOKEN": "x" * 32,
            "SHOPASSIST_RASA_CHANNEL_SECRET": "c" * 32, "SHOPASSIST_ACTIONS_TOKEN": "a" * 32,
            "SHOPASSIST_IDENTITY_SECRET": "test-identity-secret-0123456789", **extra}


@contextmanager
def gateway_process(env: dict[str, str], log: Path, startup_s: float = 120) -> Iterator[str]:
    """Start one gateway; yield its base URL once it serves, stop it afterwards."""
    port = redis_server.free_port()
    with log.open("w") as out:
        # `shopassist serve`, as `make run` starts it (the same server options, proxy headers included)
        process = subprocess.Popen([sys.executable, "-m", "gateway", "serve"], cwd=REPO_ROOT,
                                   env={**os.environ, "SHOPASSIST_LOG_LEVEL": "WARNING", **env,
                                        "SHOPASSIST_GATEWAY_HOST": "127.0.0.1", "SHOPASSIST_GATEWAY_PORT": str(port)},
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gateway exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/demo/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gateway did not start in {startup_s}s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def agent_serving_everything(redis_url: str, prefix: str, name: str) -> Iterator[tuple[str, str]]:
    """An agent for every skill and both languages, online, so a request for a person is queued; removed after.
    Agents are shared by the whole test session: `name` must be the caller's own."""
    skills = ["general", "orders", "payments", "returns", "shipping", "account"]
    registered, token = in_queue(redis_url, prefix, lambda q, _: q.agents.add(name, skills, ["en", "ko"], 5))
    try:
        with presence.online(redis_url, prefix, registered.id):
            yield registered.id, token
    finally:
        in_queue(redis_url, prefix, lambda q, _: q.agents.remove(registered.id))


def in_queue(redis_url: str, prefix: str, call):  # type: ignore[no-untyped-def]
    """Run `call(queue, redis)` on its own loop in a worker thread: sync Playwright owns this thread's loop."""
    async def run() -> Any:
        redis = Redis.from_url(redis_url)
        try:
            return await call(HandoffQueue(redis, prefix), redis)
        finally:
            await redis.aclose()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()
