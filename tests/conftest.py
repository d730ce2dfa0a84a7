"""Shared fixtures: real Redis, a real trained Rasa model served by a real Rasa server and
action server, and the gateway app in-process.

Everything expensive is session-scoped: the model is trained once per change of its
sources (cached under var/models), Rasa starts once per run, the FAQ index is built once
per change of its sources.  Every test run writes under its own Redis key prefix and
deletes only those keys afterwards: the Redis at 127.0.0.1:6379 is shared.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import redis

from gateway.ops import rasa_files, redis_acl, redis_server, training
from gateway.ops.stack import action_server_env, actions_server_argv, rasa_server_argv, rasa_server_env
from gateway.settings import REPO_ROOT, Settings, load_settings

EXTERNAL_REDIS_URL = os.environ.get("SHOPASSIST_TEST_REDIS_URL")
STARTUP_TIMEOUT_S = 240


@dataclass(frozen=True)
class RasaStack:
    rasa_url: str
    actions_url: str
    token: str
    env: dict[str, str]
    redis_urls: dict[str, str]  # per process (gateway, actions, rasa): its own ACL user


@pytest.fixture(scope="session")
def key_prefix() -> str:
    """A prefix only this test run writes under."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def redis_users(key_prefix: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Redis URLs by user: "admin" for the tests themselves, and one per process with the
    production ACL (gateway/ops/redis_acl.py), on a private password-protected Redis.

    With SHOPASSIST_TEST_REDIS_URL every user is that Redis, and this run's keys are removed at the end."""
    if EXTERNAL_REDIS_URL:
        if not redis_server.answers(EXTERNAL_REDIS_URL):
            pytest.fail(f"no Redis answers at SHOPASSIST_TEST_REDIS_URL={EXTERNAL_REDIS_URL}")
        yield dict.fromkeys(("admin", *redis_acl.ROLES), EXTERNAL_REDIS_URL)
        _delete_keys(EXTERNAL_REDIS_URL, key_prefix)
        return
    with private_redis(key_prefix, tmp_path_factory.mktemp("redis")) as urls:
        yield urls


@pytest.fixture(scope="session")
def redis_url(redis_users: dict[str, str]) -> str:
    return redis_users["admin"]


@contextmanager
def private_redis(prefix: str, directory: Path) -> Iterator[dict[str, str]]:
    """A redis-server with the default user off and the processes' ACL users, on a free port."""
    passwords = {role: f"-{uuid.uuid4().hex}" for role in ("admin", *redis_acl.ROLES)}
    acl = redis_acl.acl_file(prefix, passwords) + f"user admin on >{passwords['admin']} ~* &* +@all\n"
    (directory / "users.acl").write_text(acl)
    port = redis_server.free_port()
    binary = shutil.which("redis-server") or redis_server.embedded_binary()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(directory), "--aclfile", str(directory / "users.acl")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    urls = {role: f"redis://{role}:{quote(password)}@127.0.0.1:{port}/0" for role, password in passwords.items()}
    try:
        deadline = time.monotonic() + 15
        while not redis_server.answers(urls["admin"]):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the tests' redis-server did not start (exit {server.poll()})")
            time.sleep(0.1)
        yield urls
    finally:
        server.terminate()
        server.wait(10)


