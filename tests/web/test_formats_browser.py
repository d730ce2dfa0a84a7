"""One date and number format on every staff page (web/shared/format.js), in Debian's chromium:
the same moment and the same figures read the same on the editor page, the dashboard (its chart's
axis included) and the agent console, in English and in Korean.

The subject is the pages' formatting, so the API answers are pinned: the editor's and the
console's are fixed JSON, the dashboard's are the real figures of a gateway without Rasa (an empty
store) with a few values replaced. The browser runs in Seoul's time zone, where the moment
2025-03-04 15:05 UTC is already the next day, so a page that showed UTC or the browser's
locale format would fail."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from gateway.staff import StaffRegistry
from tests.web.pages import TIMEOUT_MS
from tests.web.servers import gateway_env_without_rasa, gateway_process, in_queue

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.slow]

ZONE = "Asia/Seoul"
MOMENT_S = 1741100700  # 2025-03-04 15:05:00 UTC
MOMENT_ISO = "2025-03-04T15:05:00+00:00"
SHOWN = "2025-03-05 00:05"  # that moment in Seoul, as every page writes it
WAIT_S = 95
WAITED = {"en": "95 sec", "ko": "95초"}
CONVERSATIONS, CONVERSATIONS_SHOWN = 1234, "1,234"  # ko-KR groups digits like en


@pytest.fixture(scope="module")
def plain_site(redis_url: str, key_prefix: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The pages need no Rasa: the editor's and the console's API answers are pinned below."""
    tmp = tmp_path_factory.mktemp("formats-site")
    env = gateway_env_without_rasa(redis_url, key_prefix, tmp, SHOPASSIST_INSIGHTS_DB=str(tmp / "insights.sqlite3"))
    with gateway_process(env, tmp / "gateway.log") as url:
        yield url


