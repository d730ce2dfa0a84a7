"""Train, test, deploy and roll back: the one implementation behind the CLI and the API.

A deploy ships the model and the KB index of the current sources together: it trains and
tests if needed, asks the gate, rebuilds the index if the FAQ changed (a new version made
`current` atomically; the gateway and action server switch within a second), then tells the
running Rasa to load the new model.  If Rasa refuses, the index pointer goes back, so the
live pair never mixes versions.  Only then is the version recorded and made `live`.

A fresh install has no deploy to compare with, so `shopassist run` records the model and index
it starts with as v1 (`model_to_serve`): the gate compares the first editor deploy with it.
Its NLU report is taken from the cache when there is one; otherwise v1 is recorded at once with
`"report": "pending"` (the held-out test takes a minute or more, start-up must not wait for it)
and the gateway runs that test as a background job, which attaches the metrics (`test`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.editor import gate, nlu_test
from gateway.editor.pipeline_lock import pipeline_lock
from gateway.editor.rasa_model import ModelSwapFailed, RasaModels
from gateway.editor.versions import VersionStore, live_model
from gateway.errors import Invalid, NotFound
from gateway.ops import training
from gateway.ops.children import Children
from gateway.ops.console import say as print_line
from gateway.ops.kb_build import ensure_kb_index
from gateway.settings import Settings
from kb_index import Encoder, layout

Say = Callable[[str], None]

# Who recorded the version a fresh install started with (staff actors are {id, name, role} too).
INSTALL_ACTOR = {"id": "system", "name": "install", "role": "system"}
# The KB index's own evaluation kept with a version: its calibrated method's scores on the dev set.
KB_SCORES = ("top1", "mrr5", "answer_precision", "coverage", "resolved", "oos_recall")
log = logging.getLogger(__name__)


class GateRefused(Exception):
    pass


@dataclass(frozen=True)
class DeployRequest:
    force: bool = False
    reason: str | None = None
    summary: str | None = None


class Pipeline:
    def __init__(self, settings: Settings, redis: Redis, http: httpx.AsyncClient,
                 encoder: Callable[[], Encoder | None] = lambda: None) -> None:
        self._settings = settings
        self._redis = redis
        self._keys = RedisKeys(settings.key_prefix)
        self._encoder = encoder
        self.versions = VersionStore(redis, self._keys)
        self.children = Children()  # the Rasa processes of train and test, stopped at shutdown
        self.rasa = RasaModels(http, settings.rasa_url, settings.rasa_token.get_secret_value())

    @property
    def reports_dir(self) -> Path:
        return reports_dir(self._settings)

    def locked(self, holder: str) -> AbstractAsyncContextManager[None]:
        return pipeline_lock(self._redis, self._keys, holder)

    async def train(self, say: Say) -> Path:
        s = self._settings
        return await asyncio.to_thread(training.ensure_model, s.var_dir / "models", s.rasa_env,
                                       s.rasa_project_dir, say, self.children)

    async def test(self, say: Say, folds: int | None = None) -> dict[str, Any]:
        s = self._settings
        report = await asyncio.to_thread(nlu_test.ensure_report, s.rasa_project_dir, self.reports_dir, s.rasa_env,
                                         say, folds, self.children)
        if not folds:  # the gate's kind of report: a version waiting for it gets its metrics
            for version_id in await self.versions.attach_report(report["model_hash"], gate.metrics_of(report)):
                say(f"NLU report attached to {version_id}")
        return report

    async def live(self) -> dict[str, Any] | None:
        """The live version; one whose report was pending gets it here if it exists by now."""
        live = await self.versions.live()
        if live and live.get("report") == "pending":
            report = await asyncio.to_thread(nlu_test.load_report, self.reports_dir, live["model_hash"])
            if report is not None:
                await self.versions.attach_report(live["model_hash"], gate.metrics_of(report))
                live = await self.versions.live()
        return live

    async def install_report_needed(self) -> bool:
        """Whether the live version still waits for its NLU report and the current sources can
        produce it (they are the ones its model was trained from)."""
        live = await self.live()
        if not live or live.get("report") != "pending":
            return False
        sources = await asyncio.to_thread(training.training_hash, self._settings.rasa_project_dir)
        if sources != live["model_hash"]:
            log.warning("%s has no NLU report and the sources changed since its model %s was trained",
                        live["id"], live["model_hash"])
            return False
        return True

    async def deploy(self, request: DeployRequest, actor: dict[str, str], say: Say) -> dict[str, Any]:
        if request.force and not (request.reason or "").strip():
            raise Invalid("a forced deploy needs a reason (--reason TEXT / \"reason\")")
        clock = time.monotonic()
        model = await self.train(say)
        seconds = {"train": time.monotonic() - clock}
        report = await self.test(say)
        seconds["test"] = time.monotonic() - clock - seconds["train"]
        model_hash = training.model_hash(model)
        if report["model_hash"] != model_hash:
            raise Invalid("the sources changed while this deploy trained and tested; start it again")
        metrics = gate.metrics_of(report)
        live = await self.live()
        live_metrics = live.get("metrics") if live else None
        verdict = gate.check(metrics, live_metrics,
                             max_drop=self._settings.deploy_max_f1_drop, floor=self._settings.deploy_intent_f1_floor)
        if not verdict.passed and not request.force:
            raise GateRefused(f"gate refused the deploy: {verdict.message()} (override with --force --reason)")
        compared = (f", live {live['id']} {live_metrics['macro_f1']:.3f})" if live and live_metrics else
                    f", live {live['id']} has no NLU report: the floor only)" if live else ", first version)")
        say(f"gate overridden: {verdict.message()}" if not verdict.passed else
            f"gate passed (macro-F1 {metrics['macro_f1']:.3f}{compared}")
        index_root = self._settings.kb_index_dir
        previous_index = layout.current_version(index_root)
        say("checking the FAQ sources; rebuilding the KB index if they changed ...")
        clock = time.monotonic()
        rebuilt = await asyncio.to_thread(ensure_kb_index, self._settings, self._encoder())
        seconds["kb_index"] = time.monotonic() - clock
        index_version = layout.current_version(index_root)
        if live and not rebuilt and live["model_hash"] == model_hash and live["index_version"] == index_version:
            raise Invalid(f"nothing to deploy: model {model_hash} and index {index_version} are live as {live['id']}")
        say(f"KB index {index_version} is current" + (" (rebuilt)" if rebuilt else " (unchanged)"))
        clock = time.monotonic()
        if await self.rasa.serves(model):
            say(f"Rasa already serves {model.name}; only the KB index changed")
        else:
            await self._swap_model(model, index_root, previous_index if rebuilt else None,
                                   Path(live["model_file"]) if live else None, say)
        seconds["model_swap"] = time.monotonic() - clock
        fields: dict[str, Any] = {
                  "model_hash": model_hash, "model_file": str(model.resolve()), "index_version": index_version,
                  "metrics": metrics, "kb": kb_report(index_root, index_version),
                  "summary": (request.summary or "").strip(),
                  "seconds": {step: round(s, 1) for step, s in seconds.items()}}
        if not verdict.passed:
            fields.update(reason=request.reason.strip() if request.reason else "", gate=verdict.problems)
        version = await self.versions.record(fields, actor=actor)
        say(f"deployed {version['id']}: model {model_hash}, index {index_version}; seconds: {fields['seconds']}")
        return version

    async def rollback(self, version_id: str | None, actor: dict[str, str], say: Say) -> dict[str, Any]:
        target = await (self.versions.get(version_id) if version_id else self.versions.previous())
        if target is None:
            raise NotFound(f"no version {version_id}" if version_id else "no earlier version to roll back to")
        if target["id"] == await self.versions.live_id():
            raise Invalid(f"{target['id']} is already live")
        model, index_root = Path(target["model_file"]), self._settings.kb_index_dir
        if not model.is_file():
            raise Invalid(f"the model file of {target['id']} is gone: {model}")
        previous_index = layout.current_version(index_root)
        if target["index_version"] != previous_index:
            say(f"switching the KB index to {target['index_version']} ...")
            layout.publish(index_root, target["index_version"])
        live = await self.versions.live()
        await self._swap_model(model, index_root, previous_index, Path(live["model_file"]) if live else None, say)
        await self.versions.set_live(target["id"], actor=actor)
        say(f"rolled back to {target['id']}: model {target['model_hash']}, index {target['index_version']}")
        return target

    async def _swap_model(self, model: Path, index_root: Path, index_to_restore: str | None,
                          model_to_restore: Path | None, say: Say) -> None:
        """Load `model` into Rasa; if that fails, put the live pair (index, model) back."""
        say(f"loading model {model.name} into Rasa (hot swap) ...")
        try:
            status = await self.rasa.replace(model)
        except ModelSwapFailed as failure:
            say(f"hot swap failed: {failure}")
            if index_to_restore and layout.current_version(index_root) != index_to_restore:
                layout.publish(index_root, index_to_restore)
                say(f"KB index switched back to {index_to_restore}")
            if model_to_restore is not None:
                with contextlib.suppress(ModelSwapFailed):
                    await self.rasa.replace(model_to_restore)
                    say(f"Rasa switched back to {model_to_restore.name}")
            raise
        say(f"Rasa serves {status.get('model_file')} (model id {status.get('model_id')})")


def reports_dir(settings: Settings) -> Path:
    return settings.var_dir / "reports"


def kb_report(index_root: Path, version: str | None) -> dict[str, Any] | None:
    """The KB index's own evaluation, from its manifest: per language, the calibrated method and
    its scores on the dev set (in-sample: the thresholds were fitted on it; docs/kb.md)."""
    if version is None:
        return None
    try:
        manifest = json.loads((index_root / layout.VERSIONS / version / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    calibration = manifest.get("calibration") or {}
    by_language = {}
    for lang, table in sorted((calibration.get("by_language") or {}).items()):
        method = table.get("chosen")
        scores = table.get(method) or {}
        by_language[lang] = {"method": method, **{name: scores.get(name) for name in KB_SCORES}}
    return {"dev_set": calibration.get("dev_set"), "articles": manifest.get("counts"), "by_language": by_language}


async def record_install(store: VersionStore, settings: Settings, model: Path, say: Say) -> dict[str, Any] | None:
    """Record `model` and the current KB index as v1 unless a version exists; the version, or None."""
    index_version = layout.current_version(settings.kb_index_dir)
    if index_version is None:
        say("no KB index is current yet; the first version is recorded by the first deploy")
        return None
    model_hash = training.model_hash(model)
    report = await asyncio.to_thread(nlu_test.load_report, reports_dir(settings), model_hash)
    fields: dict[str, Any] = {
        "model_hash": model_hash, "model_file": str(model.resolve()), "index_version": index_version,
        "metrics": gate.metrics_of(report) if report else None, "report": "ready" if report else "pending",
        "kb": kb_report(settings.kb_index_dir, index_version),
        "summary": "the model and KB index this install started with"}
    version = await store.record_first(fields, actor=INSTALL_ACTOR)
    if version is not None:
        say(f"recorded the first version v1: model {model_hash}, index {index_version}, NLU report "
            + ("from the cache" if report else "pending (the gateway tests the model in the background)"))
    return version


async def model_to_serve(settings: Settings, key_prefix: str, redis_url: str) -> Path | None:
    """What `shopassist run` starts Rasa with, asked once Redis is up: the live version's model;
    on a fresh install (no version yet) the current sources' model, recorded as v1 first."""
    live = await live_model(key_prefix, redis_url)
    if live is not None:
        return live
    s = settings
    model = await asyncio.to_thread(training.ensure_model, s.var_dir / "models", s.rasa_env, s.rasa_project_dir,
                                    lambda _: None)  # trained moments ago by `run`: only finds the file
    redis = Redis.from_url(redis_url)
    try:
        await record_install(VersionStore(redis, RedisKeys(key_prefix)), settings, model, print_line)
    finally:
        await redis.aclose()
    return model
