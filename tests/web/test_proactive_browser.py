"""Proactive prompts fired by the widget itself, in Debian's chromium against a real gateway
process, Rasa and Redis (issue #18): a shopper who stays on a product page gets the product
prompt (the shipped rule needs 45 s, which the widget's one 30 s report could never reach), and
a declined payment gets help at once, readable without opening the chat and without a raw code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.pages import SCREENSHOTS, TIMEOUT_MS
from tests.web.servers import gateway_env, gateway_process

pytestmark = [pytest.mark.browser, pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]


@pytest.fixture(scope="module")
def shop(rasa_stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """No holdout here: every visitor is eligible, so the prompt's absence would be a failure."""
    env = gateway_env(rasa_stack, SHOPASSIST_PROACTIVE_HOLDOUT_SHARE="0")
    with gateway_process(env, tmp_path_factory.mktemp("proactive-site") / "gateway.log") as url:
        yield url


def open_with_clock(browser: Browser, url: str) -> Page:
    """A page whose timers we can run ahead; its clock starts two minutes in the past, so the
    events it stamps after running ahead are still in the gateway's past."""
    page = browser.new_context().new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.clock.install(time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2))
    page.goto(url)
    return page


def test_staying_on_a_product_page_shows_the_product_prompt_as_a_teaser(shop, browser):
    page = open_with_clock(browser, f"{shop}/demo/product.html")
    page.clock.run_for(50_000)  # 50 s on the page: dwell reports at 15, 30 and 45 s
    teaser = page.locator(".sa-teaser-text")
    expect(teaser).to_contain_text("Any questions about this product?")
    page.screenshot(path=SCREENSHOTS / "proactive-teaser.png")
    teaser.click()
    expect(page.locator(".sa-panel")).to_be_visible()
    expect(page.locator(".sa-bot .sa-text").last).to_contain_text("Any questions about this product?")
    expect(page.locator(".sa-teaser")).to_be_hidden()


def test_a_declined_payment_gets_readable_help_without_a_code(shop, browser):
    page = open_with_clock(browser, f"{shop}/demo/checkout.html")
    page.get_by_label("Name").fill("Jisoo Park")
    page.get_by_label("Address").fill("1 Teheran-ro, Seoul")
    page.get_by_label("Payment").select_option("KakaoPay")  # the demo declines it
    page.get_by_role("button", name="Place order").click()
    teaser = page.locator(".sa-teaser-text")
    expect(teaser).to_contain_text("your card was declined")
    assert "payment_declined" not in teaser.inner_text()
