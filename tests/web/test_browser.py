"""The widget, the demo shop and the agent console in Debian's chromium (headless), against a
real gateway process, Rasa, action server and Redis.  One browser for the module; the shopper
and the agent each get their own context.  Screenshots go to var/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from redis import Redis as SyncRedis

from contracts.keys import RedisKeys
from tests.web.pages import SCREENSHOTS, ask, conversation_of, new_page
from tests.web.servers import agent_serving_everything, in_queue

pytestmark = [pytest.mark.browser, pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold?</b>'


@pytest.fixture
def agent(redis_url: str, key_prefix: str) -> Iterator[tuple[str, str]]:
    with agent_serving_everything(redis_url, key_prefix, "Yuna Web") as agent:
        yield agent


def test_faq_answers_in_english_and_korean_and_the_conversation_survives_a_reload(site, browser):
    page = new_page(browser, f"{site}/demo/", websocket=False)
    page.get_by_role("button", name="Chat with us").click()
    greeting = page.locator(".sa-greeting")  # an empty chat opens with a greeting and starter questions
    expect(greeting).to_contain_text("Hi! I'm the shop's assistant")
    expect(greeting.locator(".sa-reply")).to_have_text(["Where is my order?", "How long does delivery take?",
                                                        "How do I return an item?"])
    ask(page, "how long does a refund take?")
    # "Did this help?" or a choice of articles
    expect(page.locator(".sa-bot:not(.sa-greeting) .sa-reply").first).to_be_visible()
    answer = page.locator(".sa-bot .sa-text").last.inner_text()
    assert answer and not re.search(r"[가-힣]", answer)
    page.reload()  # the conversation lives in localStorage: same transcript after a page load
    expect(page.locator(".sa-shopper", has_text="how long does a refund take?")).to_have_count(1)
    page.screenshot(path=SCREENSHOTS / "widget-faq-en.png")
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()

    phone = new_page(browser, f"{site}/demo/ko.html", viewport={"width": 390, "height": 780}, is_mobile=True)
    expect(phone.locator(".shop-header")).to_contain_text("장바구니")  # the Korean page is Korean throughout
    assert "Cart" not in phone.locator(".shop-header").inner_text()
    phone.get_by_role("button", name="채팅 상담").click()
    expect(phone.locator(".sa-greeting")).to_contain_text("안녕하세요")
    phone.locator(".sa-greeting .sa-reply", has_text="배송은 얼마나 걸려요?").click()  # a starter question
    expect(phone.locator(".sa-bot:not(.sa-greeting) .sa-reply").first).to_be_visible()  # an answer or choices
    assert re.search(r"[가-힣]", phone.locator(".sa-bot:not(.sa-greeting) .sa-text").first.inner_text())
    ask(phone, "환불은 보통 얼마나 걸리나요?")
    expect(phone.locator(".sa-bot:not(.sa-greeting) .sa-reply").first).to_be_visible()
    assert re.search(r"[가-힣]", phone.locator(".sa-bot .sa-text").last.inner_text())
    box = phone.locator(".sa-panel").bounding_box()
    assert box is not None and box["width"] >= 389  # the mobile layout fills the screen
    phone.screenshot(path=SCREENSHOTS / "widget-faq-ko-mobile.png")
    assert phone.errors == []  # type: ignore[attr-defined]
    phone.context.close()


def test_escalation_agent_reply_resolve_and_rating(site, browser, agent, redis_url, key_prefix):
    _, agent_token = agent
    shopper = new_page(browser, f"{site}/demo/product.html")
    shopper.get_by_role("button", name="Add to cart").click()
    shopper.get_by_role("button", name="Chat with us").click()
    ask(shopper, "I want to talk to a person")
    expect(shopper.locator(".sa-status")).to_contain_text("in the queue")
    conversation = conversation_of(shopper)
    ticket_id = in_queue(redis_url, key_prefix, lambda q, _: q.conversation(conversation["conversation_id"])).ticket_id
    assert ticket_id, "asking for a person did not open a ticket"

    console = new_page(browser, f"{site}/agent/")
    console.get_by_label("Agent token").fill(agent_token)
    console.get_by_role("button", name="Sign in").click()
    console.locator(f'tr[data-ticket="{ticket_id}"] button.claim').click()
    context = console.locator("#context-body")
    expect(context).to_contain_text("Escalation reasons")
    # the whole chat so far is in the log, once and in time order (the context panel holds the rest)
    expect(console.locator("#log li.shopper .text").first).to_have_text("I want to talk to a person")
    assert "I want to talk to a person" not in context.inner_text()

    console.locator("#kb-q").fill("how long does a refund take")
    console.get_by_role("button", name="Search").click()
    console.locator("#kb-results button.insert").first.click()  # a vetted answer goes into the reply box
    assert "refund" in console.locator("#reply-text").input_value().lower()

    console.locator("#reply-text").fill("")
    console.locator("#reply-text").press_sequentially("Hi")  # typing reaches the shopper live
    expect(shopper.locator(".sa-typing")).to_contain_text("Yuna Web is typing")
    shopper.locator(".sa-input").press("Escape")  # collapsed: the reply shows as an unread badge
    console.locator("#reply-text").fill("Hi, I'm Yuna. How can I help?")
    console.locator("#reply-text").press("Enter")
    expect(shopper.locator(".sa-badge")).to_have_text("1")
    shopper.get_by_role("button", name="Chat with us").click()
    expect(shopper.locator(".sa-badge")).to_be_hidden()
    expect(shopper.locator(".sa-agent .sa-text")).to_have_text("Hi, I'm Yuna. How can I help?")
    expect(shopper.locator(".sa-title")).to_have_text("Yuna Web")

    ask(shopper, XSS)
    expect(console.locator("#log li.shopper .text", has_text="onerror")).to_have_text(XSS)
    assert console.locator("#log img, #log script, #log b").count() == 0
    assert console.evaluate("window.__xss") is None
    expect(shopper.locator(".sa-shopper .sa-text", has_text="onerror")).to_have_text(XSS)
    assert shopper.evaluate("window.__xss") is None
    console.screenshot(path=SCREENSHOTS / "console-chat.png", full_page=True)

    console.locator("#resolve-note").fill("explained the refund times")
    console.get_by_role("button", name="Resolve").click()
    expect(console.locator("#alert")).to_have_text("Resolved.")
    expect(shopper.locator(".sa-system", has_text="closed this conversation")).to_be_visible()

    # on resolve the gateway asks Rasa for its CSAT question; the widget shows its 1-5 buttons as stars
    shopper.get_by_role("button", name="5 of 5 stars").click()
    expect(shopper.locator(".sa-bot .sa-text").last).to_contain_text(re.compile("Thank you|recommend"))
    feedback = RedisKeys(key_prefix).conversation_feedback(conversation["conversation_id"])
    stored = SyncRedis.from_url(redis_url).hgetall(feedback)
    assert stored[b"csat"] == b"5"
    shopper.screenshot(path=SCREENSHOTS / "widget-rated.png")
    assert shopper.errors == [] and console.errors == []  # type: ignore[attr-defined]
    shopper.context.close()
    console.context.close()

