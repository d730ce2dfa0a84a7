"""The consent flow in the widget, in Debian's chromium against a real gateway process, Rasa and
Redis: the privacy notice shows before the chat, the choice is stored with the notice version,
and a behaviour event fires a prompt only when proactive messages were accepted."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.web.servers import gateway_process

pytestmark = [pytest.mark.browser, pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 30_000
NOTICE = "2026-11-web"


@pytest.fixture(scope="module")
def site(rasa_stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    env = {**{k: v for k, v in rasa_stack.env.items() if k.startswith("SHOPASSIST_")},
           "SHOPASSIST_RASA_URL": rasa_stack.rasa_url, "SHOPASSIST_ACTIONS_URL": rasa_stack.actions_url,
           "SHOPASSIST_CONVERSATIONS_PER_MINUTE": "10000", "SHOPASSIST_MESSAGES_PER_MINUTE": "10000",
           "SHOPASSIST_CONSENT_REQUIRED": '["personalisation", "proactive"]',
           "SHOPASSIST_PRIVACY_NOTICE_VERSION": NOTICE, "SHOPASSIST_PROACTIVE_HOLDOUT_SHARE": "0",
           "SHOPASSIST_PRIVACY_NOTICE_URL": '{"en": "https://shop.example/privacy"}'}
    with gateway_process(env, tmp_path_factory.mktemp("consent-site") / "gateway.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: `make install` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("proactive", [True, False], ids=["accepted", "declined"])
def test_the_notice_asks_first_and_a_prompt_needs_proactive_consent(site, browser, proactive: bool) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(f"{site}/demo/product.html")
        page.locator(".sa-launcher").click()
        expect(page.locator(".sa-notice")).to_contain_text("privacy notice")
        expect(page.locator(".sa-notice-link")).to_have_attribute("href", "https://shop.example/privacy")
        expect(page.locator(".sa-consent-option input:checked")).to_have_count(0)  # nothing pre-ticked
        expect(page.locator(".sa-input")).to_be_hidden()
        page.locator("input[name=personalisation]").check()
        if proactive:
            page.locator("input[name=proactive]").check()
        page.locator(".sa-consent-go").click()
        expect(page.locator(".sa-input")).to_be_visible()
        page.wait_for_function("() => (JSON.parse(localStorage.getItem('shopassist:guest')) || {}).conversation_id")
        stored = json.loads(page.evaluate("() => localStorage.getItem('shopassist:guest')"))

        record = httpx.get(f"{site}/api/v1/conversations/{stored['conversation_id']}/consent",
                           headers={"Authorization": f"Bearer {stored['token']}"}).json()
        assert record["given"] == {"personalisation": True, "proactive": proactive}
        assert [h["notice_version"] for h in record["history"]] == [NOTICE]

        def dwell_batch(response) -> bool:  # type: ignore[no-untyped-def]
            request = response.request
            return request.method == "POST" and request.url.endswith("/api/v1/events") and \
                '"dwell"' in (request.post_data or "")

        with page.expect_response(dwell_batch) as sent:
            page.evaluate("() => window.ShopAssist.track('dwell', {seconds: 60})")
        outcome = sent.value.json()
        if proactive:
            assert outcome["prompt"]["rule"] == "product_dwell"
            expect(page.locator(".sa-bot:not(.sa-greeting)")).to_have_count(1)
        else:
            assert outcome["prompt"] is None
            transcript = httpx.get(f"{site}/api/v1/conversations/{stored['conversation_id']}/messages",
                                   headers={"Authorization": f"Bearer {stored['token']}"}).json()["messages"]
            assert transcript == [] and page.locator(".sa-bot:not(.sa-greeting)").count() == 0
    finally:
        context.close()
