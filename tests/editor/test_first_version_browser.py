"""The editor page of a fresh install in Debian's chromium: the Versions tab shows the installed v1
(live, by "install", its report pending), the Report tab says the report is being prepared rather
than "no report", and once the report is attached both show it, with the KB index's scores.

A real gateway process and Redis; no Rasa (the page's versions and reports need none). v1 is the
record `record_install` makes, with a model hash no source tree has, so this gateway's start does
not test it in the background; the report is then written and attached as that test job would.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.editor import gate, nlu_test
from gateway.editor.pipeline import INSTALL_ACTOR
from gateway.editor.versions import VersionStore
from tests.web.pages import chromium, editor_token, new_page
from tests.web.servers import gateway_env_without_rasa, gateway_process

pytestmark = [pytest.mark.browser, pytest.mark.redis]

MODEL_HASH = "0123456789abcdef"
KB = {"dev_set": "faq/eval/dev.jsonl", "articles": {"en": 40, "ko": 40}, "by_language": {
    "en": {"method": "weighted", "top1": 0.934, "mrr5": 0.957, "answer_precision": 0.961, "coverage": 0.856,
           "resolved": 0.956, "oos_recall": 0.879},
    "ko": {"method": "weighted", "top1": 0.895, "mrr5": 0.934, "answer_precision": 0.966, "coverage": 0.597,
           "resolved": 0.895, "oos_recall": 0.879}}}
REPORT = {"model_hash": MODEL_HASH, "examples": 271, "accuracy": 0.9, "macro_f1": 0.9, "misclassified_total": 0,
          "misclassified": [], "lang": {"en": {"macro_f1": 0.91}, "ko": {"macro_f1": 0.89}},
          "per_intent": {"greet": {"precision": 0.9, "recall": 0.9, "f1": 0.9, "support": 10, "confused_with": {}}}}


def in_store(redis_url: str, prefix: str, work) -> Any:  # type: ignore[no-untyped-def]
    """Run `work(store)` on its own loop in a worker thread: sync Playwright owns this thread's loop."""
    async def run() -> Any:
        redis = Redis.from_url(redis_url)
        try:
            return await work(VersionStore(redis, RedisKeys(prefix)))
        finally:
            await redis.aclose()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


@pytest.fixture(scope="module")
def fresh_install(redis_url: str, key_prefix: str, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[tuple[str, str, Path]]:
    """(gateway URL, key prefix, var dir) of an install whose v1 waits for its report."""
    tmp, prefix = tmp_path_factory.mktemp("first-version"), f"{key_prefix}-fv{uuid.uuid4().hex[:6]}"
    fields = {"model_hash": MODEL_HASH, "model_file": str(tmp / f"shopassist-{MODEL_HASH}.tar.gz"),
              "index_version": "20261204T131147-32aaf511-7154", "metrics": None, "report": "pending", "kb": KB,
              "summary": "the model and KB index this install started with"}
    assert in_store(redis_url, prefix, lambda store: store.record_first(fields, actor=INSTALL_ACTOR))
    env = gateway_env_without_rasa(redis_url, prefix, tmp, SHOPASSIST_VAR_DIR=str(tmp / "var"))
    with gateway_process(env, tmp / "gateway.log") as url:
        yield url, prefix, tmp / "var"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def sign_in(browser: Browser, url: str, token: str) -> Page:
    page = new_page(browser, f"{url}/editor/")
    page.get_by_label("Editor token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#desk")).to_be_visible()
    return page


def test_a_fresh_install_shows_v1_and_its_report_once_ready(fresh_install, browser, redis_url, monkeypatch, capsys):
    url, prefix, var_dir = fresh_install
    page = sign_in(browser, url, editor_token(monkeypatch, capsys, redis_url, prefix, "Mina First"))

    page.get_by_role("tab", name="Versions").click()
    v1 = page.locator("#version-rows tr[data-version='v1']")
    expect(v1.locator(".badge.live")).to_have_text("live")
    expect(v1).to_contain_text("install")
    expect(v1).to_contain_text("report pending")
    expect(v1).to_contain_text("The model and KB index this install started with")
    expect(page.locator("#versions-empty")).to_be_hidden()

    page.get_by_role("tab", name="Report").click()
    expect(page.locator("#report-empty")).to_contain_text("The NLU report of v1 is being prepared")
    expect(page.locator("#report-body")).to_be_hidden()

    folder = nlu_test.report_dir(var_dir / "reports", MODEL_HASH)  # what the background test job does
    folder.mkdir(parents=True)
    (folder / nlu_test.REPORT).write_text(json.dumps(REPORT))
    assert in_store(redis_url, prefix, lambda store: store.attach_report(MODEL_HASH, gate.metrics_of(REPORT))) == \
        ["v1"]
    page.get_by_role("button", name="Refresh").click()
    expect(page.locator("#report-macro")).to_have_text("Macro-F1: 0.90")
    expect(page.locator("#report-kb")).to_contain_text("KB index 20261204T131147-32aaf511-7154, on its dev set:")
    expect(page.locator("#report-kb")).to_contain_text("English: top-1 0.93, answer precision 0.96, coverage 0.86.")
    expect(page.locator("#chart-trend svg")).to_have_count(1)

    page.get_by_role("tab", name="Versions").click()
    expect(v1.locator("td").nth(3)).to_have_text("0.90")
    page.get_by_role("button", name="한국어").click()
    expect(v1).to_contain_text("설치")
    expect(v1).to_contain_text("설치할 때 시작한 모델과 KB 색인")
    page.get_by_role("tab", name="평가 보고서").click()
    expect(page.locator("#report-kb")).to_contain_text("KB 색인")
    assert [e for e in page.errors if not e.startswith("404 ")] == []  # type: ignore[attr-defined]
    page.context.close()