@pytest.fixture
def seoul(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(timezone_id=ZONE, locale="en-US")  # en-US: MM/DD if a page used the locale
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def open_page(context: BrowserContext, url: str) -> tuple[Page, list[str]]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    return page, errors


def answer(route: Route, body: object, status: int = 200) -> None:
    route.fulfill(status=status, content_type="application/json", body=json.dumps(body))


def test_the_shared_module_formats_in_both_languages_and_is_served_like_every_page(plain_site, seoul) -> None:
    served = httpx.get(f"{plain_site}/shared/format.js")
    assert served.status_code == 200 and "javascript" in served.headers["content-type"]
    assert "script-src 'self'" in served.headers["content-security-policy"]
    assert served.headers["x-content-type-options"] == "nosniff"

    page, errors = open_page(seoul, f"{plain_site}/insights/")
    shown = page.evaluate("""async ([moment, iso]) => {
      const f = await import("/shared/format.js");
      return Object.fromEntries(["en", "ko"].map((lang) => [lang, [
        f.count(1234567, lang), f.number(4.333, lang), f.fixed(0.8, lang), f.percent(0.4251, lang),
        f.duration(4.23, lang), f.duration(95, lang), f.duration(600, lang), f.count(null, lang),
        f.day("2025-03-04"), f.day(moment), f.moment(moment), f.moment(moment * 1000), f.moment(iso),
        f.moment(undefined), f.moment("not a date")]]));
    }""", [MOMENT_S, MOMENT_ISO])
    dates = ["2025-03-04", "2025-03-05", SHOWN, SHOWN, SHOWN, "—", "not a date"]
    assert shown["en"] == ["1,234,567", "4.33", "0.80", "42.5%", "4.2 sec", "95 sec", "10 min", "—", *dates]
    assert shown["ko"] == ["1,234,567", "4.33", "0.80", "42.5%", "4.2초", "95초", "10분", "—", *dates]
    assert errors == []


def pinned_editor(route: Route) -> None:
    path = route.request.url.split("/api/v1/editor", 1)[1].split("?")[0]
    if path == "/intents":
        return answer(route, {"intents": [{"name": "faq"}]})
    if path == "/misses/clusters":
        return answer(route, {"clusters": [{
            "id": "c1", "lang": "en", "count": 3, "status": "open", "kinds": {"kb_none": 3},
            "examples": ["Do you sell gift cards?"], "example_counts": [3], "more": 0,
            "suggestion": {"intent": {"name": "faq", "confidence": 0.8, "confident": False}},
            "first_seen": MOMENT_S, "last_seen": MOMENT_S}]})
    if path == "/articles":
        return answer(route, {"articles": []})
    if path == "/versions":
        return answer(route, {"live": "v1", "versions": [{
            "id": "v1", "ts": MOMENT_ISO, "actor": {"name": "Mina"}, "metrics": {"macro_f1": 0.8},
            "summary": "gift cards"}]})
    return answer(route, {"error": {"message": "not pinned"}}, 404)


def test_the_editor_writes_the_moment_and_scores_alike_in_english_and_korean(plain_site, seoul) -> None:
    page, errors = open_page(seoul, f"{plain_site}/editor/")
    page.route("**/api/v1/editor/**", pinned_editor)
    page.locator("#token").fill("pinned")
    page.get_by_role("button", name="Sign in").click()
    for lang in ("en", "ko"):
        if lang == "ko":
            page.locator("#lang-toggle").click()
            expect(page.locator("html")).to_have_attribute("lang", "ko")
        seen = page.locator("li.cluster .seen")
        expect(seen).to_contain_text(SHOWN)
        assert seen.inner_text().count(SHOWN) == 2  # first and last seen
        expect(page.locator("li.cluster .suggestion")).to_contain_text("(0.80)")
        page.locator('[data-tab="versions"]').click()
        expect(page.locator('#version-rows tr[data-version="v1"] td').nth(1)).to_have_text(SHOWN)
        expect(page.locator('#version-rows tr[data-version="v1"] td').nth(3)).to_have_text("0.80")
        expect(page.locator('#report-version option[value="v1"]')).to_have_text(f"v1 · {SHOWN}")
        page.locator('[data-tab="inbox"]').click()
    assert errors == []


def test_the_dashboard_and_its_chart_write_days_moments_and_figures_like_the_console(
        plain_site, seoul, redis_url: str, key_prefix: str) -> None:
    _, lead = in_queue(redis_url, key_prefix, lambda _, redis: StaffRegistry(redis, key_prefix).add(
        "lead", f"formats-lead-{uuid.uuid4().hex[:6]}"))

    def figures(route: Route) -> None:  # the real figures of an empty store, with a few values set
        real = route.fetch().json()
        start = date.fromisoformat(real["period"]["from"])
        days = (date.fromisoformat(real["period"]["to"]) - start).days + 1
        real["trend"] = [{"day": (start + timedelta(d)).isoformat(), "conversations": d + 1, "containment": 0.5}
                         for d in range(days)]
        real["conversations"] = CONVERSATIONS
        real["outcomes"]["bot_resolved"] = 1
        real["wait_s"].update(p50=WAIT_S, p50_at_least=False)
        answer(route, real)

    def examples(route: Route) -> None:
        answer(route, {"examples": [{"conversation_id": "conv-1", "started": MOMENT_ISO, "lang": "en",
                                     "messages": [{"sender": "shopper", "text": "hi"}]}]})

    page, errors = open_page(seoul, f"{plain_site}/insights/")
    page.route("**/api/v1/insights/figures?*", figures)
    page.route("**/api/v1/insights/examples?*", examples)
    page.locator("#token").fill(lead)
    page.get_by_role("button", name="Sign in").click()
    period = [page.locator(f"#{end}").input_value() for end in ("from", "to")]
    for lang in ("en", "ko"):
        if lang == "ko":
            page.locator("#lang-toggle").click()
            expect(page.locator("html")).to_have_attribute("lang", "ko")
        expect(page.locator('[data-figure="conversations"] .value')).to_have_text(CONVERSATIONS_SHOWN)
        expect(page.locator('[data-figure="wait_p50"] .value')).to_have_text(WAITED[lang])
        labels = page.locator("#trend-chart svg text.day").all_text_contents()
        assert labels[0] == period[0] and labels[-1] == period[1] and len(labels) == 7  # the filters' days
        page.locator('#outcome-rows tr[data-outcome="bot_resolved"]').click()
        expect(page.locator("#examples .example .note")).to_have_text(f"{SHOWN} · en")
    assert errors == []

    console, console_errors = open_page(seoul, f"{plain_site}/agent/")
    console.route("**/api/v1/agent/queue", lambda route: answer(route, {"tickets": [{
        "id": "t1", "priority": 10, "reasons": ["asked"], "skill": "general", "lang": "en", "segment": "vip",
        "waiting_s": WAIT_S}]}))
    console.route("**/api/v1/agent/presence", lambda route: answer(route, {"team_online": 1}))
    console.locator("#token").fill("pinned")
    console.get_by_role("button", name="Sign in").click()
    expect(console.locator('#queue-rows tr[data-ticket="t1"] td.waiting')).to_have_text(WAITED["en"])
    assert console_errors == []
