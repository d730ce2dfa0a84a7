"""`shopassist run`: everything a shopper needs, started in order and watched together.

Order matters: the model and index are prepared first (slow, and their failures are the
clearest), then Redis, then the action server and Rasa, then the gateway.  The URLs are
printed once /healthz is green, so "it printed the URLs" means "it works".
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlparse

import httpx

from contracts.settings import (
    ACTION_SERVER_SETTINGS,
    ACTIONS_TOKEN_ENV,
    RASA_CHANNEL_SECRET_ENV,
    RASA_TOKEN_ENV,
    REPO_ROOT,
    env_name,
)
from gateway.ops import rasa_files, redis_server, training
from gateway.ops.console import say
from gateway.ops.kb_build import ensure_kb_index
from gateway.ops.supervisor import ProcessSpec, Supervisor
from gateway.settings import Settings

# (key prefix, Redis URL) -> the model editors made live, looked up once Redis is up; None: the newest.
LiveModel = Callable[[str, str], Awaitable[Path | None]]

HEALTH_TIMEOUT_S = 180


def _port(url: str) -> str:
    return str(urlparse(url).port)


async def _wait_healthy(gateway_url: str, supervisor_exit: asyncio.Task[str]) -> dict | None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    last: dict | None = None
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline and not supervisor_exit.done():
            try:
                response = await http.get(f"{gateway_url}/healthz", timeout=5)
                last = response.json()
                if response.status_code == 200:
                    return last
            except httpx.HTTPError:
                pass
            await asyncio.sleep(1)
    if last:
        down = [name for name, c in last.get("components", {}).items() if not c.get("ok")]
        say(f"still not healthy after {HEALTH_TIMEOUT_S}s: {', '.join(down)} down (see their logs above)")
    return None


async def _run(settings: Settings, live_model: LiveModel) -> int:
    started = time.monotonic()
    model = training.ensure_model(settings.var_dir / "models", settings.rasa_env, settings.rasa_project_dir)
    ensure_kb_index(settings)
    redis = redis_server.plan(settings.redis_url, settings.var_dir)
    redis_server.remember(settings.var_dir, redis.url)
    supervisor = Supervisor()
    try:
        if redis.command:
            say(f"no Redis answered at 127.0.0.1:6379; starting an embedded one at {redis.url}")
            await supervisor.start(ProcessSpec("redis", redis.command))
            await _wait_for(lambda: redis_server.answers(redis.url), "embedded Redis", 15)
        else:
            say(f"using Redis at {redis.url}")
        model = await live_model(settings.key_prefix, redis.url) or model
        files = rasa_files.write(settings.var_dir / "run", redis_url=redis.url, actions_url=settings.actions_url,
                                 key_prefix=settings.key_prefix,
                                 actions_token=settings.actions_token.get_secret_value())
        await supervisor.start(ProcessSpec(
            "actions", actions_server_argv(_port(settings.actions_url)), cwd=str(REPO_ROOT),
            env={**os.environ, **action_server_settings(settings), "SHOPASSIST_REDIS_URL": redis.url,
                 **action_server_env(settings.actions_token.get_secret_value())}))
        await supervisor.start(ProcessSpec(
            "rasa", rasa_server_argv(settings.rasa_env, model, _port(settings.rasa_url), files), cwd=str(REPO_ROOT),
            env=rasa_server_env(files, settings.rasa_token.get_secret_value(),
                                settings.rasa_channel_secret.get_secret_value())))
        # the gateway reads its secrets from var/secrets.env itself, like every `shopassist` command
        await supervisor.start(ProcessSpec("gateway", [sys.executable, "-m", "gateway", "serve"], cwd=str(REPO_ROOT),
                                           env=dict(os.environ, SHOPASSIST_REDIS_URL=redis.url)))
        exit_task = asyncio.create_task(supervisor.wait_for_exit())
        gateway = f"http://{settings.gateway_host}:{settings.gateway_port}"
        if await _wait_healthy(gateway, exit_task):
            say(f"all components healthy after {time.monotonic() - started:.0f}s")
            say(f"  API docs:   {gateway}/docs")
            say(f"  health:     {gateway}/healthz")
            say(f"  Rasa:       {settings.rasa_url} (loopback, token in var/secrets.env)")
            say("Ctrl-C stops everything.")
        reason = await exit_task
        say(f"stopping: {reason}")
        return 0 if reason == "stop requested" else 1
    finally:
        await supervisor.stop_all()
        say("all processes stopped")


def action_server_settings(settings: Settings) -> dict[str, str]:
    """The settings the action server reads from its environment, as resolved here (.env included)."""
    env = {}
    for name in ACTION_SERVER_SETTINGS:
        value = getattr(settings, name)
        if value is not None:  # an unset Redis URL: the caller passes the one it chose
            env[env_name(name)] = str(value.get_secret_value() if hasattr(value, "get_secret_value") else value)
    return env


def actions_server_argv(port: str) -> list[str]:
    return [sys.executable, "-m", "actions.server", "--port", port]


def action_server_env(actions_token: str) -> dict[str, str]:
    """Bind the action server to loopback with the token Rasa must present, and silence rasa-sdk's
    version warning knowingly: rasa-sdk 3.21 serves Rasa 3.6's action protocol correctly (our
    integration tests prove it)."""
    return {
        "SANIC_HOST": "127.0.0.1", ACTIONS_TOKEN_ENV: actions_token,
        "PYTHONWARNINGS": "ignore:Your versions of rasa and rasa_sdk might not be compatible:UserWarning",
    }


def rasa_server_argv(rasa_env: Path, model: Path, port: str, files: rasa_files.RasaFiles) -> list[str]:
    """`rasa run` through our launcher, which takes the API token from the environment (never argv)."""
    return [str(rasa_env / "bin" / "python"), "-m", "rasa_addons.serve", "--model", str(model), "--enable-api",
            "--interface", "127.0.0.1", "--port", port, "--endpoints", str(files.endpoints),
            "--credentials", str(files.credentials)]


def rasa_server_env(files: rasa_files.RasaFiles, rasa_token: str, channel_secret: str) -> dict[str, str]:
    return {**training.rasa_env_vars(), **files.env, RASA_TOKEN_ENV: rasa_token,
            RASA_CHANNEL_SECRET_ENV: channel_secret}


async def _wait_for(check, what: str, timeout_s: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not await asyncio.to_thread(check):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {timeout_s}s")
        await asyncio.sleep(0.2)


def run(settings: Settings, live_model: LiveModel) -> int:
    return asyncio.run(_run(settings, live_model))
