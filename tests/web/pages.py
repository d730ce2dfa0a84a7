"""Browser helpers shared by the browser tests: Debian's chromium through Playwright, pages
that record script errors and failed requests, the widget's input, and a wait for the KB."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from gateway.settings import REPO_ROOT
from tests.conftest import add_staff

SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 30_000  # a turn on 2 shared cores with Rasa and the encoder can take a while
# expect() waits 5 s by default, whatever the page's timeout: a proactive prompt (event batch, rule,
# a new conversation, Rasa, the transcript) takes longer than that on a busy machine
expect.set_options(timeout=TIMEOUT_MS)


@contextmanager
def chromium() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: `make install` installs it (apt-get install chromium)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def wait_for_kb(url: str) -> None:
    """The action server loads the FAQ index in the background; until then FAQ turns say so.
    Asking in both languages also warms each language's first-use costs outside the browser."""
    deadline = time.monotonic() + 120
    for locale, question in (("en", "how long does a refund take?"), ("ko", "배송은 얼마나 걸려요?")):
        created = httpx.post(f"{url}/api/v1/conversations", json={"locale": locale}).json()
        while True:
            reply = httpx.post(f"{url}/api/v1/conversations/{created['conversation_id']}/messages", timeout=60,
                               headers={"Authorization": f"Bearer {created['token']}"},
                               json={"text": question}).json()
            if not any("getting our help articles ready" in m["text"] for m in reply.get("messages", [])):
                break
            assert time.monotonic() < deadline, "the knowledge base did not load in 120 s"
            time.sleep(2)


def new_page(browser: Browser, url: str, websocket: bool = True, **context_options: Any) -> Page:
    context = browser.new_context(**context_options)
    if not websocket:  # as in a browser or proxy without WebSockets: the widget falls back to REST
        context.add_init_script("delete window.WebSocket")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []  # script errors and failed requests, but the best-effort behaviour events
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not re.search(r"/api/v1/(events|visitors)$", r.url) else None)
    page.errors = errors  # type: ignore[attr-defined]
    page.goto(url)
    return page


def ask(page: Page, text: str) -> None:
    page.locator(".sa-input").fill(text)
    page.keyboard.press("Enter")


def editor_token(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], redis_url: str, prefix: str,
                 name: str) -> str:
    """A new editor's token, from the CLI run in a worker thread: sync Playwright owns this thread's loop."""
    with ThreadPoolExecutor(1) as pool:
        header = pool.submit(add_staff, monkeypatch, capsys, redis_url, prefix, "editor", name).result()
    return header["Authorization"].removeprefix("Bearer ")


def conversation_of(page: Page, customer_id: str = "guest") -> dict[str, str]:
    raw = page.evaluate(f"() => localStorage.getItem('shopassist:{customer_id}')")
    return json.loads(raw)