def _delete_keys(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
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
def rasa_stack(trained_model: Path, kb_index_dir: Path, redis_users: dict[str, str], key_prefix: str,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    """A real Rasa server and action server on free loopback ports, for this test session, each
    connected to Redis as its own restricted user."""
    with rasa_servers(trained_model, kb_index_dir, redis_users["admin"], key_prefix, tmp_path_factory.mktemp("rasa"),
                      redis_users) as stack:
        yield stack


@contextmanager
def rasa_servers(model: Path, kb_index_dir: Path, redis_url: str, key_prefix: str, run_dir: Path,
                 redis_users: dict[str, str] | None = None) -> Iterator[RasaStack]:
    """Start a Rasa server (serving `model`) and an action server (reading `kb_index_dir`); stop them after.
    Tests that swap the model or the index (editor deploys) start their own pair with this.
    Each process uses its user in `redis_users` where given, else `redis_url`."""
    urls = {role: (redis_users or {}).get(role, redis_url) for role in redis_acl.ROLES}
    rasa_port, actions_port = redis_server.free_port(), redis_server.free_port()
    # "-" first: no secret may ever be read as a command-line option (issue #18)
    token, channel_secret, actions_token = (f"-{uuid.uuid4().hex}{uuid.uuid4().hex}" for _ in range(3))
    actions_url = f"http://127.0.0.1:{actions_port}"
    env = dict(os.environ, SHOPASSIST_REDIS_URL=redis_url, SHOPASSIST_KEY_PREFIX=key_prefix,
               SHOPASSIST_KB_INDEX_DIR=str(kb_index_dir), SHOPASSIST_RASA_TOKEN=token,
               SHOPASSIST_RASA_CHANNEL_SECRET=channel_secret, SHOPASSIST_ACTIONS_TOKEN=actions_token,
               SHOPASSIST_IDENTITY_SECRET="test-identity-secret-0123456789",
               SHOPASSIST_INSIGHTS_DB=str(run_dir / "insights.sqlite3"))
    files = rasa_files.write(run_dir, redis_url=urls["rasa"], actions_url=actions_url, key_prefix=key_prefix,
                             actions_token=actions_token)
    actions_log, rasa_log = run_dir / "actions.log", run_dir / "rasa.log"
    with actions_log.open("w") as actions_out, rasa_log.open("w") as rasa_out:
        yield from _serve(actions_log, actions_out, rasa_log, rasa_out, actions_port, rasa_port, actions_url,
                          files, model, env, urls)


def _serve(actions_log, actions_out, rasa_log, rasa_out, actions_port, rasa_port, actions_url,  # type: ignore[no-untyped-def]
           files, trained_model, env, urls):
    token = env["SHOPASSIST_RASA_TOKEN"]
    actions = subprocess.Popen(
        actions_server_argv(str(actions_port)), cwd=REPO_ROOT,
        env=dict(env, SHOPASSIST_REDIS_URL=urls["actions"], **action_server_env(env["SHOPASSIST_ACTIONS_TOKEN"])),
        stdout=actions_out,
        stderr=subprocess.STDOUT, start_new_session=True)
    rasa = subprocess.Popen(
        rasa_server_argv(REPO_ROOT / ".venv-rasa", trained_model, str(rasa_port), files),
        cwd=REPO_ROOT, env=rasa_server_env(files, token, env["SHOPASSIST_RASA_CHANNEL_SECRET"]),
        stdout=rasa_out, stderr=subprocess.STDOUT, start_new_session=True)
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    try:
        _wait_until(lambda: httpx.get(f"{actions_url}/health", timeout=2).status_code == 200,
                    "the action server", actions, actions_log)
        _wait_until(lambda: bool(httpx.get(f"{rasa_url}/status", params={"token": token}, timeout=2)
                                 .json().get("model_id")), "the Rasa server", rasa, rasa_log)
        yield RasaStack(rasa_url, actions_url, token, env, urls)
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
        rasa_token=stack.token, rasa_channel_secret=stack.env["SHOPASSIST_RASA_CHANNEL_SECRET"],
        actions_token=stack.env["SHOPASSIST_ACTIONS_TOKEN"], identity_secret=stack.env["SHOPASSIST_IDENTITY_SECRET"],
        kb_index_dir=Path(stack.env["SHOPASSIST_KB_INDEX_DIR"]), insights_db=Path(stack.env["SHOPASSIST_INSIGHTS_DB"]),
        conversations_per_minute=100_000, messages_per_minute=100_000,  # limits have their own tests
    )
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture(autouse=True)
def _agents_sign_out_after_each_test() -> Iterator[None]:
    from tests import presence

    yield
    presence.sign_out_this_tests_agents()


@pytest.fixture(scope="session")
def gateway(rasa_stack: RasaStack, redis_url: str) -> Iterator[httpx.Client]:
    """The gateway app, in-process with its lifespan, wired to the session's Rasa stack."""
    from fastapi.testclient import TestClient

    from gateway.app import create_app

    with TestClient(create_app(gateway_settings(rasa_stack), rasa_stack.redis_urls["gateway"])) as client:
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
