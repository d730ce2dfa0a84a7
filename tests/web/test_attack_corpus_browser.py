"""The attack corpus (tests/security/attack_strings.py) typed into the widget and the agent
console in Debian's chromium: every string is stored and shown as the text it is, none runs,
none adds an element, and the slash intents among them start nothing (issue #20)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from redis import Redis as SyncRedis

from contracts.keys import RedisKeys
from tests.security.attack_strings import ALL, UNICODE_TRICKS, XSS
from tests.web.pages import SCREENSHOTS, ask, conversation_of, new_page
from tests.web.servers import agent_serving_everything, in_queue

pytestmark = [pytest.mark.browser, pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]

INJECTED = "img, script, svg, iframe, details, style, a[href^='javascript']"


def stored(text: str) -> str:
    """What is kept of a typed text: line ends as \\n, trimmed (the widget's JavaScript trim also
    drops a byte-order mark, which Python's does not)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip().strip("\ufeff")


def send_and_wait(page: Page, text: str) -> None:
    ask(page, text)
    expect(page.locator(".sa-pending")).to_have_count(0)  # acknowledged by the gateway


def transcript(site: str, conversation: dict[str, str], sender: str) -> list[str]:
    response = httpx.get(f"{site}/api/v1/conversations/{conversation['conversation_id']}/messages",
                         headers={"Authorization": f"Bearer {conversation['token']}"})
    return [m["text"] for m in response.json()["messages"] if m["sender"] == sender]


def assert_nothing_ran(page: Page, log_selector: str) -> None:
    assert page.evaluate("window.__pwned") is None
    assert page.locator(f"{log_selector} :is({INJECTED})").count() == 0


@pytest.fixture
def agent(redis_url: str, key_prefix: str) -> Iterator[str]:
    with agent_serving_everything(redis_url, key_prefix, "Corpus Agent") as (_, token):
        yield token


def test_the_widget_shows_every_attack_string_as_text_to_the_bot(site, browser, redis_url, key_prefix):
    shopper = new_page(browser, f"{site}/demo/")
    shopper.get_by_role("button", name="Chat with us").click()
    for text in ALL:
        send_and_wait(shopper, text)
    conversation = conversation_of(shopper)
    kept = transcript(site, conversation, "shopper")
    assert kept == [stored(text) for text in ALL]
    shown = shopper.locator(".sa-shopper .sa-text").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert shown == kept
    assert_nothing_ran(shopper, ".sa-log")
    feedback = RedisKeys(key_prefix).conversation_feedback(conversation["conversation_id"])
    assert not SyncRedis.from_url(redis_url).exists(feedback)  # "/rate…" and "/nps…" stored no score
    assert not any("satisf" in text for text in transcript(site, conversation, "bot"))  # no survey started
    shopper.screenshot(path=SCREENSHOTS / "widget-attack-corpus.png")


def test_the_console_and_the_widget_show_attack_strings_between_shopper_and_agent(site, browser, agent, redis_url,
                                                                                   key_prefix):
    shopper = new_page(browser, f"{site}/demo/")
    shopper.get_by_role("button", name="Chat with us").click()
    send_and_wait(shopper, "I want to talk to a person")
    expect(shopper.locator(".sa-status")).to_contain_text("in the queue")
    conversation_id = conversation_of(shopper)["conversation_id"]
    ticket_id = in_queue(redis_url, key_prefix, lambda q, _: q.conversation(conversation_id)).ticket_id

    console = new_page(browser, f"{site}/agent/")
    console.get_by_label("Agent token").fill(agent)
    console.get_by_role("button", name="Sign in").click()
    console.locator(f'tr[data-ticket="{ticket_id}"] button.claim').click()  # others' tickets may wait too
    expect(console.locator("#log li.shopper .text").first).to_contain_text("I want to talk to a person")
    expect(shopper.locator(".sa-title")).to_have_text("Corpus Agent")

    for text in XSS + UNICODE_TRICKS:
        send_and_wait(shopper, text)
        console.locator("#reply-text").fill(text)
        console.locator("#reply-text").press("Enter")
        expect(shopper.locator(".sa-agent .sa-text").last).to_have_text(stored(text))
    from_shopper = console.locator("#log li.shopper .text").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert from_shopper[-len(XSS + UNICODE_TRICKS):] == [stored(text) for text in XSS + UNICODE_TRICKS]
    from_agent = shopper.locator(".sa-agent .sa-text").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert from_agent == [stored(text) for text in XSS + UNICODE_TRICKS]
    assert_nothing_ran(console, "#log")
    assert_nothing_ran(console, "#context-body")
    assert_nothing_ran(shopper, ".sa-log")
    console.screenshot(path=SCREENSHOTS / "console-attack-corpus.png", full_page=True)
