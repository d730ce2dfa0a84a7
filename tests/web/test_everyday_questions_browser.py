"""Twelve everyday questions, six per language, each in a fresh browser on the demo shop, as a
guest and signed in as a demo customer (issue #18): each ends with the right answer, the right
flow or a clear next step, never "please sign in" with nowhere to go, never an unrelated answer,
and never both a question and a handover in one reply.

Customers and orders are the demo shop's seeded data (actions/shop/demo_data.py); other tests in the
session may cancel an order, so an address change accepts either answer about the order found."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.pages import SCREENSHOTS, ask, new_page
from tests.web.servers import agent_serving_everything

pytestmark = [pytest.mark.browser, pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]

DEAD_ENDS = re.compile(r"sign in to your account|please sign in|로그인해 주세요|로그인이 필요", re.I)
ASKED_AND_HANDED_OVER = re.compile(
    r"(Would you like|원하시나요|보시겠어요|드릴까요)\?.*(connecting you|연결하고 있어요)", re.S)


@dataclass(frozen=True)
class Question:
    lang: str
    customer: str | None  # a demo customer id, or a guest
    steps: tuple[str, ...]  # typed, or "[title]" to press the button with that title
    expect: str  # a regular expression the last bot replies must match
    pick_if_asked: str = ""  # the article a shopper picks if the KB asks which one they mean


QUESTIONS = (
    Question("en", None, ("Where is my order?", "ORD-100022, customer6@example.com"),
             r"ORD-100022.*on its way.*tracking number"),
    Question("en", "C0004", ("I need to change my delivery address", "[ORD-100018]"),
             r"ORD-100018 (hasn't shipped yet.*change the address|.*can't be changed)"),
    Question("en", None, ("The blender arrived damaged",), r"sorry.*connecting you with a colleague.*number \d+"),
    Question("en", "C0004", ("My payment failed at checkout",), r"declined or failed payment is not charged.*"
                                                               r"Would you like a colleague"),
    Question("en", None, ("How much is shipping?",), r"(?i)free.*(shipping|delivery)"),
    Question("en", "C0002", ("How do I return something?",), r"(?i)return"),
    Question("ko", None, ("제 주문 어디쯤 왔어요?", "ORD-100043, customer11@example.com"), r"ORD-100043"),
    Question("ko", "C0007", ("주문한 거 언제 와요?", "[ORD-100026]"), r"ORD-100026.*배송 중.*운송장"),
    Question("ko", None, ("배송지 주소를 바꾸고 싶어요", "ORD-100043 customer11@example.com"),
             r"ORD-100043.*배송지를 (바꿀 수 있어요|변경할 수 없어요)"),
    Question("ko", None, ("상품이 파손되어 도착했어요",), r"죄송.*상담원을 연결하고 있어요.*대기 순번"),
    Question("ko", "C0009", ("결제가 실패했어요",), r"실패한 결제는 청구되지 않아요.*상담원 연결을 원하시나요"),
    Question("ko", None, ("배송비 얼마예요?",), r"무료\s?배송", pick_if_asked="배송비와 무료배송 기준"),
)


@pytest.fixture(scope="module")
def agent(redis_url: str, key_prefix: str) -> Iterator[str]:
    """Someone online for every skill, so a damaged parcel is queued to a person."""
    with agent_serving_everything(redis_url, key_prefix, "Everyday Agent") as (_, token):
        yield token


def sign_in(page: Page, customer_id: str) -> None:
    """The demo shop's account picker, as a shopper uses it; the page reloads signed in."""
    with page.expect_navigation():
        page.locator(".shop-header select").select_option(customer_id)


def bot_replies_after(page: Page, count_before: int) -> str:
    """The bot's replies to the last message, once it has answered."""
    replies = page.locator(".sa-bot:not(.sa-greeting) .sa-text")
    expect(replies).not_to_have_count(count_before)
    page.wait_for_timeout(500)  # a turn's replies arrive together; let the last of them render
    return "\n".join(replies.all_inner_texts()[count_before:])


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: f"{q.lang}-{q.customer or 'guest'}-{q.steps[0]}")
def test_an_everyday_question_ends_well(site, browser: Browser, agent, question: Question) -> None:
    page = new_page(browser, f"{site}/demo/ko.html" if question.lang == "ko" else f"{site}/demo/")
    if question.customer:
        sign_in(page, question.customer)
    page.locator(".sa-launcher").click()
    expect(page.locator(".sa-greeting")).to_be_visible()
    said = []
    for step in question.steps:
        before = page.locator(".sa-bot:not(.sa-greeting) .sa-text").count()
        if step.startswith("["):
            page.locator(".sa-reply", has_text=step.strip("[]")).last.click()
        else:
            ask(page, step)
        said.append(bot_replies_after(page, before))
        assert not DEAD_ENDS.search(said[-1]), said
        assert not ASKED_AND_HANDED_OVER.search(said[-1]), said
    last = said[-1]
    choice = page.locator(".sa-bot:not(.sa-greeting)").last.locator(".sa-reply", has_text=question.pick_if_asked)
    if question.pick_if_asked and choice.count():  # the KB asked which article: a clear next step
        before = page.locator(".sa-bot:not(.sa-greeting) .sa-text").count()
        choice.first.click()
        last = bot_replies_after(page, before)
    assert re.search(question.expect, last, re.S), said + [last]
    assert page.errors == []  # type: ignore[attr-defined]
    page.screenshot(path=SCREENSHOTS / f"everyday-{QUESTIONS.index(question) + 1:02d}-{question.lang}.png")
    page.context.close()
