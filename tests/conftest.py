"""Shared fixtures: real Redis, a real trained Rasa model served by a real Rasa server and
action server, and the gateway app in-process.

Everything expensive is session-scoped: the model is trained once per change of its
sources (cached under var/models), Rasa starts once per run, the FAQ index is built once
per change of its sources.  Every test run writes under its own Redis key prefix and
deletes only those keys afterwards: the Redis at 127.0.0.1:6379 is shared.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from gateway.ops import rasa_files, redis_server, training
from gateway.ops.stack import action_server_env
from gateway.settings import REPO_ROOT, Settings, load_settings

SHARED_REDIS_URL = os.environ.get("SHOPASSIST_TEST_REDIS_URL", redis_server.LOCAL_URL)
STARTUP_TIMEOUT_S = 240


@dataclass(frozen=True)
class RasaStack:
    rasa_url: str
    actions_url: str
    token: str
    env: dict[str, str]


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not redis_server.answers(SHARED_REDIS_URL):
        pytest.fail(f"no Redis at {SHARED_REDIS_URL}; start one (redis-server) or set SHOPASSIST_TEST_REDIS_URL")
    return SHARED_REDIS_URL


@pytest.fixture(scope="session")
def key_prefix(redis_url: str) -> Iterator[str]:
    """A prefix only this test run writes under; its keys are removed at the end."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for db in (0, 1):  # Rasa's lock store defaults to db 1
        client.execute_command("SELECT", db)
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        keys += list(client.scan_iter(match=f"*{{{prefix}*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture(scope="session")
def kb_index_dir() -> Path:
    """The FAQ index, built from faq/ once per change of the sources (shared with `make run`)."""
    from gateway.ops.kb_build import ensure_kb_index

    settings = load_settings(kb_index_dir=REPO_ROOT / "var" / "test-kb")
    ensure_kb_index(settings)
    return settings.kb_index_dir


@pytest.fixture(scope="session")
def trained_model() -> Path:
    return training.ensure_model(REPO_ROOT / "var" / "models", REPO_ROOT / ".venv-rasa")


def _wait_until(check, what: str, process: subprocess.Popen, log: Path) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode} during start-up:\n{log.read_text()[-3000:]}")
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{what} did not become ready in {STARTUP_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def rasa_stack(trained_model: Path, kb_index_dir: Path, redis_url: str, key_prefix: str,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    """A real Rasa server and action server on free loopback ports, for this test session."""
    with rasa_servers(trained_model, kb_index_dir, redis_url, key_prefix, tmp_path_factory.mktemp("rasa")) as stack:
        yield stack


@contextmanager
def rasa_servers(model: Path, kb_index_dir: Path, redis_url: str, key_prefix: str,
                 run_dir: Path) -> Iterator[RasaStack]:
    """Start a Rasa server (serving `model`) and an action server (reading `kb_index_dir`); stop them after.
    Tests that swap the model or the index (editor deploys) start their own pair with this."""
    rasa_port, actions_port = redis_server.free_port(), redis_server.free_port()
    token = uuid.uuid4().hex + uuid.uuid4().hex
    actions_url = f"http://127.0.0.1:{actions_port}"
    env = dict(os.environ, SHOPASSIST_REDIS_URL=redis_url, SHOPASSIST_KEY_PREFIX=key_prefix,
               SHOPASSIST_KB_INDEX_DIR=str(kb_index_dir), SHOPASSIST_RASA_TOKEN=token,
               SHOPASSIST_IDENTITY_SECRET="test-identity-secret-0123456789",
               SHOPASSIST_INSIGHTS_DB=str(run_dir / "insights.sqlite3"))
    endpoints, credentials = rasa_files.write(run_dir, redis_url=redis_url, actions_url=actions_url,
                                              key_prefix=key_prefix)
    actions_log, rasa_log = run_dir / "actions.log", run_dir / "rasa.log"
    with actions_log.open("w") as actions_out, rasa_log.open("w") as rasa_out:
        yield from _serve(actions_log, actions_out, rasa_log, rasa_out, actions_port, rasa_port, actions_url,
                          token, endpoints, credentials, model, env)


def _serve(actions_log, actions_out, rasa_log, rasa_out, actions_port, rasa_port, actions_url,  # type: ignore[no-untyped-def]
           token, endpoints, credentials, trained_model, env):
    actions = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
        cwd=REPO_ROOT, env=dict(env, **action_server_env()), stdout=actions_out,
        stderr=subprocess.STDOUT, start_new_session=True)
    rasa = subprocess.Popen(
        training.rasa_command(REPO_ROOT / ".venv-rasa", "run", "--model", str(trained_model), "--enable-api",
                              "--auth-token", token, "--interface", "127.0.0.1", "--port", str(rasa_port),
                              "--endpoints", str(endpoints), "--credentials", str(credentials)),
        cwd=REPO_ROOT, env=training.rasa_env_vars(), stdout=rasa_out, stderr=subprocess.STDOUT,
        start_new_session=True)
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    try:
        _wait_until(lambda: httpx.get(f"{actions_url}/health", timeout=2).status_code == 200,
                    "the action server", actions, actions_log)
        _wait_until(lambda: bool(httpx.get(f"{rasa_url}/status", params={"token": token}, timeout=2)
                                 .json().get("model_id")), "the Rasa server", rasa, rasa_log)
        yield RasaStack(rasa_url, actions_url, token, env)
    finally:
        for process in (rasa, actions):
            process.terminate()
        for process in (rasa, actions):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def gateway_settings(stack: RasaStack, **overrides: object) -> Settings:
    values: dict[str, object] = dict(
        key_prefix=stack.env["SHOPASSIST_KEY_PREFIX"], rasa_url=stack.rasa_url, actions_url=stack.actions_url,
        rasa_token=stack.token, identity_secret=stack.env["SHOPASSIST_IDENTITY_SECRET"],
        kb_index_dir=Path(stack.env["SHOPASSIST_KB_INDEX_DIR"]), insights_db=Path(stack.env["SHOPASSIST_INSIGHTS_DB"]),
        conversations_per_minute=100_000, messages_per_minute=100_000,  # limits have their own tests
    )
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture(scope="session")
def gateway(rasa_stack: RasaStack, redis_url: str) -> Iterator[httpx.Client]:
    """The gateway app, in-process with its lifespan, wired to the session's Rasa stack."""
    from fastapi.testclient import TestClient

    from gateway.app import create_app

    with TestClient(create_app(gateway_settings(rasa_stack), redis_url)) as client:
        yield client


def add_staff(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], redis_url: str, prefix: str,
              role: str, name: str) -> dict[str, str]:
    """Create an editor, lead or admin through the CLI and return its Authorization header."""
    from gateway.cli import main as cli

    monkeypatch.setenv("SHOPASSIST_REDIS_URL", redis_url)
    monkeypatch.setenv("SHOPASSIST_KEY_PREFIX", prefix)
    assert cli([f"{role}s", "add", name]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    return {"Authorization": f"Bearer {token}"}
