"""The deploy gate's decisions, the held-out split's stability, and the version history's
rollback target (real Redis) — the parts of the pipeline that need no Rasa."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path

import pytest
from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.editor import gate
from gateway.editor.nlu_split import split
from gateway.editor.versions import VersionStore
from gateway.settings import REPO_ROOT

LIVE = {"macro_f1": 0.92, "per_intent": {"greet": 0.95, "goodbye": 0.67}, "lang": {"en": 0.94, "ko": 0.90}}


def candidate(**changes: object) -> dict:
    metrics = {"macro_f1": 0.92, "per_intent": dict(LIVE["per_intent"]), "lang": dict(LIVE["lang"])}
    metrics.update(changes)
    return metrics


def test_first_deploy_is_gated_only_by_the_floor() -> None:
    assert gate.check(candidate(macro_f1=0.1), None, max_drop=0.02, floor=0.5).passed
    verdict = gate.check(candidate(per_intent={"greet": 0.95, "goodbye": 0.4}), None, max_drop=0.02, floor=0.5)
    assert verdict.problems == ["intent goodbye: F1 0.400 is under the floor 0.50"]


def test_a_drop_up_to_the_allowed_one_passes() -> None:
    assert gate.check(candidate(macro_f1=0.90, lang={"en": 0.92, "ko": 0.88}), LIVE, max_drop=0.02, floor=0.5).passed


def test_a_bigger_drop_overall_or_in_one_language_is_refused_by_name() -> None:
    overall = gate.check(candidate(macro_f1=0.89), LIVE, max_drop=0.02, floor=0.5)
    assert not overall.passed and overall.problems[0].startswith("macro-F1 0.890 is 0.030 below the live 0.920")
    korean = gate.check(candidate(lang={"en": 0.95, "ko": 0.85}), LIVE, max_drop=0.02, floor=0.5)
    assert [p.split(" ")[1] for p in korean.problems] == ["(ko)"]


def test_held_out_split_is_stable_when_an_example_is_added(tmp_path: Path) -> None:
    data = tmp_path / "nlu_data"
    shutil.copytree(REPO_ROOT / "nlu_data", data)
    first = held_out(data, tmp_path / "a")
    nlu_en = data / "nlu_en.yml"
    nlu_en.write_text(nlu_en.read_text().replace("examples: |\n", "examples: |\n      - a brand new example\n", 1))
    second = held_out(data, tmp_path / "b")
    assert first == held_out(REPO_ROOT / "nlu_data", tmp_path / "c")
    assert first and first <= second and len(second - first) <= 1


def held_out(data: Path, work: Path) -> set[str]:
    (work / "train").mkdir(parents=True)
    split(data, work / "train", work / "test.yml")
    return {line.strip() for line in (work / "test.yml").read_text().splitlines() if line.strip().startswith("- ")}


@pytest.mark.redis
def test_rollback_target_is_the_version_before_the_live_one(redis_url: str, key_prefix: str) -> None:
    async def scenario() -> list[str | None]:
        redis = Redis.from_url(redis_url)
        store = VersionStore(redis, RedisKeys(f"{key_prefix}-versions-{uuid.uuid4().hex[:6]}"))
        actor = {"id": "s1", "name": "Yuna", "role": "editor"}
        try:
            seen = [(await store.previous() or {}).get("id")]
            for summary in ("one", "two", "three"):
                await store.record({"model_hash": summary, "summary": summary}, actor=actor)
            seen.append((await store.previous() or {}).get("id"))
            await store.set_live("v2", actor=actor)
            seen.append((await store.previous() or {}).get("id"))
            seen.append(await store.live_id())
            seen += [v["id"] for v in await store.all()]
            return seen
        finally:
            await redis.aclose()

    assert asyncio.run(scenario()) == [None, "v2", "v1", "v2", "v3", "v2", "v1"]
