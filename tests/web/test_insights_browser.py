"""The support dashboard and the editors' inbox in Debian's chromium (headless) against a real gateway
process with its own insights store, after a few scripted shoppers (bench/traffic_day.py): a lead
signs in, picks filters, and the figures (failures by kind and language among them), the charts and
the Korean labels appear; an editor filters the inbox by language and kind and reads the day's
failures on the clusters' badges."""

from __future__ import annotations

import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from bench.traffic_day import Day, tickets_in
from contracts.signals import MISS_SOURCES
from gateway.api.editor_content import CLUSTERS_PER_PAGE
from gateway.staff import StaffRegistry
from tests.insights.day_checks import failures_in, inbox_kinds
from tests.web.pages import SCREENSHOTS, TIMEOUT_MS
from tests.web.servers import gateway_process, in_queue

pytestmark = [pytest.mark.browser, pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]


@pytest.fixture(scope="module")
def dashboard_site(rasa_stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    run_dir = tmp_path_factory.mktemp("insights-site")
    env = {**{k: v for k, v in rasa_stack.env.items() if k.startswith("SHOPASSIST_")},
           "SHOPASSIST_RASA_URL": rasa_stack.rasa_url, "SHOPASSIST_ACTIONS_URL": rasa_stack.actions_url,
           "SHOPASSIST_CONVERSATIONS_PER_MINUTE": "10000", "SHOPASSIST_MESSAGES_PER_MINUTE": "10000",
           "SHOPASSIST_INSIGHTS_DB": str(run_dir / "insights.sqlite3")}
    with gateway_process(env, run_dir / "gateway.log") as url:
        yield url


def test_a_lead_sees_the_days_figures_filters_them_and_reads_them_in_korean(
        dashboard_site, browser: Browser, rasa_stack, redis_url: str, key_prefix: str) -> None:
    # sync Playwright owns this thread's event loop: Redis set-up runs on a worker thread (in_queue)
    agents = {lang: in_queue(redis_url, key_prefix, lambda q, _, lang=lang: q.agents.add(
        f"dash-{lang}-{uuid.uuid4().hex[:6]}", ["general"], [lang], 20))[1] for lang in ("en", "ko")}
    lead, editor = (in_queue(redis_url, key_prefix, lambda _, redis, role=role: StaffRegistry(redis, key_prefix).add(
        role, f"dash-{role}-{uuid.uuid4().hex[:6]}"))[1] for role in ("lead", "editor"))
    with httpx.Client(base_url=dashboard_site, timeout=60) as client:
        # the inbox is the session's: what other tests left there is counted first
        inbox_before = {lang: inbox_kinds(client, _bearer(editor), lang) for lang in ("en", "ko")}
        counts = Day(client, identity_secret=rasa_stack.env["SHOPASSIST_IDENTITY_SECRET"], agent_tokens=agents,
                     ticket_of=tickets_in(redis_url, key_prefix), seed=3).play(5).to_dict()
    # the figures below are checked against the counts whatever the stack did; the strict run of the
    # script (no surprises) is tests/insights/test_traffic_day.py
    korean = sum(n for key, n in counts["by_lang_segment"].items() if key.startswith("ko/"))

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []  # script errors (CSP violations included) and failed requests
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "403" not in m.text else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{dashboard_site}/insights/")

    page.locator("#token").fill(agents["en"])  # an agent token first: refused
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#sign-in-error")).to_have_text("This is not a lead token.")
    page.locator("#token").fill(lead)
    page.get_by_role("button", name="Sign in").click()

    tile = page.locator('[data-figure="conversations"] .value')
    expect(tile).to_have_text(str(counts["conversations"]))
    contained = counts["contained"]
    expect(page.locator('[data-figure="containment"] .note')).to_have_text(f"{contained} / {counts['spoke']}")
    for outcome, n in counts["outcomes"].items():  # how each conversation ended, as the script played it
        expect(page.locator(f'#outcome-rows tr[data-outcome="{outcome}"] td').nth(1)).to_have_text(str(n))
    expect(page.locator('[data-figure="wait_p50"] .note')).to_contain_text(f"n = {counts['handed_off']} (")
    failures = {lang: failures_in(counts, lang) for lang in ("en", "ko")}
    assert failures["en"] and failures["ko"]  # this seed's shoppers fail in both languages
    for kind in MISS_SOURCES:  # the day's failures by kind, English and Korean columns
        cells = page.locator(f'#failure-rows tr[data-kind="{kind}"] td')
        expect(cells.nth(1)).to_have_text(str(failures["en"].get(kind, 0)))
        expect(cells.nth(2)).to_have_text(str(failures["ko"].get(kind, 0)))
    ended = next(o for o in ("bot_resolved", "agent_resolved", "abandoned_after_miss") if counts["outcomes"].get(o))
    page.locator(f'#outcome-rows tr[data-outcome="{ended}"]').click()
    expect(page.locator("#examples .example").first).to_be_visible()
    assert page.locator("#examples .example").count() == min(5, counts["outcomes"][ended])
    expect(page.locator("#trend-chart svg rect.bar")).to_have_count(7)  # the last seven days, today included
    expect(page.locator("#csat-chart svg rect.bar")).to_have_count(5)
    expect(page.locator("#trend-chart svg polyline.line")).to_have_count(1)

    page.locator("#lang").select_option("ko")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("body")).to_have_attribute("data-loaded", f"{_week(page)}|ko|")
    expect(tile).to_have_text(str(korean))

    page.locator("#lang-toggle").click()
    expect(page.locator("h1")).to_have_text("ShopAssist 상담 인사이트")
    expect(page.locator('[data-figure="containment"] .label')).to_have_text("자동 해결률")
    expect(page.get_by_role("button", name="보기")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "insights-dashboard-ko.png", full_page=True)
    refused = [e for e in errors if e.startswith(f"403 {dashboard_site}/api/v1/insights/figures?")]
    assert len(refused) == 1 and [e for e in errors if e not in refused] == []  # only the agent token's sign-in
    errors.clear()

    page.goto(f"{dashboard_site}/editor/")
    page.locator("#token").fill(editor)
    page.locator("#sign-in button[type=submit]").click()
    for lang in ("en", "ko"):
        page.locator("#inbox-lang").select_option(lang)
        expected = inbox_before[lang] + Counter(failures[lang])
        for kind in sorted(expected):
            page.locator("#inbox-kind").select_option(kind)
            assert _badge_total_once_it_is(page, kind, expected[kind]) == expected[kind], f"{lang} inbox, {kind}"
            assert page.locator("li.cluster").count() < CLUSTERS_PER_PAGE  # the page's one request held them all
    assert errors == []
    context.close()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _badge_total_once_it_is(page: Page, kind: str, expected: int) -> int:
    """The misses of `kind` the inbox shows (the sum of its clusters' "<kind> ×n" badges), read
    until it is `expected` or the page's timeout passes (the list refreshes every 3 s)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        texts = page.locator(f"li.cluster .badge.kind.{kind}").all_text_contents()
        total = sum(int(match.group(1)) for text in texts if (match := re.search(r"×(\d+)$", text)))
        if total == expected or time.monotonic() > deadline:
            return total
        page.wait_for_timeout(300)


def _week(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("#from").input_value() + ".." + page.locator("#to").input_value()
