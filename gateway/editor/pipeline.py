"""Train, test, deploy and roll back: the one implementation behind the CLI and the API.

A deploy ships the model and the KB index of the current sources together: it trains and
tests if needed, asks the gate, rebuilds the index if the FAQ changed (a new version made
`current` atomically; the gateway and action server switch within a second), then tells the
running Rasa to load the new model.  If Rasa refuses, the index pointer goes back, so the
live pair never mixes versions.  Only then is the version recorded and made `live`.
"""

from __future__ import annotations

import asyncio
import contextlib
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
from gateway.editor.versions import VersionStore
from gateway.errors import Invalid, NotFound
from gateway.ops import training
from gateway.ops.kb_build import ensure_kb_index
from gateway.settings import Settings
from kb_index import Encoder, layout

Say = Callable[[str], None]


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
        self.rasa = RasaModels(http, settings.rasa_url, settings.rasa_token.get_secret_value())

    @property
    def reports_dir(self) -> Path:
        return self._settings.var_dir / "reports"

    def locked(self, holder: str) -> AbstractAsyncContextManager[None]:
        return pipeline_lock(self._redis, self._keys, holder)

    async def train(self, say: Say) -> Path:
        s = self._settings
        return await asyncio.to_thread(training.ensure_model, s.var_dir / "models", s.rasa_env,
                                       s.rasa_project_dir, say)

    async def test(self, say: Say, folds: int | None = None) -> dict[str, Any]:
        s = self._settings
        return await asyncio.to_thread(nlu_test.ensure_report, s.rasa_project_dir, self.reports_dir, s.rasa_env,
                                       say, folds)

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
        live = await self.versions.live()
        verdict = gate.check(metrics, live["metrics"] if live else None,
                             max_drop=self._settings.deploy_max_f1_drop, floor=self._settings.deploy_intent_f1_floor)
        if not verdict.passed and not request.force:
            raise GateRefused(f"gate refused the deploy: {verdict.message()} (override with --force --reason)")
        say(f"gate overridden: {verdict.message()}" if not verdict.passed else
            f"gate passed (macro-F1 {metrics['macro_f1']:.3f}"
            + (f", live {live['metrics']['macro_f1']:.3f})" if live else ", first version)"))
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
                  "metrics": metrics, "summary": (request.summary or "").strip(),
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
