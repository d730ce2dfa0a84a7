"""Train, test, deploy and roll back on the real stack: the session's Rasa server gets its
model hot-swapped through its HTTP API while shoppers keep talking to the gateway.

Costs, once per change of the sources (both are cached by hash under var/): one extra
training (a copy of the project with one added example, the "new" model) and the held-out
NLU test of the real data.  The new model's report is a copy of the real one (its data
differs by one example), and the gate test writes a worse report for it: the gate's input
is the report, so constructing one is the cheapest honest way to present a worse model.

The tests of this module build on each other's versions (v1 the base model, recorded as a fresh
install records it; v2 new, ...) and put the session's Rasa back on the base model at the end,
for the tests that follow.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from actions.shop.demo import DemoShop
from actions.shop.demo_data import generate
from contracts.keys import RedisKeys
from gateway import identity
from gateway.cli import main as cli
from gateway.editor import gate, nlu_test
from gateway.editor.pipeline import model_to_serve
from gateway.editor.pipeline_lock import pipeline_lock
from gateway.editor.versions import live_model
from gateway.ops import training
from gateway.settings import REPO_ROOT
from gateway.staff import StaffRegistry
from handoff import HandoffQueue
from tests.conftest import RasaStack, gateway_settings
from tests.waiting import wait_until

pytestmark = [pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]

JOB_WAIT_S = 280
ADDED_EXAMPLE = "      - cheers, that sorted it out nicely\n"


@dataclass(frozen=True)
class Editor:
    client: Any
    headers: dict[str, str]
    agent_headers: dict[str, str]
    prefix: str
    var_dir: Path
    base_root: Path
    new_root: Path
    stack: RasaStack

    def job(self, **body: Any) -> dict[str, Any]:
        """Start a job and wait for its end; returns the finished job."""
        response = self.client.post("/api/v1/editor/jobs", headers=self.headers, json=body)
        assert response.status_code == 202, response.text
        job_id = response.json()["job"]["id"]
        def finished() -> dict | None:
            job = self.client.get(f"/api/v1/editor/jobs/{job_id}", headers=self.headers).json()["job"]
            return job if job["state"] != "running" else None

        return wait_until(finished, f"job {job_id} finishing", timeout_s=JOB_WAIT_S, every_s=0.5)

    def rasa_model(self) -> str:
        status = httpx.get(f"{self.stack.rasa_url}/status", params={"token": self.stack.token}, timeout=30).json()
        return Path(status["model_file"]).name

    def versions(self) -> dict[str, Any]:
        return self.client.get("/api/v1/editor/versions", headers=self.headers).json()

    def cli_env(self, monkeypatch: pytest.MonkeyPatch, project: Path) -> None:
        env = {"REDIS_URL": self.stack.env["SHOPASSIST_REDIS_URL"], "KEY_PREFIX": self.prefix,
               "RASA_URL": self.stack.rasa_url, "RASA_TOKEN": self.stack.token,
               "RASA_CHANNEL_SECRET": self.stack.env["SHOPASSIST_RASA_CHANNEL_SECRET"],
               "ACTIONS_TOKEN": self.stack.env["SHOPASSIST_ACTIONS_TOKEN"],
               "IDENTITY_SECRET": self.stack.env["SHOPASSIST_IDENTITY_SECRET"],
               "KB_INDEX_DIR": self.stack.env["SHOPASSIST_KB_INDEX_DIR"], "VAR_DIR": str(self.var_dir),
               "RASA_PROJECT_DIR": str(project)}
        for name, value in env.items():
            monkeypatch.setenv(f"SHOPASSIST_{name}", value)


def copy_project(target: Path) -> Path:
    for source in training.SOURCES:
        (target / source).parent.mkdir(parents=True, exist_ok=True)
        if (REPO_ROOT / source).is_dir():
            shutil.copytree(REPO_ROOT / source, target / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO_ROOT / source, target / source)
    return target


def model_name(root: Path) -> str:
    return f"shopassist-{training.training_hash(root)}.tar.gz"


@pytest.fixture(scope="module")
def editor(rasa_stack: RasaStack, trained_model: Path, redis_url: str, key_prefix: str,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Editor]:
    from fastapi.testclient import TestClient

    from gateway.app import create_app

    new_root = copy_project(tmp_path_factory.mktemp("new-project"))
    nlu_en = new_root / "nlu_data" / "nlu_en.yml"
    nlu_en.write_text(nlu_en.read_text().replace("  - intent: thanks\n    examples: |\n",
                                                 "  - intent: thanks\n    examples: |\n" + ADDED_EXAMPLE, 1))
    var_dir = tmp_path_factory.mktemp("var")
    (var_dir / "models").symlink_to(REPO_ROOT / "var" / "models")  # the model cache is shared, by hash
    base_report = nlu_test.ensure_report(REPO_ROOT, REPO_ROOT / "var" / "reports", REPO_ROOT / ".venv-rasa", print)
    for root in (REPO_ROOT, new_root):
        folder = nlu_test.report_dir(var_dir / "reports", training.training_hash(root))
        folder.mkdir(parents=True)
        shutil.copyfile(nlu_test.report_dir(REPO_ROOT / "var" / "reports", base_report["model_hash"])
                        / nlu_test.CONFUSION, folder / nlu_test.CONFUSION)
        report = dict(base_report, model_hash=training.training_hash(root))
        (folder / nlu_test.REPORT).write_text(json.dumps(report))
    prefix = f"{key_prefix}-deploy"
    headers, agent_headers = asyncio.run(_accounts(redis_url, prefix))
    settings = gateway_settings(rasa_stack, key_prefix=prefix, var_dir=var_dir, rasa_project_dir=new_root)
    try:
        with TestClient(create_app(settings, redis_url)) as client:
            yield Editor(client, headers, agent_headers, prefix, var_dir, REPO_ROOT, new_root, rasa_stack)
    finally:
        httpx.put(f"{rasa_stack.rasa_url}/model", params={"token": rasa_stack.token},
                  json={"model_file": str(trained_model.resolve())}, timeout=120).raise_for_status()


async def _accounts(redis_url: str, prefix: str) -> tuple[dict[str, str], dict[str, str]]:
    redis = Redis.from_url(redis_url)
    try:
        _, editor_token = await StaffRegistry(redis, prefix).add("editor", "Yuna")
        _, agent_token = await HandoffQueue(redis, prefix).agents.add("Mina", ["orders"], ["en"], 1)
    finally:
        await redis.aclose()
    return {"Authorization": f"Bearer {editor_token}"}, {"Authorization": f"Bearer {agent_token}"}


class Traffic:
    """Shoppers talking to the gateway from background threads: new conversations in both
    languages, each a few turns; every request's start, end and outcome is kept."""

    def __init__(self, gateway: httpx.Client, shoppers: int = 3) -> None:
        self._gateway = gateway
        self._stop = threading.Event()
        self.requests: list[tuple[float, float, str | None]] = []  # (start, end, failure or None)
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(shoppers)]

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def failures(self) -> list[str]:
        return [failure for _, _, failure in self.requests if failure]

    def overlapping(self, start: float, end: float) -> int:
        return sum(1 for begun, done, _ in self.requests if begun < end and done > start)

    def _run(self) -> None:
        turns = [("en", "hello"), ("ko", "안녕하세요"), ("en", "where is my order?"), ("ko", "감사합니다")]
        while not self._stop.is_set():
            began = time.monotonic()
            started = self._gateway.post("/api/v1/conversations", json={"locale": "en"})
            if started.status_code != 201:
                self.requests.append((began, time.monotonic(), f"start: {started.status_code} {started.text[:200]}"))
                continue
            data = started.json()
            headers = {"Authorization": f"Bearer {data['token']}"}
            for _, text in turns:
                began = time.monotonic()
                response = self._gateway.post(f"/api/v1/conversations/{data['conversation_id']}/messages",
                                              headers=headers, json={"text": text})
                ok = response.status_code == 200 and response.json().get("messages")
                self.requests.append((began, time.monotonic(),
                                      None if ok else f"{text!r}: {response.status_code} {response.text[:200]}"))


