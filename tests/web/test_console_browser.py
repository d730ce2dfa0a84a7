"""The agent console at 1280 × 800, in Debian's chromium, on a chat a signed-in Korean VIP really had
after browsing the shop (issue #18): the context shows the cart, the pages seen and the segment; the
clicked article choice reads as the button the shopper saw, the bot's Markdown is rendered, the
context holds no JSON, the chat is shown once and in time order, the queue fits; and the
high-priority banner goes once its ticket is claimed."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.web.pages import SCREENSHOTS, ask, conversation_of, new_page
from tests.web.servers import agent_serving_everything, in_queue

pytestmark = [pytest.mark.browser, pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def agent(redis_url: str, key_prefix: str) -> Iterator[str]:
    with agent_serving_everything(redis_url, key_prefix, "Console Agent") as (_, token):
        yield token


def test_the_console_shows_what_the_shopper_saw_without_payloads_markdown_or_json(site, browser, agent,
                                                                                 redis_url, key_prefix):
    shopper = new_page(browser, f"{site}/demo/ko.html")
    with shopper.expect_navigation():  # the demo shop's sign-in: 장서준, a VIP
        shopper.locator(".shop-header select").select_option("C0009")
    shopper.goto(f"{site}/demo/product.html")
    with shopper.expect_response("**/api/v1/events"):  # the widget's next batch carries the cart
        shopper.get_by_role("button", name="Add to cart").click()
    shopper.goto(f"{site}/demo/ko.html")
    shopper.get_by_role("button", name="채팅 상담").click()
    ask(shopper, "배송은 얼마나 걸려요?")
    reply = shopper.locator(".sa-bot:not(.sa-greeting) .sa-reply").first
    expect(reply).to_be_visible()  # "Did this help?" or a choice of articles: a button either way
    chosen = reply.inner_text()
    reply.click()  # sent as its payload, e.g. /choose_article{"choice":"1"} or /affirm{...}
    expect(shopper.locator(".sa-shopper .sa-text", has_text=chosen)).to_be_visible()
    ask(shopper, "상담원 연결해 주세요")
    expect(shopper.locator(".sa-status")).to_contain_text("대기")
    conversation = conversation_of(shopper, "C0009")
    ticket_id = in_queue(redis_url, key_prefix, lambda q, _: q.conversation(conversation["conversation_id"])).ticket_id

    console = new_page(browser, f"{site}/agent/", viewport={"width": 1280, "height": 800})
    console.get_by_label("Agent token").fill(agent)
    console.get_by_role("button", name="Sign in").click()
    row = console.locator(f'tr[data-ticket="{ticket_id}"]')
    queue = console.locator("section.queue").bounding_box()
    priority = row.locator("td").first.bounding_box()
    claim = row.locator("button.claim").bounding_box()
    assert queue and priority and claim
    assert priority["x"] >= queue["x"] and claim["x"] + claim["width"] <= queue["x"] + queue["width"]  # fits
    row.locator("button.claim").click()
    expect(console.locator("#chat")).to_be_visible()

    log = console.locator("#log")
    expect(log.locator("li.shopper .text", has_text="상담원 연결해 주세요")).to_be_visible()
    texts = log.locator("li").evaluate_all("items => items.map(i => [i.className, i.innerText])")
    shown = "\n".join(text for _, text in texts)
    assert "/choose_article" not in shown and "/affirm" not in shown and "{" not in shown
    assert "**" not in shown
    assert any(cls == "shopper" and chosen in text for cls, text in texts)  # the title the shopper saw
    assert sum(1 for cls, text in texts if cls == "shopper" and "배송은 얼마나" in text) == 1  # once
    request = next(i for i, (cls, text) in enumerate(texts) if cls == "shopper" and "상담원" in text)
    first_system = next(i for i, (cls, _) in enumerate(texts) if cls == "system")
    assert first_system > request  # the queue's place comes after the request that caused it
    context = console.locator("#context-body").inner_text()
    assert "{" not in context and "[" not in context and "**" not in context
    assert "장서준" in context and "vip" in context  # the customer and the segment
    assert "1 × Merino wool scarf — 39,000" in context and "Total 39,000" in context  # the cart
    assert "product (/demo/product.html) → home (/demo/ko.html)" in context  # the pages seen, in order
    console.screenshot(path=SCREENSHOTS / "console-1280.png")


def test_the_high_priority_banner_goes_when_its_ticket_is_claimed(site, browser, agent, redis_url, key_prefix):
    console = new_page(browser, f"{site}/agent/", viewport={"width": 1280, "height": 800})
    console.get_by_label("Agent token").fill(agent)
    console.get_by_role("button", name="Sign in").click()
    expect(console.locator("#queue-count")).to_be_visible()
    created = httpx.post(f"{site}/api/v1/conversations", json={"locale": "en"}).json()
    ticket_id = in_queue(redis_url, key_prefix, lambda q, _: q.enqueue(
        created["conversation_id"], priority=93, reasons=["fraud_suspected"], skill="payments", lang="en",
        segment="new", context={"reasons": [{"code": "fraud_suspected", "why": "unauthorised payment"}]})).id
    expect(console.locator("#alert")).to_contain_text("P93")  # new since sign-in: this ticket's banner
    console.locator(f'tr[data-ticket="{ticket_id}"] button.claim').click()
    expect(console.locator("#chat")).to_be_visible()
    expect(console.locator("#alert")).to_be_hidden()
