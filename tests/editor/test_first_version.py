"""A fresh install records what it started with as v1 (`shopassist run` → `model_to_serve`), once,
and the first editor deploy is gated against it.

Real Redis (each test its own key prefix), the session's trained model and FAQ index. The NLU
report is constructed in the report cache the way `nlu test` writes it: the report is the gate's
and the version's input, and a real held-out test costs a minute; the gate itself is real.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.editor import gate, nlu_test
from gateway.editor.jobs import JobRunner
from gateway.editor.pipeline import (
    INSTALL_ACTOR,
    DeployRequest,
    GateRefused,
    Pipeline,
    model_to_serve,
    record_install,
)
from gateway.editor.pipeline_lock import pipeline_lock
from gateway.errors import Invalid
from gateway.ops import training
from gateway.services import _test_the_installed_version
from gateway.settings import REPO_ROOT, Settings, load_settings
from kb_index import layout

pytestmark = [pytest.mark.redis]


@dataclass(frozen=True)
class Install:
    settings: Settings
    redis_url: str
    model: Path

    @property
    def prefix(self) -> str:
        return self.settings.key_prefix

    @property
    def model_hash(self) -> str:
        return training.model_hash(self.model)

    def start(self) -> Path:
        """What `shopassist run` does once Redis is up: the model file Rasa is started with."""
        model = asyncio.run(model_to_serve(self.settings, self.prefix, self.redis_url))
        assert model is not None
        return model.resolve()

    def write_report(self, macro_f1: float) -> dict[str, Any]:
        report = {"model_hash": self.model_hash, "examples": 271, "accuracy": macro_f1, "macro_f1": macro_f1,
                  "per_intent": {intent: {"precision": macro_f1, "recall": macro_f1, "f1": macro_f1, "support": 10,
                                          "confused_with": {}} for intent in ("greet", "goodbye", "order_status")},
                  "lang": {"en": {"macro_f1": macro_f1 + 0.01}, "ko": {"macro_f1": macro_f1 - 0.01}},
                  "misclassified_total": 0, "misclassified": [], "method": "held-out (1 in 5)"}
        folder = nlu_test.report_dir(self.settings.var_dir / "reports", self.model_hash)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / nlu_test.REPORT).write_text(json.dumps(report))
        return report

    def use(self, work):  # type: ignore[no-untyped-def]
        """Run `work(pipeline, redis)` on a fresh connection and event loop, as another process would."""
        async def run() -> Any:
            redis = Redis.from_url(self.redis_url)
            try:
                async with httpx.AsyncClient() as http:
                    return await work(Pipeline(self.settings, redis, http), redis)
            finally:
                await redis.aclose()
        return asyncio.run(run())

    def versions(self) -> dict[str, Any]:
        async def read(pipeline: Pipeline, _: Redis) -> dict[str, Any]:
            store = pipeline.versions
            return {"live": await store.live_id(), "versions": await store.all(), "history": await store.history()}
        return self.use(read)


@pytest.fixture
def install(trained_model: Path, kb_index_dir: Path, redis_url: str, key_prefix: str, tmp_path: Path
            ) -> Iterator[Install]:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    (var_dir / "models").symlink_to(REPO_ROOT / "var" / "models")  # the model cache is shared, by hash
    settings = load_settings(key_prefix=f"{key_prefix}-first-{uuid.uuid4().hex[:6]}", var_dir=var_dir,
                             kb_index_dir=kb_index_dir)
    yield Install(settings, redis_url, trained_model.resolve())


def test_a_fresh_install_records_v1_with_its_model_index_and_metrics(install: Install) -> None:
    report = install.write_report(0.9)
    assert install.start() == install.model
    listed = install.versions()
    assert listed["live"] == "v1" and [v["id"] for v in listed["versions"]] == ["v1"]
    v1 = listed["versions"][0]
    assert v1["model_hash"] == install.model_hash and v1["model_file"] == str(install.model.resolve())
    assert v1["index_version"] == layout.current_version(install.settings.kb_index_dir)
    assert v1["metrics"] == gate.metrics_of(report) and v1["report"] == "ready"
    assert v1["actor"] == INSTALL_ACTOR == {"id": "system", "name": "install", "role": "system"}
    for lang in ("en", "ko"):  # the index's own evaluation, from its manifest
        kb = v1["kb"]["by_language"][lang]
        assert kb["method"] in ("weighted", "rrf") and 0 < kb["top1"] <= 1 and 0 < kb["answer_precision"] <= 1
    assert [(h["version"], h["action"], h["actor"]["name"]) for h in listed["history"]] == [("v1", "install",
                                                                                             "install")]


def test_a_restart_records_nothing_new_and_serves_v1(install: Install) -> None:
    install.write_report(0.9)
    install.start()
    first = install.versions()
    assert install.start() == install.model  # now as the live version's model
    assert install.start() == install.model
    assert install.versions() == first


def test_concurrent_starts_record_one_v1(install: Install) -> None:
    """Sixteen starts at once, each with its own connection and event loop (as separate processes),
    released together right before they record (the file reads before it would spread them out)."""
    install.write_report(0.9)
    starts = 16
    barrier, recorded = threading.Barrier(starts), []

    def start() -> None:
        async def record(pipeline: Pipeline, redis: Redis) -> dict[str, Any] | None:
            await redis.ping()  # connected before the race starts
            store, record_first = pipeline.versions, pipeline.versions.record_first

            async def when_released(fields: dict[str, Any], *, actor: dict[str, str]) -> dict[str, Any] | None:
                barrier.wait(10)
                return await record_first(fields, actor=actor)
            store.record_first = when_released  # type: ignore[method-assign]
            return await record_install(store, install.settings, install.model, lambda _: None)
        recorded.append(install.use(record))

    threads = [threading.Thread(target=start) for _ in range(starts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(recorded) == starts and [v["id"] for v in recorded if v] == ["v1"]
    listed = install.versions()
    assert listed["live"] == "v1" and [v["id"] for v in listed["versions"]] == ["v1"]
    assert len(listed["history"]) == 1

    async def next_deploy(pipeline: Pipeline, _: Redis) -> list[Any]:
        store = pipeline.versions
        version = await store.record({"model_hash": "next", "summary": "the first editor deploy"},
                                     actor={"id": "s1", "name": "Yuna", "role": "editor"})
        return [version["id"], await store.live_id(), (await store.previous() or {}).get("id"),
                await store.record_first({"model_hash": "again"}, actor=INSTALL_ACTOR)]
    assert install.use(next_deploy) == ["v2", "v2", "v1", None]


def test_without_a_cached_report_v1_is_recorded_at_once_and_gets_the_report_when_it_exists(install: Install) -> None:
    install.start()
    v1 = install.versions()["versions"][0]
    assert (v1["report"], v1["metrics"], v1["model_hash"]) == ("pending", None, install.model_hash)
    assert install.use(lambda pipeline, _: pipeline.install_report_needed()) is True

    report = install.write_report(0.88)  # what the gateway's background test job produces
    said: list[str] = []
    assert install.use(lambda pipeline, _: pipeline.test(said.append))["macro_f1"] == 0.88
    assert "NLU report attached to v1" in said
    v1 = install.versions()["versions"][0]
    assert (v1["report"], v1["metrics"]) == ("ready", gate.metrics_of(report))
    assert install.use(lambda pipeline, _: pipeline.install_report_needed()) is False


def test_a_gateway_start_leaves_a_test_job_to_whoever_holds_the_pipeline(install: Install) -> None:
    """Two gateway processes starting at once: the second finds the first one's test job holding
    the lock and starts nothing, without failing its start-up."""
    install.start()

    async def second_start(pipeline: Pipeline, redis: Redis) -> list[Any]:
        keys = RedisKeys(install.prefix)
        async with pipeline_lock(redis, keys, "test job j-000000000000"):
            await _test_the_installed_version(JobRunner(redis, keys, pipeline))
        started = [key async for key in redis.scan_iter(match=keys.editor_job("*"))]
        return [started, await pipeline.install_report_needed()]
    assert install.use(second_start) == [[], True]


def test_the_first_editor_deploy_is_gated_against_v1(install: Install) -> None:
    install.write_report(0.9)
    install.start()
    install.write_report(0.8)  # the editor's sources test worse than what the install started with

    editor = {"id": "s1", "name": "Yuna", "role": "editor"}
    said: list[str] = []
    with pytest.raises(GateRefused, match=r"macro-F1 0\.800 is 0\.100 below the live 0\.900"):
        install.use(lambda pipeline, _: pipeline.deploy(DeployRequest(), editor, said.append))

    install.write_report(0.9)
    with pytest.raises(Invalid, match=f"nothing to deploy: model {install.model_hash} .* live as v1"):
        install.use(lambda pipeline, _: pipeline.deploy(DeployRequest(), editor, said.append))
    assert "gate passed (macro-F1 0.900, live v1 0.900)" in said
    assert install.versions()["live"] == "v1"