def korean_order_conversation(gateway: httpx.Client, secret: str) -> tuple[str, dict[str, str], Any]:
    """A Korean shopper who asked where their order is; the bot is waiting for which one."""
    shop = DemoShop(generate())
    order = next(o for o in shop.data.orders.values() if o.status == "shipped")
    started = gateway.post("/api/v1/conversations", json={
        "locale": "ko", "customer_id": order.customer_id,
        "user_hash": identity.user_hash(secret, order.customer_id)}).json()
    headers = {"Authorization": f"Bearer {started['token']}"}
    reply = gateway.post(f"/api/v1/conversations/{started['conversation_id']}/messages", headers=headers,
                         json={"text": "주문 어디까지 왔어요?"}).json()
    assert order.id in [b["payload"] for m in reply["messages"] for b in m.get("buttons") or []]
    return started["conversation_id"], headers, order


def test_hot_swap_under_traffic_keeps_every_request_and_conversation_then_rollback(
        editor: Editor, gateway: httpx.Client, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    install = gateway_settings(editor.stack, key_prefix=editor.prefix, var_dir=editor.var_dir)
    served = asyncio.run(model_to_serve(install, editor.prefix, editor.stack.env["SHOPASSIST_REDIS_URL"]))
    assert served is not None and served.name == model_name(editor.base_root)  # `make run` on a fresh install
    v1 = editor.versions()["versions"][0]
    base_report = nlu_test.load_report(editor.var_dir / "reports", training.training_hash(editor.base_root))
    assert (v1["id"], v1["actor"]["name"], v1["report"]) == ("v1", "install", "ready")
    assert base_report is not None and v1["metrics"] == gate.metrics_of(base_report)
    editor.cli_env(monkeypatch, editor.base_root)
    assert cli(["deploy", "--summary", "the model make run serves"]) == 1
    assert f"nothing to deploy: model {training.training_hash(editor.base_root)}" in capsys.readouterr().err
    base_model = editor.rasa_model()
    assert base_model == model_name(editor.base_root)

    conversation_id, headers, order = korean_order_conversation(
        gateway, editor.stack.env["SHOPASSIST_IDENTITY_SECRET"])
    with Traffic(gateway) as traffic:
        wait_until(lambda: len(traffic.requests) >= 6, "traffic flowing before the deploy", every_s=0.1)
        started = time.monotonic()
        job = editor.job(kind="deploy", summary="thanks: one more English example")
        ended = time.monotonic()
        served = len(traffic.requests)  # and goes on after it
        wait_until(lambda: len(traffic.requests) >= served + 6, "traffic going on after the deploy", every_s=0.1)
    during = traffic.overlapping(started, ended)
    slowest = max(done - begun for begun, done, _ in traffic.requests)
    steps = (job["result"] or {}).get("version", {}).get("seconds")
    print(f"\n[measure] deploy job {ended - started:.1f}s (steps: {steps}); "
          f"{during} shopper requests overlapped it, {len(traffic.requests)} in all, "
          f"{len(traffic.failures())} failed, slowest {slowest:.1f}s")
    assert job["state"] == "succeeded", job["error"]
    assert traffic.failures() == []
    assert during > 0
    assert any("hot swap" in line["message"] for line in job["progress"])
    assert any(f"live v1 {v1['metrics']['macro_f1']:.3f})" in line["message"] for line in job["progress"])
    version = job["result"]["version"]
    assert version["id"] == "v2" and version["model_hash"] == training.training_hash(editor.new_root)
    assert version["actor"]["name"] == "Yuna" and version["summary"] == "thanks: one more English example"
    assert editor.rasa_model() == model_name(editor.new_root)

    reply = gateway.post(f"/api/v1/conversations/{conversation_id}/messages", headers=headers,
                         json={"text": order.id}).json()
    text = "\n".join(m["text"] for m in reply["messages"])
    assert order.tracking_number in text and any("가" <= ch <= "힣" for ch in text)

    listed = editor.versions()
    assert listed["live"] == "v2" and [v["id"] for v in listed["versions"]] == ["v2", "v1"]
    assert listed["versions"][0]["metrics"]["macro_f1"] > 0

    rolled = editor.client.post("/api/v1/editor/rollback", headers=editor.headers, json={})
    assert rolled.status_code == 200, rolled.text
    assert rolled.json()["version"]["id"] == "v1"
    assert editor.rasa_model() == base_model
    assert editor.versions()["live"] == "v1"
    restart_settings = gateway_settings(editor.stack, key_prefix=editor.prefix)
    live = asyncio.run(live_model(restart_settings.key_prefix, editor.stack.env["SHOPASSIST_REDIS_URL"]))
    assert live.name == base_model
    latest_change = editor.versions()["history"][0]
    assert (latest_change["version"], latest_change["action"], latest_change["actor"]["name"]) == \
        ("v1", "rollback", "Yuna")


def test_gate_refuses_a_worse_model_unless_forced_with_a_reason(editor: Editor) -> None:
    if editor.versions()["live"] != "v1":  # the base model, live again after the first test's rollback
        assert editor.client.post("/api/v1/editor/rollback", headers=editor.headers,
                                  json={"version": "v1"}).status_code == 200
    folder = nlu_test.report_dir(editor.var_dir / "reports", training.training_hash(editor.new_root))
    report = json.loads((folder / nlu_test.REPORT).read_text())
    report["macro_f1"] -= 0.05
    report["per_intent"]["goodbye"]["f1"] = 0.2
    (folder / nlu_test.REPORT).write_text(json.dumps(report))

    refused = editor.job(kind="deploy", summary="worse")
    assert refused["state"] == "failed"
    assert "macro-F1" in refused["error"] and "goodbye" in refused["error"]
    assert editor.versions()["live"] == "v1" and editor.rasa_model() == model_name(editor.base_root)

    no_reason = editor.client.post("/api/v1/editor/jobs", headers=editor.headers, json={"kind": "deploy",
                                                                                         "force": True})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]["message"]

    forced = editor.job(kind="deploy", force=True, reason="goodbye data is being rewritten this week")
    assert forced["state"] == "succeeded", forced["error"]
    version = forced["result"]["version"]
    assert version["reason"] == "goodbye data is being rewritten this week"
    assert any("goodbye" in problem for problem in version["gate"])
    assert editor.versions()["live"] == version["id"]
    assert editor.rasa_model() == model_name(editor.new_root)


