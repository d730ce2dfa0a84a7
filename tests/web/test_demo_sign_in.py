"""The demo shop's sign-in (gateway/api/demo.py, web/demo/demo.js): its customers are who the demo
shop's data says they are, and signing in gives the widget a verified customer, as a real shop's
server would."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from playwright.sync_api import expect

from actions.shop.demo_data import generate
from actions.shop.segments import segment_for
from gateway.settings import REPO_ROOT
from tests.web.pages import ask, new_page

DEMO_JS = REPO_ROOT / "web" / "demo" / "demo.js"


def test_every_demo_customer_on_the_sign_in_menu_exists_with_that_name_and_segment() -> None:
    listed = re.findall(r'\{ id: "(C\d{4})", name: "([^"]+)", segment: "(\w+)" \}', DEMO_JS.read_text())
    assert {segment for _, _, segment in listed} == {"new", "regular", "vip"}
    data = generate(dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0))
    for customer_id, name, segment in listed:
        customer = data.customers[customer_id]
        orders = [o for o in data.orders.values() if o.customer_id == customer_id]
        assert (customer.name, segment_for(orders, data.today)) == (name, segment)
        assert customer.language == ("ko" if re.search(r"[가-힣]", name) else "en")


@pytest.mark.browser
@pytest.mark.rasa
@pytest.mark.redis
@pytest.mark.slow
def test_a_signed_in_shopper_is_known_to_the_bot_and_signing_out_starts_a_guest_chat(site, browser) -> None:
    refused = httpx.post(f"{site}/api/v1/demo/sign-in", json={"customer_id": "admin"})
    assert refused.status_code == 422 and "customer_id" in refused.json()["error"]["message"]

    page = new_page(browser, f"{site}/demo/")
    with page.expect_navigation():
        page.locator(".shop-header select").select_option("C0006")
    expect(page.locator(".shop-header select")).to_have_value("C0006")
    page.locator(".sa-launcher").click()
    ask(page, "Where is my order?")
    expect(page.locator(".sa-reply", has_text="ORD-100022")).to_be_visible()  # her own order, no sign-in asked

    with page.expect_navigation():
        page.locator(".shop-header select").select_option("")
    page.locator(".sa-launcher").click()
    expect(page.locator(".sa-shopper")).to_have_count(0)  # the guest does not see her chat
    ask(page, "Where is my order?")
    expect(page.locator(".sa-bot .sa-text").last).to_contain_text("without an account")
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()
