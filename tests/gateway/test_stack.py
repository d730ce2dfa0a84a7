"""The process side of `make run`: Redis choice, the supervisor, secrets and training cache keys."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

import pytest

from gateway.ops import redis_server, secrets_file, training
from gateway.ops.supervisor import ProcessSpec, Supervisor
from gateway.settings import load_settings
from tests.waiting import wait_until


def test_a_configured_redis_url_wins(tmp_path):
    assert redis_server.plan("redis://example:6400/2", tmp_path) == redis_server.RedisPlan("redis://example:6400/2")


def test_embedded_redis_serves_with_aof_under_var(tmp_path):
    import subprocess

    port = redis_server.free_port()
    command = redis_server.embedded_command(tmp_path / "redis", port)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"redis://127.0.0.1:{port}/0"
        wait_until(lambda: redis_server.answers(url), "the embedded redis starting", timeout_s=10, every_s=0.1)
        import redis

        client = redis.Redis.from_url(url)
        client.set("k", "v")
        assert client.config_get("appendonly")["appendonly"] == "yes"
        assert Path(client.config_get("dir")["dir"]) == tmp_path / "redis"
        client.close()
    finally:
        process.terminate()
        process.wait(10)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_supervisor_reports_a_dead_child_and_leaves_nothing_running(capsys):
    async def scenario() -> tuple[str, list[int]]:
        supervisor = Supervisor(grace_s=2)
        await supervisor.start(ProcessSpec("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"]))
        # a child that ignores SIGTERM must still be gone after stop_all
        await supervisor.start(ProcessSpec("stubborn", [sys.executable, "-c",
                               "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                               "print('ready', flush=True); time.sleep(60)"]))
        await supervisor.start(ProcessSpec("crasher", [sys.executable, "-c",
                               "import time; time.sleep(0.5); print('bye', flush=True); raise SystemExit(3)"]))
        pids = [p.pid for _, p in supervisor._children]
        reason = await supervisor.wait_for_exit()
        await supervisor.stop_all()
        return reason, pids

    reason, pids = asyncio.run(scenario())
    assert reason == "crasher exited with code 3"
    assert not any(_alive(pid) for pid in pids)
    out = capsys.readouterr().out
    assert "crasher |" in out.replace("  ", " ") or "crasher  | bye" in out
    assert "stubborn" in out  # killed after the grace period, and said so


def test_secrets_are_generated_once_and_read_back(tmp_path, monkeypatch):
    secrets_path = tmp_path / "secrets.env"
    monkeypatch.setattr(secrets_file, "SECRETS_FILE", secrets_path)
    empty = load_settings(_env_file=None, rasa_token="", rasa_channel_secret="", actions_token="", identity_secret="",
                          proactive_shop_secret="")
    assert secrets_file.ensure(empty) is True
    values = dict(line.split("=", 1) for line in secrets_path.read_text().splitlines())
    assert set(values) == {"SHOPASSIST_RASA_TOKEN", "SHOPASSIST_RASA_CHANNEL_SECRET", "SHOPASSIST_ACTIONS_TOKEN",
                           "SHOPASSIST_IDENTITY_SECRET", "SHOPASSIST_PROACTIVE_SHOP_SECRET"}
    assert all(len(v) >= 32 for v in values.values())
    assert oct(secrets_path.stat().st_mode)[-3:] == "600"
    reread = load_settings(_env_file=secrets_path)
    assert reread.rasa_token.get_secret_value() == values["SHOPASSIST_RASA_TOKEN"]
    assert secrets_file.ensure(reread) is False


def test_training_hash_follows_the_sources(tmp_path):
    for name in ("config.yml", "domain.yml"):
        (tmp_path / name).write_text(name)
    for folder in ("nlu_data", "rasa_addons", "requirements"):
        (tmp_path / folder).mkdir()
    (tmp_path / "nlu_data" / "nlu.yml").write_text("a")
    (tmp_path / "rasa_addons" / "kiwi_tokenizer.py").write_text("x")
    (tmp_path / "rasa_addons" / "internal_intents.py").write_text("f")
    (tmp_path / "requirements" / "rasa.lock").write_text("rasa==3.6.21")
    before = training.training_hash(tmp_path)
    assert training.training_hash(tmp_path) == before
    (tmp_path / "nlu_data" / "nlu.yml").write_text("b")
    assert training.training_hash(tmp_path) != before
    (tmp_path / "nlu_data" / "nlu.yml").write_text("a")
    (tmp_path / "rasa_addons" / "__pycache__").mkdir()
    (tmp_path / "rasa_addons" / "__pycache__" / "t.pyc").write_bytes(b"\0")
    (tmp_path / "rasa_addons" / "gateway_channel.py").write_text("serving, not training")
    assert training.training_hash(tmp_path) == before
    (tmp_path / "rasa_addons" / "kiwi_tokenizer.py").write_text("y")
    assert training.training_hash(tmp_path) != before


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_local_redis_is_preferred_when_it_answers(tmp_path):
    if redis_server.answers(redis_server.LOCAL_URL):
        assert redis_server.plan(None, tmp_path) == redis_server.RedisPlan(redis_server.LOCAL_URL)
    else:
        assert redis_server.plan(None, tmp_path).command is not None
