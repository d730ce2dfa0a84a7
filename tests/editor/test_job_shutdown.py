"""A gateway that stops while an editor job runs Rasa does not wait for Rasa: the job's processes
are killed with their process groups, the worker thread returns, and the job is recorded as
stopped. Without this, the event loop's exit waited for the thread, minutes for a real training.

Rasa is replaced by a script that records its pid, starts a grandchild and sleeps ten minutes:
the subject is the stopping, and a real training would take as long as the sleep to show it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.editor.jobs import JobRunner
from gateway.editor.pipeline import INSTALL_ACTOR, DeployRequest, Pipeline
from gateway.ops.children import Children, Stopped
from gateway.settings import load_settings
from tests.waiting import wait_until

SLEEP = ["sh", "-c", 'sleep 600 & echo $! > "$0"; wait']  # $0: where the grandchild's pid goes


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"  # a zombie has ended


def test_stop_kills_a_running_child_and_its_own_children_and_refuses_new_ones(tmp_path: Path) -> None:
    children, grandchild_pid = Children(), tmp_path / "grandchild.pid"
    done: list[subprocess.CompletedProcess[str]] = []
    worker = threading.Thread(target=lambda: done.append(children.run([*SLEEP, str(grandchild_pid)])))
    worker.start()
    pid = int(wait_until(lambda: grandchild_pid.is_file() and grandchild_pid.read_text().strip(),
                         "the child starting its grandchild", timeout_s=30))
    children.stop()
    worker.join(timeout=60)
    assert not worker.is_alive() and done[0].returncode == -9
    wait_until(lambda: not _alive(pid), "the grandchild ending", timeout_s=30)
    with pytest.raises(Stopped):
        children.run(["true"])


def test_a_failure_while_a_child_runs_kills_it_instead_of_waiting_for_it(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    with pytest.raises(KeyboardInterrupt), Children().popen([*SLEEP, str(pid_file)]) as process:
        wait_until(lambda: pid_file.is_file() and pid_file.read_text().strip(), "the grandchild", timeout_s=30)
        raise KeyboardInterrupt  # Ctrl-C during `shopassist train`
    assert process.returncode == -9
    wait_until(lambda: not _alive(int(pid_file.read_text())), "the grandchild ending", timeout_s=30)


@pytest.mark.redis
def test_a_gateway_stopping_during_a_train_job_kills_rasa_and_records_the_job_stopped(
        redis_url: str, key_prefix: str, tmp_path: Path) -> None:
    pid_file = tmp_path / "rasa.pid"
    rasa_env = tmp_path / "sleeping-rasa"
    (rasa_env / "bin").mkdir(parents=True)
    (rasa_env / "bin" / "rasa").write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 600\n")
    (rasa_env / "bin" / "rasa").chmod(0o755)
    settings = load_settings(key_prefix=f"{key_prefix}-stop-{uuid.uuid4().hex[:6]}", var_dir=tmp_path / "var",
                             rasa_env=rasa_env)

    async def train_then_shut_down() -> dict:
        redis = Redis.from_url(redis_url)
        try:
            async with asyncio.timeout(120):
                jobs = JobRunner(redis, RedisKeys(settings.key_prefix), Pipeline(settings, redis, None))  # type: ignore[arg-type]
                job = await jobs.start("train", DeployRequest(), INSTALL_ACTOR)
                while not (pid_file.is_file() and pid_file.read_text().strip()):
                    await asyncio.sleep(0.1)
                await jobs.stop()
                return await jobs.store.get(job["id"]) | {"pid": int(pid_file.read_text())}
        finally:
            await redis.aclose()

    job = asyncio.run(train_then_shut_down())  # returns only once no worker thread is left (or times out)
    assert not _alive(job["pid"]), "the job's Rasa outlived the gateway"
    assert (job["state"], job["error"]) == ("failed", "stopped: the gateway shut down")
