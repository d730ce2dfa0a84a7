"""The demo shop's pages state the shop facts (shop_facts.yml), filled in as the gateway serves them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from contracts.shop_facts import load_shop_facts
from gateway.api import web
from gateway.settings import load_settings

FACTS = load_shop_facts()


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    web.install(app, load_settings(_env_file=None))
    return TestClient(app)


def test_the_product_page_shows_the_facts_free_shipping_threshold(client: TestClient) -> None:
    page = client.get("/demo/product.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"Free delivery over {FACTS.text('free_shipping_threshold', 'en')}." in page.text
    assert "{{" not in page.text and "Content-Security-Policy" in page.headers


def test_a_changed_threshold_reaches_the_product_page_without_editing_it() -> None:
    threshold = FACTS.facts["free_shipping_threshold"]
    raised = replace(FACTS, facts={**FACTS.facts, threshold.name: replace(threshold, value=70000)})
    app = FastAPI()
    app.mount("/demo", web.FactPages(web.WEB_DIR / "demo", raised), name="demo")
    assert "Free delivery over ₩70,000." in TestClient(app).get("/demo/product.html").text


def test_every_demo_page_is_served_with_no_placeholder_left(client: TestClient) -> None:
    for name in ("", "index.html", "ko.html", "cart.html", "checkout.html"):
        page = client.get(f"/demo/{name}")
        assert page.status_code == 200 and "{{" not in page.text, name
    assert client.get("/demo/demo.css").text == (web.WEB_DIR / "demo" / "demo.css").read_text(encoding="utf-8")


def test_a_page_gets_the_facts_in_its_own_language() -> None:
    korean = '<html lang="ko"><p>{{free_shipping_threshold}} 이상 무료배송, {{card_refund_days}}</p>'
    assert web.fill_facts(korean, FACTS) == (f'<html lang="ko"><p>{FACTS.text("free_shipping_threshold", "ko")} 이상 '
                                             f'무료배송, {FACTS.text("card_refund_days", "ko")}</p>')
    assert FACTS.text("free_shipping_threshold", "en") in web.fill_facts("<p>{{free_shipping_threshold}}</p>", FACTS)


def test_an_unknown_placeholder_fails_start_up_naming_the_page(tmp_path: Path) -> None:
    (tmp_path / "offer.html").write_text('<html lang="en"><p>Free over {{free_shipping}}</p>')
    with pytest.raises(ValueError, match=r"offer\.html: unknown placeholder \{\{free_shipping\}\}"):
        web.FactPages(tmp_path, FACTS)
