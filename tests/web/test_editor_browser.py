"""The editor page in Debian's chromium against a real gateway process, Rasa, action server and
Redis: a question a shopper really asked in the widget shows up in the miss inbox, is resolved
as a question variant of an article, and the article's preview shows the answer it now gets.
The gateway edits copies of nlu_data/ and faq/ (tests/editor/sources.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.editor.sources import editable_sources
from tests.web.pages import SCREENSHOTS, TIMEOUT_MS, ask, editor_token, new_page, wait_for_kb
from tests.web.servers import gateway_env, gateway_process, in_queue

pytestmark = [pytest.mark.browser, pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]

# An FAQ question the help articles do not cover (the KB abstains: a "kb_none" miss), and the
# article an editor would extend with it.
UNANSWERED = "Do you have a physical store I can visit?"
ARTICLE_ID = "en-products-authenticity"
SLOW_MS = 120_000  # validating an edit (rasa data validate) or building a preview index: tens of seconds


@pytest.fixture(scope="module")
def editor_site(rasa_stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    sources = editable_sources(tmp_path_factory.mktemp("editor-sources"))
    with gateway_process(gateway_env(rasa_stack, **sources), tmp_path_factory.mktemp("editor") / "gateway.log") as url:
        wait_for_kb(url)
        yield url


def sign_in(browser: Browser, site: str, token: str) -> Page:
    page = new_page(browser, f"{site}/editor/")
    page.get_by_label("Editor token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_the_editor_page_refuses_unknown_and_agent_tokens_with_the_reason(editor_site, browser, redis_url, key_prefix,
                                                                          monkeypatch, capsys):
    page = sign_in(browser, editor_site, "not-a-token")
    expect(page.locator("#sign-in-error")).to_contain_text("unknown token")
    expect(page.locator("#desk")).to_be_hidden()

    agent, agent_token = in_queue(redis_url, key_prefix,
                                  lambda q, _: q.agents.add("Editor-page agent", ["general"], ["en"], 1))
    try:
        page.get_by_label("Editor token").fill(agent_token)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#sign-in-error")).to_contain_text("this is an agent token")
        expect(page.locator("#desk")).to_be_hidden()
    finally:
        in_queue(redis_url, key_prefix, lambda q, _: q.agents.remove(agent.id))
    assert page.evaluate("() => sessionStorage.getItem('shopassist:editor-token')") is None  # not kept
    page.context.close()


def test_a_real_miss_is_resolved_into_an_article_and_previewed_in_english_and_korean(
        editor_site, browser, redis_url, key_prefix, monkeypatch, capsys):
    shopper = new_page(browser, f"{editor_site}/demo/")
    shopper.get_by_role("button", name="Chat with us").click()
    ask(shopper, UNANSWERED)
    expect(shopper.locator(".sa-bot .sa-text").last).to_contain_text("couldn't find an answer")

    token = editor_token(monkeypatch, capsys, redis_url, key_prefix, "Mina Page")
    editor = sign_in(browser, editor_site, token)
    cluster = editor.locator("li.cluster", has_text=UNANSWERED)
    expect(cluster).to_be_visible(timeout=TIMEOUT_MS)  # the inbox refreshes itself every 3 s
    expect(cluster.locator(".count")).to_contain_text("question")
    cluster.locator("select.article-pick").select_option(ARTICLE_ID)
    cluster.locator("button.add-article").click()
    expect(editor.locator("#alert")).to_contain_text("Resolved", timeout=SLOW_MS)
    expect(editor.locator("#alert")).to_contain_text("faq/en/")
    expect(editor.locator("li.cluster", has_text=UNANSWERED)).to_have_count(0)  # no longer open
    editor.screenshot(path=SCREENSHOTS / "editor-inbox.png", full_page=True)

    editor.get_by_role("tab", name="Articles").click()
    editor.locator("#article-pick").select_option(ARTICLE_ID)
    editor.get_by_role("button", name="Load").click()
    expect(editor.locator("#f-questions")).to_have_value(re.compile(re.escape(UNANSWERED)))
    editor.get_by_role("button", name="Preview").click()
    expect(editor.locator("#preview-summary")).to_contain_text("Replayed", timeout=SLOW_MS)
    changed = editor.locator("#preview-rows tr", has_text=UNANSWERED)
    expect(changed).to_have_count(1)  # the shopper's question: no answer now, this article after the edit
    expect(changed.locator("td").nth(2)).to_contain_text("no answer")
    expect(changed.locator("td").nth(3)).to_contain_text(editor.locator("#f-title").input_value())
    editor.screenshot(path=SCREENSHOTS / "editor-preview.png", full_page=True)

    editor.get_by_role("button", name="한국어").click()
    expect(editor.get_by_role("tab", name="미답변 질문함")).to_be_visible()
    expect(editor.get_by_role("button", name="미리 보기")).to_be_visible()
    expect(editor.locator("#preview-summary")).to_contain_text("최근 질문")
    expect(editor.locator("html")).to_have_attribute("lang", "ko")
    editor.screenshot(path=SCREENSHOTS / "editor-preview-ko.png", full_page=True)
    assert editor.errors == [] and shopper.errors == []  # type: ignore[attr-defined]
    editor.context.close()
    shopper.context.close()