def test_second_deploy_while_one_runs_is_refused(editor: Editor, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    held, release, problems = threading.Event(), threading.Event(), []

    async def hold() -> None:
        redis = Redis.from_url(editor.stack.env["SHOPASSIST_REDIS_URL"])
        try:
            async with pipeline_lock(redis, RedisKeys(editor.prefix), "deploy job j-000000000000"):
                held.set()
                while not release.is_set():
                    await asyncio.sleep(0.05)
        except Exception as exc:  # reported by the assertion below, not as an unhandled thread error
            problems.append(exc)
        finally:
            await redis.aclose()

    holder = threading.Thread(target=asyncio.run, args=(hold(),))
    holder.start()
    try:
        assert held.wait(10), problems
        response = editor.client.post("/api/v1/editor/jobs", headers=editor.headers, json={"kind": "deploy"})
        assert response.status_code == 409
        assert "deploy job j-000000000000 is running" in response.json()["error"]["message"]
        editor.cli_env(monkeypatch, editor.base_root)
        assert cli(["deploy"]) == 1
        assert "is running" in capsys.readouterr().err
        assert editor.client.post("/api/v1/editor/rollback", headers=editor.headers, json={}).status_code == 409
    finally:
        release.set()
        holder.join(10)
    job = editor.job(kind="test")  # free again once the holder let go
    assert job["state"] == "succeeded" and job["result"]["model_hash"] == training.training_hash(editor.new_root)


def test_a_crashing_training_leaves_the_live_model_and_version(editor: Editor, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    broken = copy_project(tmp_path)
    config = broken / "config.yml"
    config.write_text(config.read_text().replace("LogisticRegressionClassifier", "NoSuchClassifier"))
    live, model = editor.versions()["live"], editor.rasa_model()

    editor.cli_env(monkeypatch, broken)
    assert cli(["deploy", "--summary", "broken config"]) == 1
    assert "rasa train failed" in capsys.readouterr().err
    assert editor.versions()["live"] == live and editor.rasa_model() == model
    assert not list((editor.var_dir / "models").glob(f"*{training.training_hash(broken)}*"))


def test_reports_of_a_version(editor: Editor) -> None:
    report = editor.client.get("/api/v1/editor/reports/v1", headers=editor.headers).json()
    assert 0 < report["macro_f1"] <= 1 and report["per_intent"]["greet"]["support"] > 0
    assert set(report["lang"]) == {"en", "ko"} and report["lang"]["ko"]["macro_f1"] > 0
    assert {"text", "expected", "predicted", "confidence"} <= set(report["misclassified"][0])
    image = editor.client.get("/api/v1/editor/reports/v1/confusion.png", headers=editor.headers)
    assert image.headers["content-type"] == "image/png" and image.content.startswith(b"\x89PNG")
    assert editor.client.get("/api/v1/editor/reports/latest", headers=editor.headers).status_code == 200
    assert editor.client.get("/api/v1/editor/reports/v999", headers=editor.headers).status_code == 404
    assert editor.client.get("/api/v1/editor/reports/..%2Fsecrets", headers=editor.headers).status_code in (404, 422)


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/v1/editor/jobs", {"kind": "deploy"}), ("GET", "/api/v1/editor/versions", None),
    ("POST", "/api/v1/editor/rollback", {}), ("GET", "/api/v1/editor/reports/latest", None),
    ("GET", "/api/v1/editor/jobs/j-000000000000", None),
])
def test_editor_token_required(editor: Editor, method: str, path: str, body: dict[str, Any] | None) -> None:
    assert editor.client.request(method, path, json=body).status_code == 401
    refused = editor.client.request(method, path, json=body, headers=editor.agent_headers)
    assert refused.status_code == 403 and "editor" in refused.json()["error"]["message"]
